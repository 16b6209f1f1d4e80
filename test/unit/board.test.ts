import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { boardEdit, boardPositionMove, boardTagMove, nextFreeTaskId, positionRefusal, type BoardEditMessage, type LeftBehindChoice } from '../../src/board/boardEdits';
import { positionBetween } from '../../src/board/cardPosition';
import { buildBoardGraph } from '../../src/board/boardGraph';
import { boardTask, buildBoardState, type BoardSource } from '../../src/board/boardState';
import { completionHistory } from '../../src/progress/completionHistory';
import { criticalPath } from '../../src/board/criticalPath';
import { layoutGraph } from '../../src/board/graphLayout';
import { describeRejected, parseWebviewMessage, tagActionsFor, type BoardState, type WebviewMessage } from '../../src/board/protocol';
import { changedTaskFields, normaliseTaskField } from '../../src/board/taskFields';
import { findNextTask } from '../../src/core/nextTask';
import { addDependency, moveSubtask, OperationError, setDependencies } from '../../src/core/operations';
import { readPlan, type TagView } from '../../src/core/plan';
import { planMove } from '../../src/core/taskStructure';
import { ActivityLedger } from '../../src/ledger';
import { readComplexityReport, writeComplexityReport } from '../../src/store/complexityReport';
import { editUndoably } from '../../src/store/undoableEdit';
import { loadedPlan, openStore, tagged, task, taskMasterText, tempDir } from '../support/planBuilder';
import { generateLargePlan } from '../support/planGenerator';

type PlanBoard = Extract<BoardState, { kind: 'plan' }>;

const COLUMNS: BoardSource['columns'] = ['pending', 'in-progress', 'review', 'done'];

