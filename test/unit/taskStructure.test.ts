import * as assert from 'node:assert/strict';
import { OperationError, type PlanOperation } from '../../src/core/operations';
import { clearSubtasks, makeSubtask, moveTasks, moveTasksToTag, planMove, removeSubtask, removeTasks } from '../../src/core/taskStructure';
import { openStore, task, tagged } from '../support/planBuilder';

type Task = { id: unknown; dependencies: unknown[]; subtasks?: Task[]; [key: string]: unknown };
type Data = Record<string, { tasks: Task[]; metadata?: Record<string, unknown> }>;

/** A plan on disk, an operation applied through the store, the file's data after it. */
async function apply(data: unknown, operation: PlanOperation): Promise<{ after: Data; text: string }> {
  const { store, read } = await openStore(data);
  await store.edit(operation);
  const text = await read();
  store.dispose();
  return { after: JSON.parse(text) as Data, text };
}

async function refused(data: unknown, operation: PlanOperation, message: RegExp): Promise<void> {
  const { store, read } = await openStore(data);
  const before = await read();
  await assert.rejects(store.edit(operation), (error: unknown) => OperationError.is(error) && message.test(error.message));
  assert.equal(await read(), before, 'nothing written');
  store.dispose();
}

const byId = (after: Data, tag: string, id: unknown) => after[tag].tasks.find((t) => t.id === id)!;
const ids = (after: Data, tag = 'master') => after[tag].tasks.map((t) => t.id);

const plan = () =>
  tagged({
    master: [
      task({ id: 1 }),
      task({ id: 2, dependencies: [1] }),
      task({ id: 3, dependencies: [1], priority: 'high', subtasks: [{ id: 1 }, { id: 2, dependencies: [1], testStrategy: 'check it' }, { id: 3, dependencies: [2] }] }),
      task({ id: 4, dependencies: [3, '3.2'] }),
    ],
    other: [task({ id: 1 }), task({ id: 2, dependencies: [1] })],
  });

