import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { addTask, updateTask } from '../../src/core/operations';
import { setStatuses } from '../../src/core/statusChange';
import type { TaskFilter } from '../../src/tree/taskFilter';
import { isValidated } from '../../src/core/validation';
import { TreeElements, type MoreElement, type TaskElement, type TreeElement } from '../../src/tree/treeElements';
import type { Project } from '../../src/workspace/projects';
import { openStore, task, tagged, taskMasterText } from '../support/planBuilder';

/** The tree of one real project on disk; the filter can be changed as the title bar's toggles do. */
async function treeOf(data: unknown) {
  const opened = await openStore(data);
  const project = { folder: { uri: `file://${opened.root}`, name: 'p', index: 0 }, store: opened.store } as unknown as Project;
  const source = { withPlan: [project], shown: {} as TaskFilter, checked: true, problemsDue: (): boolean => source.checked, pageSize: 0 };
  return { ...opened, source, elements: new TreeElements(source) };
}

const keyOf = (element: TreeElement) => element.key.split('|').slice(1).join('|');
const taskRows = (rows: TreeElement[]) => rows.filter((row): row is TaskElement => row.kind === 'task');

describe('The tree renders only what is shown and refreshes only what changed (issue 14)', () => {
  const plan = () =>
    tagged({
      master: [
        task({ id: 1, status: 'done' }),
        task({ id: 2, priority: 'high', dependencies: [1], subtasks: [{ id: 1 }, { id: 2 }] }),
        task({ id: 3, priority: 'high', dependencies: [2] }),
        task({ id: 4, title: 'Unrelated' }),
      ],
    });

  it('keeps one element per row across reloads, updated in place', async () => {
    const { elements, store } = await treeOf(plan());
    const [first] = taskRows(elements.roots()).filter((row) => row.task.id === '4');
    elements.changes();
    await store.edit(updateTask('4', { title: 'Renamed' }));
    elements.changes();
    const [again] = taskRows(elements.roots()).filter((row) => row.task.id === '4');
    assert.equal(again, first, 'the same object, which VS Code knows the row by');
    assert.equal(first.task.title, 'Renamed');
  });

  it('reports only the task that changed when one task changed', async () => {
    const { elements, store } = await treeOf(plan());
    assert.deepEqual(elements.changes(), { changed: [], all: true }, 'before the view asks for rows, none are built');
    elements.roots();
    await store.edit(updateTask('4', { description: 'Now with a description' }));
    const change = elements.changes();
    assert.equal(change.all, false);
    assert.deepEqual(change.changed.map(keyOf), ['master|4']);
  });

  it('builds no rows for a plan that arrives while the tree is empty, since VS Code asks for every row anew', async () => {
    const { elements, source } = await treeOf(plan());
    const projects = source.withPlan;
    let asked = 0;
    let loaded = false;
    Object.defineProperty(source, 'withPlan', { get: () => (asked++, loaded ? projects : []) });
    assert.deepEqual(elements.roots(), [], 'shown while the plan is still loading');
    loaded = true;
    asked = 0;
    assert.deepEqual(elements.changes(), { changed: [], all: true });
    assert.equal(asked, 0, 'the rows were not built to be compared with nothing');
    assert.deepEqual(taskRows(elements.roots()).map((row) => row.task.id), ['1', '2', '3', '4']);
    assert.equal(elements.changes().all, false, 'from then on, changes are compared as before');
  });

  it('reports the rows a status change reaches: the task, the next task before and after, and what waits on it', async () => {
    const { elements, store } = await treeOf(plan());
    const rows = taskRows(elements.roots());
    elements.changes();
    assert.deepEqual(rows.filter((row) => row.isNext).map((row) => row.task.id), ['2']);
    await store.edit(setStatuses(['2'], 'done'));
    const change = elements.changes();
    assert.equal(change.all, false);
    assert.deepEqual(change.changed.map(keyOf).sort(), ['master|2', 'master|3'], '2 is done and no longer next; 3 is no longer blocked and is next');
    assert.deepEqual(rows.filter((row) => row.isNext).map((row) => row.task.id), ['3']);
    assert.deepEqual(rows.find((row) => row.task.id === '3')?.waitingOn, []);
  });

  it('builds a task\'s subtasks only when it is expanded, and follows them from then on', async () => {
    const { elements, store } = await treeOf(plan());
    const parent = taskRows(elements.roots()).find((row) => row.task.id === '2')!;
    elements.changes();
    await store.edit(setStatuses(['2.1'], 'in-progress'));
    // The parent follows its subtask to in-progress (task-master's rule), but no subtask is a row yet.
    assert.deepEqual(elements.changes().changed.map(keyOf).filter((key) => key.includes('.')), [], 'a collapsed task\'s subtasks are not rows yet');
    const subtasks = taskRows(elements.children(parent));
    assert.deepEqual(subtasks.map((row) => row.task.status), ['in-progress', 'pending']);
    await store.edit(setStatuses(['2.2'], 'review'));
    assert.deepEqual(elements.changes().changed.map(keyOf), ['master|2.2']);
    assert.equal(subtasks[1].task.status, 'review');
  });

  it('refreshes the parent whose list of children changed, and everything when the top rows changed', async () => {
    const { elements, store, tasksFile } = await treeOf(plan());
    const parent = taskRows(elements.roots()).find((row) => row.task.id === '2')!;
    elements.children(parent);
    elements.changes();
    const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    data.master.tasks[1].subtasks.pop();
    await fs.writeFile(tasksFile, taskMasterText(data));
    await store.reload();
    const change = elements.changes();
    assert.equal(change.all, false);
    assert.deepEqual(change.changed.map(keyOf), ['master|2']);
    await store.edit(addTask({ title: 'Fifth', description: 'New at the top level' }));
    assert.equal(elements.changes().all, true, 'a new top-level row needs the whole tree');
  });

  it('compares no rows while the view is hidden, and brings every row that changed meanwhile once it shows', async () => {
    const { elements, source, store } = await treeOf(plan());
    let rowsCompared = 0;
    source.problemsDue = () => (rowsCompared++, true);
    elements.roots();
    elements.changes();
    assert.equal(elements.setShown(false), undefined);
    rowsCompared = 0;
    await store.edit(updateTask('4', { description: 'Changed while hidden' }));
    assert.equal(elements.update(false), undefined, 'nothing to render while hidden');
    await store.edit(updateTask('3', { title: 'Also changed while hidden' }));
    assert.equal(elements.update(false), undefined);
    assert.equal(rowsCompared, 0, 'no row was compared while the view was hidden');
    const shown = elements.setShown(true);
    assert.ok(rowsCompared > 0);
    assert.equal(shown?.all, false);
    assert.deepEqual(shown.changed.map(keyOf).sort(), ['master|3', 'master|4'], 'both edits, in one pass');
    assert.equal(taskRows(elements.roots()).find((row) => row.task.id === '3')?.task.title, 'Also changed while hidden');
    assert.equal(elements.setShown(true), undefined, 'nothing missed the second time');
  });

  it('catches up on demand while still hidden (before a reveal, which needs the row), and not again when shown', async () => {
    const { elements, store } = await treeOf(plan());
    elements.roots();
    elements.changes();
    elements.setShown(false);
    assert.equal(elements.catchUp(), undefined, 'nothing missed yet');
    await store.edit(addTask({ title: 'Added while hidden' }));
    assert.equal(elements.update(false), undefined);
    const caught = elements.catchUp();
    assert.ok(caught && (caught.all || caught.changed.length > 0), 'the added row is told of');
    assert.ok(taskRows(elements.roots()).some((row) => row.task.title === 'Added while hidden'));
    assert.equal(elements.setShown(true), undefined, 'already caught up');
  });

  it('refreshes the whole tree when it shows again after the filter changed while it was hidden', async () => {
    const { elements, source } = await treeOf(plan());
    elements.roots();
    elements.changes();
    elements.setShown(false);
    source.shown = { hideDone: true };
    assert.equal(elements.update(true), undefined);
    assert.equal(elements.setShown(true)?.all, true);
  });

  it('follows the filter: children are built again under Hide Done', async () => {
    const { elements, source } = await treeOf(plan());
    const parent = taskRows(elements.roots()).find((row) => row.task.id === '2')!;
    assert.equal(elements.children(parent).length, 2);
    elements.changes();
    source.shown = { hideDone: true };
    const change = elements.changes();
    assert.equal(change.all, true, 'task 1 is done: the top rows changed');
    assert.deepEqual(taskRows(elements.roots()).map((row) => row.task.id), ['2', '3', '4']);
  });

  it('shows a first plan before checking it, then refreshes only the rows that have problems', async () => {
    const { elements, source, store } = await treeOf(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1, 99] }), task({ id: 3 })] }));
    source.checked = false;
    const rows = taskRows(elements.roots());
    elements.changes();
    const loaded = store.state.kind === 'loaded' ? store.state.plan : assert.fail('the plan loads');
    assert.equal(isValidated(loaded), false, 'the first rows do not wait for the check');
    assert.deepEqual(rows.map((row) => elements.problems(row).length), [0, 0, 0]);
    source.checked = true;
    const change = elements.checkProblems();
    assert.deepEqual(change?.changed.map(keyOf), ['master|2'], 'only the row with a problem is rendered again');
    assert.match(elements.problems(rows[1])[0].message, /99/);
  });

  it('refreshes a row whose own fields did not change when a change elsewhere gives it a problem', async () => {
    const { elements, store, tasksFile } = await treeOf(plan());
    taskRows(elements.roots());
    elements.changes();
    const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    data.master.tasks[1].dependencies = [1, 3];
    await fs.writeFile(tasksFile, taskMasterText(data));
    await store.reload();
    const compared = elements.changes().changed.map(keyOf);
    assert.ok(compared.includes('master|2'), 'task 2 now depends on 3');
    const reloaded = store.state.kind === 'loaded' ? store.state.plan : assert.fail('the plan loads');
    assert.equal(isValidated(reloaded), false, 'the rows are compared before the change is checked');
    const checked = elements.checkProblems()?.changed.map(keyOf) ?? [];
    assert.ok(checked.includes('master|3'), `task 3 is unchanged but now in a cycle with 2: ${checked.join(', ')}`);
    assert.equal(elements.checkProblems(), undefined, 'checked once');
  });

  it('keeps a row\'s marker while a change elsewhere is being checked, and refreshes only rows whose problems changed', async () => {
    const { elements, store, tasksFile } = await treeOf(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1, 99] }), task({ id: 3 })] }));
    const rows = taskRows(elements.roots());
    elements.changes();
    elements.checkProblems();
    assert.match(elements.problems(rows[1])[0]?.message ?? '', /99/);
    await store.edit(updateTask('3', { title: 'Renamed' }));
    assert.deepEqual(elements.changes().changed.map(keyOf), ['master|3']);
    assert.match(elements.problems(rows[1])[0]?.message ?? '', /99/, 'the marker stays while the change is checked');
    assert.equal(elements.checkProblems(), undefined, 'no row shows other problems after the check');
    const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    data.master.tasks[1].dependencies = [1];
    await fs.writeFile(tasksFile, taskMasterText(data));
    await store.reload();
    elements.changes();
    assert.deepEqual(elements.checkProblems()?.changed.map(keyOf), ['master|2'], 'the fixed row loses its marker');
    assert.deepEqual(elements.problems(rows[1]), []);
  });
});