describe('board protocol', () => {
  /** Where the board's requests apply: the project and tag it showed. */
  const at = { projectUri: 'file:///work/demo', tag: 'master' };
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'closeTask' },
    { type: 'setStatus', ...at, id: '3', status: 'done' },
    { type: 'openTask', ...at, id: '3.2' },
    { type: 'revealInTree', ...at, id: '12' },
    { type: 'saveTask', ...at, id: '3', changes: { title: 'New title', description: '', details: '# Notes', testStrategy: 'unit', priority: 'high', status: 'review' } },
    { type: 'saveTask', ...at, id: '3', changes: { title: 'New title' }, dependencies: ['1', '2.1'] },
    { type: 'saveTask', ...at, id: '3', changes: {}, dependencies: [] },
    { type: 'addSubtask', ...at, parentId: '3', title: 'A step' },
    { type: 'moveSubtask', projectUri: 'vscode-remote://ssh-remote%2Bbox/home/me/app', tag: 'feature-x', parentId: '3', subtaskId: '3.2', toIndex: 0 },
    { type: 'switchTag', tag: 'feature-x' },
    { type: 'aiAction', ...at, id: '3', action: 'expand', prompt: undefined },
    { type: 'aiAction', ...at, id: '3', action: 'update', prompt: 'we use PostgreSQL now' },
    { type: 'cancelAiAction', id: '3' },
    { type: 'openTasksFile', line: 4, column: 7 },
    { type: 'openTasksFile', line: undefined, column: undefined },
    { type: 'moveToTag', ...at, id: '3', toTag: 'feature-x' },
    { type: 'moveToPosition', ...at, id: '3', to: '7' },
    { type: 'moveToPosition', ...at, id: '3', to: '2.4' },
    { type: 'moveToPosition', ...at, id: '3' },
    { type: 'removeTask', ...at, id: '3' },
    { type: 'removeTask', ...at, id: '3.2' },
    { type: 'tagAction', ...at, action: 'add' },
    { type: 'tagAction', ...at, action: 'copy' },
    { type: 'tagAction', ...at, tag: 'feature-x', action: 'rename' },
    { type: 'tagAction', ...at, tag: 'feature-x', action: 'delete' },
  ];

  it('accepts every well-formed message as it is', () => {
    for (const message of valid) assert.deepEqual(parseWebviewMessage(message), message, JSON.stringify(message));
  });

  it('trims titles and drops duplicate dependencies', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'addSubtask', ...at, parentId: '3', title: '  Step  ' }), { type: 'addSubtask', ...at, parentId: '3', title: 'Step' });
    assert.deepEqual(parseWebviewMessage({ type: 'saveTask', ...at, id: '3', changes: {}, dependencies: ['1', '1'] }), { type: 'saveTask', ...at, id: '3', changes: {}, dependencies: ['1'] });
  });

  it('refuses a request about a task that does not say which project and tag the board showed', () => {
    const requests = [
      { type: 'setStatus', id: '3', status: 'done' },
      { type: 'openTask', id: '3' },
      { type: 'revealInTree', id: '3' },
      { type: 'saveTask', id: '3', changes: { title: 'x' } },
      { type: 'addSubtask', parentId: '3', title: 'x' },
      { type: 'moveSubtask', parentId: '3', subtaskId: '3.2', toIndex: 0 },
      { type: 'aiAction', id: '3', action: 'expand' },
      { type: 'moveToTag', id: '3', toTag: 'feature-x' },
      { type: 'removeTask', id: '3' },
      { type: 'tagAction', action: 'copy' },
    ];
    for (const request of requests) {
      assert.ok(parseWebviewMessage({ ...request, ...at }), JSON.stringify(request));
      for (const place of [{}, { tag: 'master' }, { projectUri: at.projectUri }, { ...at, tag: '' }, { ...at, tag: 7 }, { ...at, tag: 'x'.repeat(201) }, { ...at, projectUri: '' }, { ...at, projectUri: '/work/demo' }, { ...at, projectUri: 'file:///a b' }, { ...at, projectUri: 42 }]) {
        assert.equal(parseWebviewMessage({ ...request, ...place }), undefined, JSON.stringify({ ...request, ...place }));
      }
    }
  });

  it('offers rename and delete on every tag but "master", copy on all', () => {
    assert.deepEqual(tagActionsFor('master'), ['copy']);
    assert.deepEqual(tagActionsFor('feature-x'), ['rename', 'copy', 'delete']);
  });

  it('describes a rejected message for the log, even one JSON cannot write', () => {
    const cyclic: Record<string, unknown> = { type: 'saveTask' };
    cyclic.self = cyclic;
    assert.match(describeRejected(cyclic), /cannot be shown as JSON/);
    assert.match(describeRejected({ type: 'x', big: 1n }), /cannot be shown as JSON/);
    assert.equal(describeRejected(undefined), 'undefined');
    assert.equal(describeRejected({ type: 'x'.repeat(500) }).length, 200);
  });

  it('rejects every malformed shape', () => {
    const huge = 'x'.repeat(200_001);
    const malformed: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      [],
      {},
      { type: 'explode' },
      { type: 'READY' },
      { type: 'setStatus', id: '3' },
      { type: 'setStatus', id: '3', status: 'finished' },
      { type: 'setStatus', id: 3, status: 'done' },
      { type: 'setStatus', id: '../x', status: 'done' },
      { type: 'openTask', id: '1.2.3' },
      { type: 'openTask', id: '' },
      { type: 'openTask', id: '3 ' },
      { type: 'openTask', id: { toString: () => '3' } },
      { type: 'revealInTree' },
      { type: 'saveTask', id: '3', changes: {} },
      { type: 'saveTask', id: '3', changes: null },
      { type: 'saveTask', id: '3', changes: [] },
      { type: 'saveTask', id: '3', changes: { title: 'ok', dependencies: [1] } },
      { type: 'saveTask', id: '3', changes: { __proto__: { title: 'x' }, constructor: 'x' } },
      { type: 'saveTask', id: '3', changes: { title: '   ' } },
      { type: 'saveTask', id: '3', changes: { title: ' \n\r\n ' } },
      { type: 'saveTask', id: '3', changes: { title: 'x'.repeat(501) } },
      { type: 'saveTask', id: '3', changes: { details: huge } },
      { type: 'saveTask', id: '3', changes: { details: 7 } },
      { type: 'saveTask', id: '3', changes: { priority: 'urgent' } },
      { type: 'saveTask', id: '3', changes: { status: 'completed' } },
      { type: 'saveTask', id: '../../etc/passwd', changes: { title: 'x' } },
      { type: 'saveTask', id: '3', changes: {}, dependencies: '1' },
      { type: 'saveTask', id: '3', changes: { title: 'x' }, dependencies: ['1', '../x'] },
      { type: 'saveTask', id: '3', changes: {}, dependencies: [1] },
      { type: 'saveTask', id: '3', changes: {}, dependencies: Array.from({ length: 1001 }, (_, i) => String(i + 1)) },
      { type: 'saveTask', id: '3', changes: { title: 'x' }, dependencies: null },
      { type: 'setDependencies', id: '3', dependencies: ['1'] },
      { type: 'addSubtask', parentId: '3', title: '' },
      { type: 'addSubtask', parentId: '3', title: huge },
      { type: 'addSubtask', parentId: '3' },
      { type: 'moveSubtask', parentId: '3', subtaskId: '3.2', toIndex: -1 },
      { type: 'moveSubtask', parentId: '3', subtaskId: '3.2', toIndex: 1.5 },
      { type: 'moveSubtask', parentId: '3', subtaskId: '3.2', toIndex: '0' },
      { type: 'moveSubtask', parentId: '3', subtaskId: 'x', toIndex: 0 },
      { type: 'switchTag', tag: '' },
      { type: 'switchTag', tag: 7 },
      { type: 'switchTag', tag: 'x'.repeat(201) },
      { type: 'aiAction', id: '3', action: 'delete' },
      { type: 'aiAction', id: '3', action: 'update', prompt: 'x'.repeat(10_001) },
      { type: 'aiAction', id: '3', action: 'update', prompt: 5 },
      { type: 'cancelAiAction', id: '3.x' },
      { type: 'openTasksFile', line: 0 },
      { type: 'openTasksFile', line: -3 },
      { type: 'openTasksFile', line: 2.5 },
      { type: 'openTasksFile', column: '4' },
      { type: 'moveToTag', id: '3' },
      { type: 'moveToTag', id: '3', toTag: '' },
      { type: 'moveToTag', id: '3', toTag: 7 },
      { type: 'moveToTag', id: '3', toTag: 'x'.repeat(201) },
      // Only tasks move between tags; and a move to the tag shown goes nowhere.
      { type: 'moveToTag', id: '3.1', toTag: 'feature-x' },
      { type: 'moveToTag', id: '3', toTag: 'master' },
      { type: 'moveToTag', id: 3, toTag: 'feature-x' },
      { type: 'moveToPosition', id: '3.1', to: '7' },
      { type: 'moveToPosition', id: '3', to: '3' },
      { type: 'moveToPosition', id: '3', to: 7 },
      { type: 'moveToPosition', id: '3', to: 'x' },
      { type: 'moveToPosition', id: '3', to: '' },
      { type: 'removeTask' },
      { type: 'removeTask', id: '3.x' },
      { type: 'removeTask', id: ['3'] },
      { type: 'tagAction', action: 'use' },
      { type: 'tagAction', action: 'Rename' },
      { type: 'tagAction', action: ['add'] },
      { type: 'tagAction' },
      // As the tree and Task Master: "master" is never renamed or deleted.
      { type: 'tagAction', ...at, action: 'rename' },
      { type: 'tagAction', ...at, action: 'delete' },
    ];
    for (const raw of malformed) {
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
      // Malformed for its own reason: naming the place does not make it acceptable.
      const type = (raw as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && !['switchTag', 'cancelAiAction', 'openTasksFile'].includes(type)) assert.equal(parseWebviewMessage({ ...(raw as object), ...at }), undefined, JSON.stringify(raw));
    }
  });
});

