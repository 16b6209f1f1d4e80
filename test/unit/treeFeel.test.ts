import * as assert from 'node:assert/strict';
import { readPlan, type TagView } from '../../src/core/plan';
import { orderForPicking, unmetDependencies } from '../../src/core/taskOrder';
import { taskViewMarkdown } from '../../src/core/taskView';
import { describeFilter, isFilterActive, isShown, matchesFilter, visibleSubtasks } from '../../src/tree/taskFilter';
import { tagRowKey, tagsCurrentFirst } from '../../src/tree/tagOrder';
import { tagged, task } from '../support/planBuilder';

/** The tag of a one-tag plan made of these tasks. */
function tagOf(...tasks: Array<Record<string, unknown>>): TagView {
  return readPlan(tagged({ master: tasks })).tags.get('master')!;
}

describe('The tree as a new user meets it (issue 14)', () => {
  describe('after Switch Tag', () => {
    it('puts the current tag first, the others in file order', () => {
      assert.deepEqual(tagsCurrentFirst(['master', 'feature', 'later'], 'later'), ['later', 'master', 'feature']);
      assert.deepEqual(tagsCurrentFirst(['master', 'feature'], 'master'), ['master', 'feature']);
      assert.deepEqual(tagsCurrentFirst(['master', 'feature'], 'gone'), ['master', 'feature']);
    });

    it('gives a tag row a new id when it becomes current, so VS Code expands it afresh', () => {
      assert.notEqual(tagRowKey('file:///p', 'feature', true), tagRowKey('file:///p', 'feature', false));
      assert.equal(tagRowKey('file:///p', 'feature', false), tagRowKey('file:///p', 'feature', false));
    });
  });

  describe('the task view', () => {
    const tag = tagOf(
      task({ id: 1, title: 'Set up the flake', status: 'done' }),
      task({ id: 2, title: 'Pin nixpkgs', status: 'in-progress' }),
      task({
        id: 3,
        title: 'Serve *models* [not a link](https://example.com)',
        description: 'Ollama on **grey-area**',
        details: 'Line one\nLine two',
        testStrategy: 'curl the API',
        priority: 'high',
        dependencies: [1, 2, 9],
        subtasks: [{ id: 1, title: 'Open the port', status: 'done' }, { id: 2, title: 'Add the unit' }],
      }),
    );

    it('reads like task-master show: fields, dependencies and subtasks with their state, and history', () => {
      const text = taskViewMarkdown(tag.byId.get('3')!, tag, ['Started 2 days ago']);
      assert.match(text, /^# 3 Serve \\\*models\\\* \\\[not a link\\\]\\\(https:\/\/example\\\.com\\\)\n/, 'a title cannot make a link');
      assert.match(text, /\*\*Status:\*\* pending {2}\n\*\*Priority:\*\* high {2}\n\*\*Tag:\*\* master/);
      assert.match(text, /\*\*Blocked:\*\* waits on 2, 9/);
      assert.ok(text.includes('\n\nOllama on **grey-area**\n\n'), 'the description is markdown, as on the board');
      assert.match(text, /## Details\n\nLine one\nLine two\n/);
      assert.match(text, /## Test strategy\n\ncurl the API/);
      assert.match(text, /## Dependencies\n\n- \[x\] 1 Set up the flake \(done\)\n- \[ \] 2 Pin nixpkgs \(in-progress\)\n- 9 \(missing from the plan\)/);
      assert.match(text, /## Subtasks \(1\/2 done\)\n\n- \[x\] 3\\\.1 Open the port \(done\)\n- \[ \] 3\\\.2 Add the unit \(pending\)/);
      assert.match(text, /## History\n\n- Started 2 days ago\n$/);
    });

    it('names a subtask\'s parent instead of a priority, and leaves out empty sections', () => {
      const text = taskViewMarkdown(tag.byId.get('3.2')!, tag);
      assert.match(text, /\*\*Subtask of:\*\* 3 Serve/);
      assert.doesNotMatch(text, /Priority|## Details|## History|## Subtasks/);
    });
  });

  describe('blocked tasks', () => {
    it('are pending tasks whose dependencies are not all done (a missing one never is)', () => {
      const tag = tagOf(task({ id: 1, status: 'done' }), task({ id: 2, status: 'review' }), task({ id: 3, dependencies: [1, 2, 7] }), task({ id: 4, dependencies: [1] }));
      assert.deepEqual(unmetDependencies(tag.byId.get('3')!, tag), ['2', '7']);
      assert.deepEqual(unmetDependencies(tag.byId.get('4')!, tag), []);
    });
  });

  describe('Hide Done and the filter', () => {
    const tag = tagOf(
      task({ id: 1, status: 'done', subtasks: [{ id: 1, status: 'done' }] }),
      task({ id: 2, status: 'done', subtasks: [{ id: 1, status: 'done' }, { id: 2 }] }),
      task({ id: 3, title: 'Ollama', subtasks: [{ id: 1, status: 'done' }, { id: 2 }] }),
    );
    const byId = (id: string) => tag.byId.get(id)!;

    it('hides done tasks and done subtasks, keeping a done task whose subtask is still open', () => {
      const filter = { hideDone: true };
      assert.deepEqual(tag.tasks.filter((t) => matchesFilter(t, filter)).map((t) => t.id), ['2', '3']);
      assert.deepEqual(visibleSubtasks(byId('3'), filter).map((t) => t.id), ['3.2']);
      assert.deepEqual(visibleSubtasks(byId('2'), filter).map((t) => t.id), ['2.2']);
      assert.equal(isShown(byId('3.1'), filter), false);
      assert.equal(isShown(byId('3.2'), filter), true);
      assert.equal(isShown(byId('1'), filter), false);
    });

    it('is not a filter Clear Filter clears, but the view title says both', () => {
      assert.equal(isFilterActive({ hideDone: true }), false);
      assert.equal(describeFilter({}), undefined);
      assert.equal(describeFilter({ hideDone: true }), 'done hidden');
      assert.equal(describeFilter({ statuses: new Set(['pending', 'review'] as const), text: 'ollama', hideDone: true }), 'status: pending, review · text: "ollama" · done hidden');
    });

    it('combines with a text filter', () => {
      const filter = { text: 'ollama', hideDone: true };
      assert.equal(isShown(byId('3'), filter), true);
      assert.deepEqual(visibleSubtasks(byId('3'), filter).map((t) => t.id), ['3.2']);
      assert.equal(isShown(byId('2'), filter), false);
    });
  });

  describe('pickers', () => {
    it('offer work in progress, then the next task, then pending by id, done and cancelled last', () => {
      const tag = tagOf(
        task({ id: 1, status: 'done' }),
        task({ id: 2, status: 'cancelled' }),
        task({ id: 3 }),
        task({ id: 4, status: 'deferred' }),
        task({ id: 5 }),
        task({ id: 6, status: 'in-progress' }),
        task({ id: 7 }),
      );
      const order = orderForPicking(tag.tasks, tag.byId.get('5')).map((t) => t.id);
      assert.deepEqual(order, ['6', '5', '3', '7', '4', '1', '2']);
    });

    it('keep subtasks under their parent, open ones first', () => {
      const tag = tagOf(
        task({ id: 1, status: 'done', subtasks: [{ id: 1, status: 'done' }] }),
        task({ id: 2, subtasks: [{ id: 1, status: 'done' }, { id: 2 }, { id: 3, status: 'in-progress' }] }),
      );
      const all = [tag.byId.get('1')!, tag.byId.get('1.1')!, tag.byId.get('2')!, ...tag.byId.get('2')!.subtasks];
      assert.deepEqual(orderForPicking(all).map((t) => t.id), ['2', '2.3', '2.2', '2.1', '1', '1.1']);
      // A subtask listed without its parent (a picker of subtasks only) stands on its own.
      assert.deepEqual(orderForPicking([tag.byId.get('1.1')!, tag.byId.get('2.2')!]).map((t) => t.id), ['2.2', '1.1']);
    });
  });
});