describe('Long lists in the tree come in pages, and a reveal shows the page that holds its task (issue 14)', () => {
  const seven = (tasks = Array.from({ length: 7 }, (_, i) => task({ id: i + 1 }))) => tagged({ master: tasks });
  const ids = (rows: TreeElement[]) => rows.map((row) => (row.kind === 'task' ? row.task.id : row.kind === 'more' ? `more ${row.shown}/${row.total}+${row.step}` : row.kind));
  const moreRow = (rows: TreeElement[]) => rows.find((row): row is MoreElement => row.kind === 'more')!;

  it('shows a page of a long list, then the next page, then the rest, with one Show More row that keeps its identity', async () => {
    const { elements, source } = await treeOf(seven());
    source.pageSize = 3;
    const first = elements.roots();
    assert.deepEqual(ids(first), ['1', '2', '3', 'more 3/7+3']);
    const more = moreRow(first);
    assert.equal(elements.parent(more), undefined, 'at the root, as the tasks of a single tag are');
    const firstAdded = elements.showMore(more, false);
    assert.equal(firstAdded?.task.id, '4', 'the first row it adds, for the focus to move to');
    const change = elements.update(false);
    assert.equal(change?.all, true, 'the top-level list grew: VS Code asks for it again');
    const second = elements.roots();
    assert.deepEqual(ids(second), ['1', '2', '3', '4', '5', '6', 'more 6/7+1']);
    assert.equal(moreRow(second), more, 'the same row, so the keyboard focus stays on it');
    elements.showMore(more, true);
    elements.update(false);
    assert.deepEqual(ids(elements.roots()), ['1', '2', '3', '4', '5', '6', '7']);
  });

  it('pages what the filter leaves, so hidden done tasks do not fill the first page', async () => {
    const tasks = Array.from({ length: 7 }, (_, i) => task({ id: i + 1, status: i < 3 ? 'done' : 'pending' }));
    const { elements, source } = await treeOf(seven(tasks));
    source.pageSize = 2;
    source.shown = { hideDone: true };
    assert.deepEqual(ids(elements.roots()), ['4', '5', 'more 2/4+2']);
  });

  it('refreshes only a tag\'s row when its list grows under it', async () => {
    const { elements, source } = await treeOf(tagged({ master: [task({ id: 1 })], feature: Array.from({ length: 5 }, (_, i) => task({ id: i + 1 })) }));
    source.pageSize = 2;
    const feature = elements.roots().find((row) => row.kind === 'tag' && row.tag === 'feature')!;
    const rows = elements.children(feature);
    assert.deepEqual(ids(rows), ['1', '2', 'more 2/5+2']);
    assert.equal(elements.parent(moreRow(rows)), feature, 'under the tag\'s row');
    elements.showMore(moreRow(rows), false);
    const change = elements.update(false);
    assert.equal(change?.all, false);
    assert.deepEqual(change?.changed.map((row) => row.kind).sort(), ['more', 'tag'], 'the tag\'s list and the Show More row\'s counts');
    assert.deepEqual(ids(elements.children(feature)), ['1', '2', '3', '4', 'more 4/5+1']);
  });

  it('extends the lists that hold a task beyond the page (its parent\'s too) so it can be revealed, and only then', async () => {
    const tasks = Array.from({ length: 7 }, (_, i) => task({ id: i + 1, subtasks: i === 5 ? Array.from({ length: 5 }, (_, j) => ({ id: j + 1 })) : undefined }));
    const { elements, source, store } = await treeOf(seven(tasks));
    source.pageSize = 2;
    assert.deepEqual(ids(elements.roots()), ['1', '2', 'more 2/7+2']);
    const state = store.state;
    assert.ok(state.kind === 'loaded');
    const view = state.plan.tags.get('master')!;
    const project = source.withPlan[0];
    assert.equal(elements.include(project, view, view.byId.get('2')!), false, 'task 2 has a row already');
    const subtask = view.byId.get('6.5')!;
    assert.equal(elements.include(project, view, subtask), true);
    elements.update(false);
    const rows = elements.roots();
    assert.deepEqual(ids(rows), ['1', '2', '3', '4', '5', '6', 'more 6/7+1'], 'the page that holds task 6');
    const parent = rows.find((row) => row.kind === 'task' && row.task.id === '6')!;
    assert.deepEqual(ids(elements.children(parent)), ['6.1', '6.2', '6.3', '6.4', '6.5'], 'and the page of its subtasks that holds 6.5');
    assert.equal(elements.parent(elements.taskElement(project, view, subtask)), parent, 'the chain VS Code follows to reveal it');
  });

  it('says when the next task sits past the page, in the tag\'s list or in its parent\'s subtasks', async () => {
    const done = Array.from({ length: 4 }, (_, i) => task({ id: i + 1, status: 'done' }));
    const { elements, source, store, tasksFile } = await treeOf(seven([...done, task({ id: 5 }), task({ id: 6 })]));
    source.pageSize = 2;
    const more = moreRow(elements.roots());
    assert.equal(more.nextId, '5', 'the first page is all done work');
    elements.showMore(more, false);
    elements.update(false);
    assert.equal(moreRow(elements.roots()).nextId, '5', 'still among the rest');
    elements.showMore(more, false);
    assert.equal(elements.update(false)?.all, true);
    assert.equal(moreRow(elements.roots()), undefined, 'task 5 shown: no Show More row is left');

    // In progress with its first subtasks done: the next task is its first open subtask (Task Master's rule).
    const subtasks = Array.from({ length: 5 }, (_, j) => ({ id: j + 1, status: j < 3 ? 'done' : 'pending' }));
    await fs.writeFile(tasksFile, taskMasterText(seven([task({ id: 1, status: 'in-progress', subtasks }), task({ id: 2 }), task({ id: 3 })])));
    await store.reload();
    elements.resetPages();
    const rows = elements.roots();
    assert.equal(moreRow(rows).nextId, undefined, 'task 1, which holds the next task, is on the first page');
    const parent = rows.find((row): row is TaskElement => row.kind === 'task' && row.task.id === '1')!;
    assert.equal(moreRow(elements.children(parent)).nextId, '1.4');
    elements.showMore(moreRow(elements.children(parent)), false);
    elements.update(false);
    assert.equal(moreRow(elements.children(parent)).nextId, undefined, '1.4 is on the page now');
  });

  it('starts every list from its first page again when the page size changes', async () => {
    const { elements, source } = await treeOf(seven());
    source.pageSize = 2;
    elements.showMore(moreRow(elements.roots()), true);
    assert.equal(moreRow(elements.roots()), undefined);
    elements.resetPages();
    source.pageSize = 5;
    assert.deepEqual(ids(elements.roots()), ['1', '2', '3', '4', '5', 'more 5/7+2']);
    source.pageSize = 0;
    assert.equal(elements.roots().length, 7, '0 shows every row');
  });
});
