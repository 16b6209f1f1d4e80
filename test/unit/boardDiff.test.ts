import * as assert from 'node:assert/strict';
import { applyBoardDiff, diffBoardStates, isEmptyDiff } from '../../src/board/boardDiff';
import { buildBoardGraph, BoardGraphCache } from '../../src/board/boardGraph';
import { buildBoardState } from '../../src/board/boardState';
import { readPlan } from '../../src/core/plan';
import { cards, planState, type PlanState } from '../support/boardStateBuilder';
import { generateLargePlan } from '../support/planGenerator';

const base = (): PlanState =>
  planState(
    cards(
      { id: 1, status: 'done' },
      { id: 2, dependencies: [1] },
      { id: 3, dependencies: [2] },
      { id: 4, status: 'in-progress' },
    ),
    { nextId: '2' },
  );

/** As the webview receives it: through JSON, where an undefined field is no field. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** The diff from `before` to `after`, applied to `before`, must give `after` exactly. */
function roundTrip(before: PlanState, after: PlanState) {
  const diff = diffBoardStates(before, after);
  assert.ok(diff, 'a diff');
  assert.deepEqual(wire(applyBoardDiff(wire(before), wire(diff))), wire(after));
  return diff;
}

describe('board state diffs', () => {
  it('sends one changed card, and the plan-wide fields that moved with it', () => {
    const before = base();
    const after = base();
    after.cards[2] = { ...after.cards[2], title: 'Build the API', status: 'in-progress' };
    after.dashboard = { ...after.dashboard, byStatus: { done: 1, pending: 1, 'in-progress': 2 } };
    const diff = roundTrip(before, after);
    assert.deepEqual(diff.changed.map((card) => card.id), ['3']);
    assert.deepEqual(diff.removed, []);
    assert.equal(diff.order, undefined, 'the order is unchanged');
    assert.deepEqual(diff.dashboard, { byStatus: { done: 1, pending: 1, 'in-progress': 2 } }, 'the counts that changed, not the rest of the dashboard');
    assert.equal(diff.tags, undefined);
    assert.equal(diff.nextId, undefined);
  });

  it('keeps unchanged cards as the same objects, so views redraw only what changed', () => {
    const before = base();
    const after = base();
    after.cards[1] = { ...after.cards[1], priority: 'high' };
    const applied = applyBoardDiff(before, diffBoardStates(before, after)!);
    assert.equal(applied.cards[0], before.cards[0]);
    assert.equal(applied.cards[3], before.cards[3]);
    assert.notEqual(applied.cards[1], before.cards[1]);
  });

  it('sends added and removed cards with the new order, and a next task that went away', () => {
    const others = [{ id: 6 }, { id: 7 }, { id: 8 }];
    const before = planState(cards({ id: 1, status: 'done' }, { id: 2, dependencies: [1] }, { id: 3, dependencies: [2] }, { id: 4, status: 'in-progress' }, ...others), { nextId: '2' });
    const after = planState(cards({ id: 1, status: 'done' }, { id: 5, title: 'New' }, { id: 2, dependencies: [1] }, { id: 4, status: 'in-progress' }, ...others), { tags: ['master', 'feature', 'extra'] });
    const diff = roundTrip(before, after);
    assert.deepEqual(diff.changed.map((card) => card.id), ['5', '2'], 'the new card, and 2 which is no longer next');
    assert.deepEqual(diff.removed, ['3']);
    assert.deepEqual(diff.order, ['1', '5', '2', '4', '6', '7', '8']);
    assert.equal(diff.nextId, null);
    assert.deepEqual(diff.tags, ['master', 'feature', 'extra']);
    assert.equal('nextId' in applyBoardDiff(before, diff), false);
  });

  it('says when nothing changed', () => {
    assert.ok(isEmptyDiff(diffBoardStates(base(), base())!));
    const after = base();
    after.columns = ['pending', 'done'];
    assert.equal(isEmptyDiff(diffBoardStates(base(), after)!), false);
  });

  it('gives no diff for another tag or project, or when most cards changed: the full state is smaller', () => {
    assert.equal(diffBoardStates(base(), planState(base().cards, { tag: 'feature' })), undefined);
    assert.equal(diffBoardStates(base(), { ...base(), projectUri: 'file:///other' }), undefined);
    const after = base();
    after.cards = after.cards.map((card) => ({ ...card, title: `${card.title}!` }));
    assert.equal(diffBoardStates(base(), after), undefined);
  });

  it('round-trips an edit of one task in a generated 1,000-task plan as one card', () => {
    const columns = ['pending', 'in-progress', 'review', 'done'] as const;
    const raw = generateLargePlan(1000, 5) as { master: { tasks: Array<{ id: number; title: string; status: string }> } };
    const state = () => {
      const plan = readPlan(raw);
      return buildBoardState({ project: 'big', projectUri: 'file:///big', plan, tag: plan.tags.get('master')!, columns: [...columns], complexity: [] }) as PlanState;
    };
    const before = state();
    raw.master.tasks[500].title = 'Renamed from outside';
    const diff = roundTrip(before, state());
    assert.deepEqual(diff.changed.map((card) => card.id), ['501']);
  });
});

describe('board graph on demand', () => {
  it('draws an edge from a subtask dependency to its parent task, each once, leaving out missing tasks', () => {
    const graph = buildBoardGraph(cards({ id: 1 }, { id: 2, dependencies: ['1.1', '1.2', 1] }, { id: 3, dependencies: [99, 3, 2] }));
    assert.deepEqual(graph.edges, [{ from: '1', to: '2' }, { from: '2', to: '3' }]);
    assert.deepEqual(graph.nodes.map((node) => node.layer), [0, 1, 2]);
  });

  it('lays out again only when dependencies change; titles and statuses follow the cards', () => {
    const cache = new BoardGraphCache();
    const first = cache.graphOf(cards({ id: 1 }, { id: 2, dependencies: [1] }));
    const renamed = cache.graphOf(cards({ id: 1, title: 'Renamed', status: 'done' }, { id: 2, dependencies: [1] }));
    assert.equal(renamed.edges, first.edges, 'the same layout');
    assert.deepEqual(renamed.nodes.map((node) => [node.title, node.status]), [['Renamed', 'done'], ['Task 2', 'pending']]);
    const rewired = cache.graphOf(cards({ id: 1, dependencies: [2] }, { id: 2 }));
    assert.deepEqual(rewired.edges, [{ from: '2', to: '1' }]);
    assert.deepEqual(rewired.nodes.map((node) => node.layer), [1, 0]);
  });
});