describe('graph layout', () => {
  it('puts each node one layer above its longest chain of prerequisites', () => {
    const placement = layoutGraph(['a', 'b', 'c', 'd'], [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'c' },
      { from: 'a', to: 'd' },
    ]);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => placement.get(id)!.layer), [0, 1, 2, 1]);
  });

  it('orders a layer to remove crossings that file order would draw', () => {
    // File order puts c (under b) before d (under a): one crossing, gone once d comes first.
    const placement = layoutGraph(['a', 'b', 'c', 'd'], [
      { from: 'b', to: 'c' },
      { from: 'a', to: 'd' },
    ]);
    assert.deepEqual([placement.get('d')!.order, placement.get('c')!.order], [0, 1]);
  });

  it('places every node of a plan with a cycle, and ignores unknown and self edges', () => {
    const placement = layoutGraph(['1', '2', '3', '4'], [
      { from: '1', to: '2' },
      { from: '2', to: '3' },
      { from: '3', to: '2' },
      { from: '4', to: '4' },
      { from: '9', to: '1' },
    ]);
    assert.equal(placement.size, 4);
    assert.deepEqual([placement.get('1')!.layer, placement.get('4')!.layer], [0, 0]);
  });

  it('finds the critical path: the longest chain of prerequisites to a task', () => {
    const edges = [
      { from: '1', to: '2' },
      { from: '2', to: '3' },
      { from: '3', to: '5' },
      { from: '4', to: '5' },
      { from: '1', to: '5' },
    ];
    const placement = layoutGraph(['1', '2', '3', '4', '5'], edges);
    const nodes = [...placement].map(([id, place]) => ({ id, title: id, status: 'pending' as const, ...place }));
    assert.deepEqual(criticalPath({ nodes, edges }, '5'), ['1', '2', '3', '5']);
    assert.deepEqual(criticalPath({ nodes, edges }, '4'), ['4']);
    assert.deepEqual(criticalPath({ nodes, edges }, '99'), []);
  });
});

