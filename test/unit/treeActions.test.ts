import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { setStatuses } from '../../src/core/statusChange';
import { copyTag, deleteTag } from '../../src/core/tagOperations';
import { clearSubtasks, moveTasksToTag, removeTasks } from '../../src/core/taskStructure';
import { readPlan, type TagView } from '../../src/core/plan';
import {
  clearConfirmation,
  deleteTagConfirmation,
  leftBehindConfirmation,
  otherTags,
  parentCandidates,
  removalConfirmation,
  removalTargets,
} from '../../src/commands/structureChoices';
import { JsonScanner } from '../../src/store/jsonScanner';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { editUndoably, UndoConflictError } from '../../src/store/undoableEdit';
import { openStore, task, tagged, taskMasterText } from '../support/planBuilder';

/**
 * A plan as Task Master writes it, with spellings a re-serialisation would lose (1.50, an escaped
 * character, 1E0 as a dependency) so "byte for byte" means something.
 */
function planText(): string {
  const data = tagged({
    master: [
      task({ id: 1, estimate: 1.5 }),
      task({ id: 2, dependencies: [1], subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] }),
      task({ id: 3, title: 'Caf\u00e9', dependencies: [2] }),
    ],
    feature: [task({ id: 1 }), task({ id: 2, dependencies: [1] })],
    later: [task({ id: 7 })],
  });
  return `${taskMasterText(data).replace('"estimate": 1.5', '"estimate": 1.50').replace('"title": "Café"', '"title": "Caf\\u00e9"')}\n`;
}

/** The text of a tag's block. */
function block(text: string, tag: string): string {
  const node = new JsonScanner(text).find([tag])!;
  return text.slice(node.offset, node.offset + node.length);
}

async function undoable() {
  const opened = await openStore(planText());
  const before = await opened.read();
  assert.match(before, /1\.50/);
  return { ...opened, before };
}

describe('undoable edits (editUndoably)', () => {
  it('takes back a removal byte for byte', async () => {
    const { store, read, before } = await undoable();
    const edit = await editUndoably(store, removeTasks(['2']), { tag: 'master', affectedTags: ['master'] });
    assert.ok(edit);
    assert.deepEqual(JSON.parse(await read()).master.tasks.map((t: { id: number }) => t.id), [1, 3]);
    await edit.undo();
    assert.equal(await read(), before);
    store.dispose();
  });

  it('takes back a removal in a flat (legacy) tasks.json, read as the tag "master"', async () => {
    const { store, read } = await openStore({ tasks: [task({ id: 1 }), task({ id: 2, dependencies: [1] })] });
    const before = await read();
    const edit = await editUndoably(store, removeTasks(['1']), { tag: 'master', affectedTags: ['master'] });
    assert.ok(edit);
    assert.deepEqual(JSON.parse(await read()).tasks.map((t: { id: number }) => t.id), [2]);
    await edit.undo();
    assert.equal(await read(), before);
    store.dispose();
  });

  it('takes back clearing subtasks byte for byte', async () => {
    const { store, read, before } = await undoable();
    const edit = await editUndoably(store, clearSubtasks(['2']), { tag: 'master', affectedTags: ['master'] });
    assert.deepEqual(JSON.parse(await read()).master.tasks[1].subtasks, []);
    await edit!.undo();
    assert.equal(await read(), before);
    store.dispose();
  });

  it('takes back a move to a new tag: both tags as they were, the new tag gone', async () => {
    const { store, read, before } = await undoable();
    const edit = await editUndoably(store, moveTasksToTag({ ids: ['3'], fromTag: 'master', toTag: 'fresh', withDependencies: true }), {
      tag: 'master',
      affectedTags: ['master', 'fresh'],
    });
    const moved = JSON.parse(await read());
    assert.deepEqual(moved.fresh.tasks.map((t: { id: number }) => t.id), [3, 2, 1]);
    await edit!.undo();
    assert.equal(await read(), before);
    store.dispose();
  });

  it('takes back deleting a tag, putting it back in its place', async () => {
    const { store, read, before } = await undoable();
    const edit = await editUndoably(store, deleteTag('feature'), { tag: 'feature', affectedTags: ['feature'] });
    assert.deepEqual(Object.keys(JSON.parse(await read())), ['master', 'later']);
    await edit!.undo();
    assert.equal(await read(), before);
    store.dispose();
  });

  it('keeps changes made meanwhile to tags the edit did not touch', async () => {
    const { store, read, root, before } = await undoable();
    const edit = await editUndoably(store, removeTasks(['1']), { tag: 'feature', affectedTags: ['feature'] });
    // Another program (here a second store, as the CLI would) changes another tag in between.
    const other = new TaskStore(locatePlan(root));
    await other.edit(setStatuses(['1'], 'done'), 'master');
    const withOtherChange = await read();
    await edit!.undo();
    const after = await read();
    assert.equal(block(after, 'master'), block(withOtherChange, 'master'), 'the other change is kept');
    assert.equal(block(after, 'feature'), block(before, 'feature'), 'the removal is undone');
    assert.equal(after.length, withOtherChange.length - block(withOtherChange, 'feature').length + block(before, 'feature').length, 'nothing else changed');
    other.dispose();
    store.dispose();
  });

  it('refuses to undo once the file changed in those tags since, and writes nothing', async () => {
    const { store, read, tasksFile } = await undoable();
    const edit = await editUndoably(store, removeTasks(['3']), { tag: 'master', affectedTags: ['master'] });
    const changed = (await read()).replace('"title": "Task 1"', '"title": "Task 1, renamed in an editor"');
    await fs.writeFile(tasksFile, changed);
    await assert.rejects(edit!.undo(), (error: unknown) => UndoConflictError.is(error) && /changed in tag "master" since/.test(error.message));
    assert.equal(await read(), changed);
    store.dispose();
  });

  it('refuses to undo a tag deletion once a tag of that name is back', async () => {
    const { store, read } = await undoable();
    const edit = await editUndoably(store, deleteTag('later'), { tag: 'later', affectedTags: ['later'] });
    await store.edit(copyTag('feature', 'later'));
    const changed = await read();
    await assert.rejects(edit!.undo(), (error: unknown) => UndoConflictError.is(error));
    assert.equal(await read(), changed);
    store.dispose();
  });

  it('offers nothing to undo when the edit changed nothing', async () => {
    const { store, read, before } = await undoable();
    const edit = await editUndoably(store, clearSubtasks(['1']), { tag: 'master', affectedTags: ['master'] });
    assert.equal(edit, undefined);
    assert.equal(await read(), before);
    store.dispose();
  });
});