describe('task structure operations (remove, clear, convert, move)', () => {
  describe('removeTasks', () => {
    it('removes a task with its subtasks and every dependency on them, in that tag only', async () => {
      const { after } = await apply(plan(), removeTasks(['3']));
      assert.deepEqual(ids(after), [1, 2, 4]);
      assert.deepEqual(byId(after, 'master', 4).dependencies, [], '3 and 3.2 both went');
      assert.deepEqual(byId(after, 'other', 2).dependencies, [1], 'another tag keeps its own 1');
    });

    it('removing a subtask drops sibling and dotted dependencies on it, keeping the bytes of the rest', async () => {
      const text = JSON.stringify(plan(), null, 2).replace('"title": "Task 1"', '"title": "Task 1", "estimate": 1.50');
      const { after, text: written } = await apply(text, removeTasks(['3.2']));
      assert.deepEqual(byId(after, 'master', 3).subtasks!.map((s) => [s.id, s.dependencies]), [[1, []], [3, []]]);
      assert.deepEqual(byId(after, 'master', 4).dependencies, [3]);
      assert.match(written, /"estimate": 1\.50/);
    });

    it('refuses an unknown id, naming the closest, and writes nothing', async () => {
      await refused(plan(), removeTasks(['1', '9']), /No task 9 in tag "master"\. Closest ids: 4/);
    });

    it('removes a task named with one of its own subtasks, or twice, once (task-master ends the same)', async () => {
      const alone = await apply(plan(), removeTasks(['3']));
      for (const named of [['3', '3.2'], ['3.2', '3'], ['3', '3']]) {
        assert.deepEqual((await apply(plan(), removeTasks(named))).after.master.tasks, alone.after.master.tasks, named.join());
      }
    });
  });

  it('clearSubtasks empties subtask lists and drops dependencies on what went; a subtask id is refused', async () => {
    const { after } = await apply(plan(), clearSubtasks(['3']));
    assert.deepEqual(byId(after, 'master', 3).subtasks, []);
    assert.deepEqual(byId(after, 'master', 4).dependencies, [3]);
    await refused(plan(), clearSubtasks(['3.1']), /3\.1 is a subtask; clear-subtasks takes task ids/);
  });

  describe('removeSubtask', () => {
    it('converted, a subtask becomes the next task: parent priority, a dependency on the parent, what depended on it follows', async () => {
      let newId = '';
      const { after } = await apply(plan(), removeSubtask('3.2', true, (id) => (newId = id)));
      assert.equal(newId, '5');
      const converted = byId(after, 'master', 5);
      assert.equal(converted.priority, 'high');
      assert.equal(converted.testStrategy, 'check it', 'its test strategy is kept');
      assert.deepEqual(converted.dependencies, ['3.1', 3], 'its sibling dependency keeps naming 3.1');
      assert.deepEqual(byId(after, 'master', 4).dependencies, [3, 5], 'a task that waited on 3.2 waits on task 5');
      assert.deepEqual(byId(after, 'master', 3).subtasks!.map((s) => [s.id, s.dependencies]), [[1, []], [3, []]], "a sibling's dependency cannot name a task: dropped");
    });

    it('refuses a task id with a message that shows the subtask form', async () => {
      await refused(plan(), removeSubtask('3'), /remove-subtask takes a subtask id as <parent>\.<subtask> \(such as 3\.1\)/);
    });
  });

  describe('makeSubtask', () => {
    it('makes a task the next subtask with its fields and parentTaskId; what depended on it follows', async () => {
      const data = plan();
      (data as Data).master.tasks.push(task({ id: 5, details: 'kept', dependencies: [2] }) as Task);
      const { after } = await apply(data, makeSubtask('4', '2'));
      const subtask = byId(after, 'master', 4).subtasks![0];
      assert.deepEqual([subtask.id, subtask.parentTaskId, subtask.title, subtask.dependencies], [1, 4, 'Task 2', []], 'its dependency on a task cannot be written in a subtask');
      assert.deepEqual(byId(after, 'master', 5).dependencies, ['4.1']);
    });

    it('refuses a cycle, a task with subtasks and a subtask', async () => {
      await refused(plan(), makeSubtask('4', '1'), /Task 4 already depends on 1 .*would make a cycle/);
      await refused(plan(), makeSubtask('2', '3'), /Task 3 has subtasks of its own/);
      await refused(plan(), makeSubtask('4', '3.1'), /3\.1 is already a subtask of task 3/);
    });
  });

  describe('moveTasks', () => {
    it('a task given a new id goes to the end; dependencies on it and on its subtasks follow', async () => {
      const { after } = await apply(plan(), moveTasks({ from: ['3'], to: ['9'] }));
      assert.deepEqual(ids(after), [1, 2, 4, 9]);
      assert.deepEqual(byId(after, 'master', 4).dependencies, [9, '9.2']);
      assert.deepEqual(byId(after, 'master', 9).subtasks!.map((s) => s.dependencies), [[], [1], [2]], 'sibling numbers stay');
    });

    it('a subtask made a task goes before the first larger id; a task made a subtask goes to the end of the parent', async () => {
      const { after } = await apply(plan(), moveTasks({ from: ['1', '3.1', '2'], to: ['9', '5', '3.7'] }));
      assert.deepEqual(ids(after), [3, 4, 5, 9]);
      assert.deepEqual(byId(after, 'master', 5).dependencies, [], 'a subtask without dependencies');
      assert.deepEqual(byId(after, 'master', 3).dependencies, [9], 'task 1 is task 9 now');
      assert.deepEqual(byId(after, 'master', 3).subtasks!.map((s) => [s.id, s.dependencies]), [[2, []], [3, [2]], [7, []]], "3.2's sibling became task 5, which a subtask cannot name; 2's dependency on task 9 neither");
    });

    it('refuses an existing destination, an id count mismatch and a task with subtasks made a subtask', async () => {
      await refused(plan(), moveTasks({ from: ['1'], to: ['2'] }), /Task 2 already exists: move 1 to an id no task has/);
      await refused(plan(), moveTasks({ from: ['1', '2'], to: ['7'] }), /--from names 2, --to names 1/);
      await refused(plan(), moveTasks({ from: ['3'], to: ['1.1'] }), /Task 3 has subtasks/);
      await refused(plan(), moveTasks({ from: ['1'], to: ['3.2'] }), /Subtask 3\.2 already exists/);
    });
  });

  describe("planMove: task-master's reading of from, to and the tags", () => {
    it('moves within the tag of the call unless toTag names another; to-tag moves keep ids and edit the source tag', () => {
      const within = planMove({ from: '5, 6', to: '7,8', fromTag: 'feat' }, 'master');
      assert.deepEqual([within.kind, within.tag, within.request], ['within', 'master', { from: ['5', '6'], to: ['7', '8'] }]);
      assert.equal(planMove({ from: '5', to: '7', toTag: 'master' }, 'master').kind, 'within', 'the same tag is a move within it');
      const across = planMove({ from: '5,6', to: '9', toTag: 'done', withDependencies: true }, 'master');
      assert.deepEqual([across.kind, across.tag, across.request], ['to-tag', 'master', { ids: ['5', '6'], fromTag: 'master', toTag: 'done', withDependencies: true, ignoreDependencies: undefined }]);
      assert.equal(planMove({ from: '5', fromTag: 'feat', toTag: 'done' }, 'master').tag, 'feat');
    });

    it('refuses a move without ids, and one within a tag without destinations', () => {
      assert.throws(() => planMove({ from: ' , ' }, 'master'), /Name the ids to move \(--from\)/);
      assert.throws(() => planMove({ from: '5', fromTag: 'feat', toTag: 'feat' }, 'master'), /Name where each id goes \(--to\)/);
    });

    it('its operation is the move it names', async () => {
      const { after } = await apply(plan(), planMove({ from: '2', toTag: 'next', ignoreDependencies: true }, 'master').operation);
      assert.deepEqual([ids(after), ids(after, 'next')], [[1, 3, 4], [2]]);
    });
  });

  describe('moveTasksToTag', () => {
    it('refuses a dependency that stays behind, and says how to go on', async () => {
      await refused(plan(), moveTasksToTag({ ids: ['4'], fromTag: 'master', toTag: 'next' }), /4 depends on 3, 4 depends on 3\.2, which stays in "master"\. Add --with-dependencies .* or --ignore-dependencies/);
    });

    it('with dependencies, moves them after the named tasks into a new tag, stamped', async () => {
      const { after } = await apply(plan(), moveTasksToTag({ ids: ['4'], fromTag: 'master', toTag: 'next', withDependencies: true }));
      assert.deepEqual(ids(after, 'next'), [4, 3, 1]);
      assert.deepEqual(ids(after), [2]);
      assert.deepEqual(byId(after, 'master', 2).dependencies, [], "the source's dependency on a moved task is dropped");
      const moved = byId(after, 'next', 4);
      assert.equal(moved.tag, 'next');
      assert.deepEqual((moved.metadata as { moveHistory: Array<{ fromTag: string; toTag: string }> }).moveHistory.map(({ fromTag, toTag }) => [fromTag, toTag]), [['master', 'next']]);
    });

    it('ignoring dependencies drops those on tasks that stay; an id the target has and a subtask are refused', async () => {
      const { after } = await apply(plan(), moveTasksToTag({ ids: ['2'], fromTag: 'master', toTag: 'next', ignoreDependencies: true }));
      assert.deepEqual(byId(after, 'next', 2).dependencies, []);
      await refused(plan(), moveTasksToTag({ ids: ['1'], fromTag: 'master', toTag: 'other' }), /Task 1 already exists in tag "other"/);
      await refused(plan(), moveTasksToTag({ ids: ['3.1'], fromTag: 'master', toTag: 'next' }), /remove-subtask --id 3\.1 --convert/);
    });
  });
});