describe('board state', () => {
  const sample = () =>
    tagged({
      master: [
        task({ id: 1, status: 'done', priority: 'high' }),
        task({ id: 2, status: 'in-progress', dependencies: [1], subtasks: [{ id: 1, status: 'done' }, { id: 2 }, { id: 3, dependencies: [2] }] }),
        task({ id: 3, dependencies: [2, '2.1'], priority: 'low' }),
        task({ id: 4, status: 'deferred', dependencies: [3, 99] }),
        task({ id: 5, status: 'done' }),
      ],
      feature: [task({ id: 1 })],
    });

  it('builds columns, cards, the next task, the graph and the dashboard from a real project', async () => {
    const { store, root } = await openStore(sample());
    const plan = loadedPlan(store);
    const tag = plan.plan.tags.get('master')!;
    await writeComplexityReport(store.location, 'master', [
      { taskId: 2, taskTitle: 'Task 2', complexityScore: 7, recommendedSubtasks: 3, expansionPrompt: '', reasoning: '' },
      { taskId: 3, taskTitle: 'Task 3', complexityScore: 7.4, recommendedSubtasks: 3, expansionPrompt: '', reasoning: '' },
      { taskId: 42, taskTitle: 'Gone', complexityScore: 2, recommendedSubtasks: 1, expansionPrompt: '', reasoning: '' },
    ], 5);
    const complexity = (await readComplexityReport(store.location, 'master'))!.complexityAnalysis;

    const now = new Date();
    const ledger = await ActivityLedger.open(path.join(await tempDir(), 'activity.sqlite'), (file) => path.join(path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm')), file));
    const done = (taskId: string, at: number, tagName = 'master') => ({ kind: 'status' as const, taskId, tag: tagName, at, data: { from: 'pending', to: 'done' } });
    ledger.appendMany([done('1', now.getTime()), done('3', now.getTime()), done('5', now.getTime() - 10 * 86_400_000), done('1', now.getTime(), 'feature')]);
    const history = completionHistory(ledger, { tag: 'master' }, now);
    await ledger.close();

    const state = buildBoardState({ project: path.basename(root), projectUri: `file://${root}`, plan: plan.plan, tag, columns: COLUMNS, complexity, history }) as PlanBoard;
    assert.equal(state.kind, 'plan');
    assert.deepEqual([state.project, state.projectUri, state.tags, state.tag, state.columns], [path.basename(root), `file://${root}`, ['master', 'feature'], 'master', COLUMNS]);
    assert.deepEqual(state.cards.map((card) => card.id), ['1', '2', '3', '4', '5']);
    const two = state.cards[1];
    assert.deepEqual([two.subtasksDone, two.subtasksTotal, two.complexity, two.isNext], [1, 3, 7, true]);
    assert.equal(state.nextId, '2.2', 'a subtask of the in-progress task comes first; its parent card is highlighted');
    assert.deepEqual(state.cards[2].blockedBy, ['2']);
    assert.deepEqual(state.cards[3].blockedBy, ['3', '99'], 'a missing dependency never gets done');
    assert.equal(state.cards[0].complexity, undefined);

    const graph = buildBoardGraph(state.cards);
    assert.deepEqual(graph.edges, [{ from: '1', to: '2' }, { from: '2', to: '3' }, { from: '3', to: '4' }]);
    assert.deepEqual(graph.nodes.map((node) => node.layer), [0, 1, 2, 3, 0]);

    const dashboard = state.dashboard;
    assert.deepEqual(dashboard.byStatus, { done: 2, 'in-progress': 1, pending: 1, deferred: 1 });
    assert.deepEqual(dashboard.byPriority, { high: 1, medium: 3, low: 1 });
    assert.deepEqual(dashboard.blocked, [
      { id: '3', title: 'Task 3', waitingOn: ['2'] },
      { id: '4', title: 'Task 4', waitingOn: ['3', '99'] },
    ]);
    assert.deepEqual(dashboard.complexity.filter((entry) => entry.count), [{ score: 7, count: 2 }], 'the report entry of a task no longer in the plan is left out');
    assert.equal(dashboard.complexity.length, 10);
    assert.equal(dashboard.doneThisWeek, 1, 'task 3 was done this week but is pending again; feature\'s task 1 is another tag');
    assert.equal(dashboard.completion.length, 28);
    assert.deepEqual(dashboard.completion.at(-1), { day: history.completion.at(-1)!.day, done: 2 });
    assert.equal(dashboard.completion.reduce((sum, day) => sum + day.done, 0), 3);
  });

  it('gives the editor a task or subtask in full, and nothing for one deleted meanwhile', async () => {
    const { store } = await openStore(sample());
    const tag = loadedPlan(store).plan.tags.get('master')!;
    const two = boardTask(tag, '2', [])!;
    assert.deepEqual(two.subtasks, [
      { id: '2.1', title: 'Subtask 1', status: 'done' },
      { id: '2.2', title: 'Subtask 2', status: 'pending' },
      { id: '2.3', title: 'Subtask 3', status: 'pending' },
    ]);
    assert.deepEqual([two.details, two.testStrategy, two.isNext], ['', '', true]);
    const sub = boardTask(tag, '2.3', [])!;
    assert.deepEqual([sub.dependencies, sub.blockedBy, sub.isNext], [['2.2'], ['2.2'], false]);
    assert.equal(boardTask(tag, '9', []), undefined);
  });

  it('stays whole on a generated 1,000-task plan', () => {
    const plan = readPlan(generateLargePlan(1000, 7));
    const tag: TagView = plan.tags.get('master')!;
    const state = buildBoardState({ project: 'big', projectUri: 'file:///big', plan, tag, columns: COLUMNS, complexity: [] }) as PlanBoard;

    assert.equal(state.cards.length, 1000);
    assert.equal(Object.values(state.dashboard.byStatus).reduce((sum, count) => sum + count, 0), 1000);
    assert.equal(state.nextId, findNextTask(tag)?.id);
    assert.equal(state.cards.filter((card) => card.isNext).length, state.nextId ? 1 : 0);
    for (const card of state.cards) {
      const waiting = card.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
      assert.deepEqual(card.blockedBy, waiting, card.id);
    }
    assert.deepEqual(state.dashboard.completion, [], 'no ledger, no chart');
    assert.deepEqual(state.dashboard.complexity, []);

    const graph = buildBoardGraph(state.cards);
    const layer = new Map(graph.nodes.map((node) => [node.id, node.layer]));
    assert.equal(layer.size, 1000);
    for (const edge of graph.edges) assert.ok(layer.get(edge.from)! < layer.get(edge.to)!, `${edge.from} → ${edge.to}`);
    const slots = new Set(graph.nodes.map((node) => `${node.layer}:${node.order}`));
    assert.equal(slots.size, 1000, 'no two nodes share a place');
    // Longest chains: a node above layer 0 has a prerequisite exactly one layer down.
    const prerequisites = new Map<string, string[]>();
    for (const edge of graph.edges) prerequisites.set(edge.to, [...(prerequisites.get(edge.to) ?? []), edge.from]);
    for (const node of graph.nodes) {
      const below = (prerequisites.get(node.id) ?? []).map((id) => layer.get(id)!);
      assert.equal(node.layer, below.length ? Math.max(...below) + 1 : 0, node.id);
    }
  });
});

describe('board edits', () => {
  const sample = () =>
    tagged({
      master: [
        task({ id: 1, status: 'done' }),
        task({ id: 2, dependencies: [1], subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }, { id: 3, dependencies: [2], note: 'kept' }] }),
        task({ id: 3, dependencies: [2] }),
      ],
    });

  /** The file as the edit should leave it: the change, plus the tag's fresh timestamp. */
  function expected(before: string, after: string, change: (data: any) => void): string {
    const data = JSON.parse(before);
    change(data);
    data.master.metadata.updated = JSON.parse(after).master.metadata.updated;
    return taskMasterText(data);
  }

  it('replaces dependencies, sibling subtasks by number, and changes nothing else', async () => {
    const { store, read } = await openStore(sample());
    const before = await read();
    await store.edit(setDependencies('3', ['1', '2.1']));
    await store.edit(setDependencies('2.3', ['2.1']));
    const after = await read();
    assert.equal(after, expected(before, after, (data) => {
      data.master.tasks[2].dependencies = [1, '2.1'];
      data.master.tasks[1].subtasks[2].dependencies = [1];
    }));
    await store.edit(setDependencies('3', []));
    assert.deepEqual(JSON.parse(await read()).master.tasks[2].dependencies, []);
  });

  it('refuses cycles, unknown ids, itself and what tasks.json cannot express, writing nothing', async () => {
    const { store, read } = await openStore(sample());
    const before = await read();
    const refused = async (operation: ReturnType<typeof setDependencies>, pattern: RegExp) => {
      await assert.rejects(store.edit(operation), (e: unknown) => OperationError.is(e) && pattern.test(e.message));
      assert.equal(await read(), before);
    };
    await refused(setDependencies('1', ['3']), /3 already depends on 1 .*cycle/);
    await refused(setDependencies('2.1', ['2.3']), /cycle/);
    await refused(setDependencies('3', ['1', '42']), /No task 42 in tag "master"/);
    await refused(setDependencies('3', ['3']), /cannot depend on itself/);
    await refused(setDependencies('2.1', ['1']), /Subtask 2\.1 cannot depend on task 1/);
    await refused(addDependency('2.1', '3'), /Subtask 2\.1 cannot depend on task 3/);
    await refused(setDependencies('7', ['1']), /No task 7/);
  });

  it('moves a subtask keeping every id and dependency, and writes nothing when it stays put', async () => {
    const { store, read, tasksFile } = await openStore(sample());
    const before = await read();
    await store.edit(moveSubtask('2', '2.3', 0));
    const after = await read();
    assert.equal(after, expected(before, after, (data) => {
      const [one, two, three] = data.master.tasks[1].subtasks;
      data.master.tasks[1].subtasks = [three, one, two];
    }));
    await store.edit(moveSubtask('2', '2.3', 99));
    assert.deepEqual(JSON.parse(await read()).master.tasks[1].subtasks.map((sub: { id: number }) => sub.id), [1, 2, 3], 'past the end: last');
    const { mtimeMs } = await fs.stat(tasksFile);
    const unchanged = await read();
    await store.edit(moveSubtask('2', '2.3', 2));
    assert.equal(await read(), unchanged);
    assert.equal((await fs.stat(tasksFile)).mtimeMs, mtimeMs);
    await assert.rejects(store.edit(moveSubtask('3', '2.1', 0)), /2\.1 is not a subtask of 3/);
    await assert.rejects(store.edit(moveSubtask('2', '2.9', 0)), /No task 2\.9/);
    assert.equal(await read(), unchanged);
  });

  /** A board request as the panel receives it (validated, naming the tag shown), and its edit on that tag. */
  function boardRequest(raw: Record<string, unknown>): BoardEditMessage {
    const message = parseWebviewMessage({ projectUri: 'file:///work/demo', tag: 'master', ...raw });
    assert.ok(message, JSON.stringify(raw));
    return message as BoardEditMessage;
  }
  const applyRequest = (store: Awaited<ReturnType<typeof openStore>>['store'], raw: Record<string, unknown>) => {
    const message = boardRequest(raw);
    return store.edit(boardEdit(message), message.tag);
  };

  it('saves the editor\'s fields, status and dependencies in one write through the same operations as the commands', async () => {
    const { store, read } = await openStore(sample());
    let writes = 0;
    store.onDidChange(() => writes++);
    await applyRequest(store, { type: 'saveTask', id: '3', changes: { title: 'Renamed', details: '## Plan\n- a', status: 'review' }, dependencies: ['1', '2.1'] });
    const three = JSON.parse(await read()).master.tasks[2];
    assert.deepEqual([three.title, three.details, three.status, three.dependencies], ['Renamed', '## Plan\n- a', 'review', [1, '2.1']]);
    assert.equal(writes, 1, 'one write for the whole form');
  });

  it('saves dependencies alone, and refuses the whole form when they are refused', async () => {
    const { store, read } = await openStore(sample());
    await applyRequest(store, { type: 'saveTask', id: '3', changes: {}, dependencies: [] });
    assert.deepEqual(JSON.parse(await read()).master.tasks[2].dependencies, []);
    const before = await read();
    await assert.rejects(applyRequest(store, { type: 'saveTask', id: '1', changes: { title: 'Lost with the cycle' }, dependencies: ['2'] }), /cycle/);
    assert.equal(await read(), before, 'neither the title nor the dependencies');
  });

  it('changes a status as task-master set-status does: the parent follows its subtasks, both stamped', async () => {
    const { store, read } = await openStore(sample());
    await applyRequest(store, { type: 'setStatus', id: '2.1', status: 'done' });
    const two = JSON.parse(await read()).master.tasks[1];
    assert.equal(two.subtasks[0].status, 'done');
    assert.equal(two.status, 'in-progress', 'a parent with a done subtask is in progress');
    assert.ok(two.updatedAt && two.subtasks[0].updatedAt, 'both stamped');
    await applyRequest(store, { type: 'saveTask', id: '2.2', changes: { status: 'done' } });
    await applyRequest(store, { type: 'setStatus', id: '2.3', status: 'done' });
    assert.equal(JSON.parse(await read()).master.tasks[1].status, 'done', 'all subtasks done: the parent is done');
  });

  describe('moving a card to another tag', () => {
    const twoTags = () => ({ ...sample(), ...tagged({ feature: [task({ id: 7 })] }) });
    const move = (choice: LeftBehindChoice) => {
      const message = parseWebviewMessage({ type: 'moveToTag', projectUri: 'file:///work/demo', tag: 'master', id: '3', toTag: 'feature' });
      assert.ok(message?.type === 'moveToTag');
      return boardTagMove(message, choice);
    };
    const idsIn = (text: string, tag: string) => JSON.parse(text)[tag].tasks.map((t: { id: number }) => t.id);

    it('refuses, writing nothing, when the task depends on one that stays and the user chose nothing', async () => {
      const { store, read } = await openStore(twoTags());
      const before = await read();
      await assert.rejects(store.edit(move('none')), /Cannot move to "feature": 3 depends on 2, which stays in "master"/);
      assert.equal(await read(), before);
    });

    it('drops the dependencies left behind, stamping the move as Task Master does', async () => {
      const { store, read } = await openStore(twoTags());
      await store.edit(move('dropThem'));
      const after = JSON.parse(await read());
      assert.deepEqual(idsIn(await read(), 'master'), [1, 2]);
      const moved = after.feature.tasks.find((t: { id: number }) => t.id === 3);
      assert.deepEqual(moved.dependencies, []);
      assert.equal(moved.tag, 'feature');
      assert.deepEqual(moved.metadata.moveHistory.map((entry: Record<string, string>) => [entry.fromTag, entry.toTag]), [['master', 'feature']]);
    });

    it('moves what it depends on too, when asked', async () => {
      const { store, read } = await openStore(twoTags());
      await store.edit(move('moveThemToo'));
      assert.deepEqual(idsIn(await read(), 'master'), []);
      assert.deepEqual(idsIn(await read(), 'feature'), [7, 3, 2, 1]);
    });
  });

  describe('moving a card to a position (task-master move --from --to)', () => {
    const request = (id: string, to?: string) => {
      const message = parseWebviewMessage({ type: 'moveToPosition', projectUri: 'file:///work/demo', tag: 'master', id, ...(to === undefined ? {} : { to }) });
      assert.ok(message?.type === 'moveToPosition');
      return message;
    };
    const ids = (text: string) => JSON.parse(text).master.tasks.map((t: { id: number }) => t.id);

    it('renumbers the task as the CLI does, dependencies following it, and Undo puts the file back byte for byte', async () => {
      const { store, read } = await openStore(sample());
      const before = await read();
      const move = await editUndoably(store, boardPositionMove(request('2', '5'), '5'), { tag: 'master', affectedTags: ['master'] });
      assert.ok(move, 'something changed');
      const after = JSON.parse(await read());
      assert.deepEqual(ids(await read()), [1, 3, 5], 'a renumbered task is listed after the others, as Task Master lists it');
      assert.deepEqual(after.master.tasks[1].dependencies, [5], 'task 3 now waits on 5');
      assert.deepEqual(after.master.tasks[2].subtasks.map((sub: { id: number }) => sub.id), [1, 2, 3], 'its subtasks keep their numbers');

      // The same request through the CLI's reading of `move --from 2 --to 5`, on the same file.
      const cli = await openStore(sample());
      const planned = planMove({ from: '2', to: '5' }, 'master');
      await cli.store.edit(planned.operation, planned.tag);
      const strip = (text: string) => JSON.stringify({ ...JSON.parse(text), master: { ...JSON.parse(text).master, metadata: {} } }, (key, value) => (key === 'updatedAt' ? undefined : value));
      assert.equal(strip(await read()), strip(await cli.read()), 'the same file as tml move --from 2 --to 5');

      await move.undo();
      assert.equal(await read(), before);
    });

    it('refuses an id a task has, in Task Master\'s words, writing nothing; checks a typed id the same way', async () => {
      const { store, read } = await openStore(sample());
      const before = await read();
      await assert.rejects(store.edit(boardPositionMove(request('3', '1'), '1'), 'master'), /Task 1 already exists: move 3 to an id no task has/);
      assert.equal(await read(), before);
      const plan = (await store.load()).plan;
      assert.match(positionRefusal(plan, request('3'), '1') ?? '', /Task 1 already exists: move 3 to an id no task has/);
      assert.match(positionRefusal(plan, request('3'), 'next') ?? '', /"next" is not a task id/);
      assert.match(positionRefusal(plan, request('3'), ' ') ?? '', /Name where each id goes/);
      assert.equal(positionRefusal(plan, request('3'), ' 9 '), undefined);
      assert.equal(positionRefusal(plan, request('3'), '2.4'), undefined, 'a subtask id makes it a subtask, as task-master move does');
      assert.equal(nextFreeTaskId(plan.tags.get('master')!), '4');
    });

    it('names the first free id between the cards either side of a drop', () => {
      const taken = new Set(['1', '2', '4', '7', '8']);
      assert.equal(positionBetween('8', '2', '7', taken), '3', 'between 2 and 7: 3 is free');
      assert.equal(positionBetween('8', '4', '7', taken), '5');
      assert.equal(positionBetween('2', undefined, '4', taken), undefined, '2 already sits before 4');
      assert.equal(positionBetween('8', undefined, '1', taken), '1', 'nothing free before 1: 1, which the extension refuses');
      assert.equal(positionBetween('4', '7', '8', taken), '8', 'nothing free between 7 and 8');
      assert.equal(positionBetween('1', '8', undefined, taken), '9', 'after the last card');
      assert.equal(positionBetween('4', '2', '7', taken), undefined, 'dropped back where it was');
    });
  });

  it('refuses an edit to a task deleted meanwhile, writing nothing', async () => {
    const { store, read } = await openStore(sample());
    const before = await read();
    for (const message of [
      { type: 'setStatus', id: '9', status: 'done' },
      { type: 'saveTask', id: '9', changes: { title: 'x' } },
      { type: 'addSubtask', parentId: '9', title: 'x' },
      { type: 'saveTask', id: '9', changes: {}, dependencies: [] },
      { type: 'moveSubtask', parentId: '9', subtaskId: '9.1', toIndex: 0 },
    ]) {
      await assert.rejects(applyRequest(store, message), (e: unknown) => OperationError.is(e) && e.kind === 'not-found', JSON.stringify(message));
    }
    assert.equal(await read(), before);
  });
});