describe('tree action choices', () => {
  const view = (): TagView => readPlan(JSON.parse(planText())).tags.get('master')!;

  it('removes a subtask once when its parent goes too, and says what goes with subtask counts', () => {
    const master = view();
    const targets = removalTargets(master, ['2.1', '2', '3', '9']);
    assert.deepEqual(targets.map((node) => node.id), ['2', '3']);
    const question = removalConfirmation(master, targets);
    assert.equal(question.message, 'Remove 2 tasks (with 2 subtasks of theirs)?');
    assert.match(question.detail, /^2 Task 2 \(\+2 subtasks\)\n3 Café\n/);
    assert.match(question.detail, /undo/);
  });

  it('names a single task, its subtasks and the dependencies dropped with it', () => {
    const master = view();
    const question = removalConfirmation(master, removalTargets(master, ['2']));
    assert.equal(question.message, 'Remove task 2 "Task 2" and its 2 subtasks?');
    assert.match(question.detail, /^3 depends on what goes; those dependencies are dropped\./);
    const subtask = removalConfirmation(master, removalTargets(master, ['2.1']));
    assert.equal(subtask.message, 'Remove subtask 2.1 "Subtask 1"?');
    assert.match(subtask.detail, /^2\.2 depends on what goes/);
  });

  it('lists the subtasks Clear Subtasks removes', () => {
    const master = view();
    const question = clearConfirmation(master, master.byId.get('2')!);
    assert.equal(question.message, 'Remove the 2 subtasks of task 2 "Task 2"?');
    assert.match(question.detail, /^2\.1 Subtask 1\n2\.2 Subtask 2\n/);
  });

  it('offers as parents only tasks that do not already wait on the task', () => {
    const master = view();
    assert.deepEqual(parentCandidates(master, master.byId.get('1')!).map((node) => node.id), []);
    assert.deepEqual(parentCandidates(master, master.byId.get('3')!).map((node) => node.id), ['1', '2']);
  });

  it('offers the other tags as move targets and explains what a move leaves behind', () => {
    const plan = readPlan(JSON.parse(planText()));
    assert.deepEqual(otherTags(plan, 'feature'), ['master', 'later']);
    const question = leftBehindConfirmation('later', ['3 depends on 2']);
    assert.match(question.message, /"later"/);
    assert.match(question.detail, /^3 depends on 2\n/);
    assert.equal(deleteTagConfirmation(plan.tags.get('master')!).message, 'Delete tag "master" and its 3 tasks (2 subtasks)?');
  });
});