describe('editor fields', () => {
  const fields = { title: 'Build the API', description: 'Routes\r\nand errors', details: '## Plan\r\n- a\r\n', testStrategy: 'unit', status: 'pending', priority: 'high' };

  it('normalises a title to one trimmed line and text fields to \\n line ends', () => {
    assert.equal(normaliseTaskField('title', '  Build\r\n  the\nAPI  '), 'Build the API');
    assert.equal(normaliseTaskField('details', 'a\r\nb\rc\n'), 'a\nb\nc\n');
    assert.equal(normaliseTaskField('status', 'done'), 'done');
  });

  it('sees no change where only the form\'s way of holding text differs', () => {
    // What an <input> and <textarea> give back for the task above: newlines gone from the title, \n line ends.
    const shown = { ...fields, title: 'Build the API', description: 'Routes\nand errors', details: '## Plan\n- a\n' };
    assert.deepEqual(changedTaskFields(fields, shown), {});
    assert.deepEqual(changedTaskFields({ ...fields, title: 'Build\nthe API' }, { ...shown, title: 'Build the API ' }), {});
  });

  it('sends only real differences, normalised', () => {
    const edited = { ...fields, title: ' Build the REST API ', details: '## Plan\n- a\n- b', priority: 'critical' };
    assert.deepEqual(changedTaskFields(fields, edited), { title: 'Build the REST API', details: '## Plan\n- a\n- b', priority: 'critical' });
  });

  it('is what the validator keeps of a save', () => {
    const message = parseWebviewMessage({ type: 'saveTask', projectUri: 'file:///w', tag: 'master', id: '3', changes: { title: 'Two\nlines', details: 'a\r\nb' } });
    assert.deepEqual(message && message.type === 'saveTask' && message.changes, { title: 'Two lines', details: 'a\nb' });
  });
});
