import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  addDependency,
  addSubtask,
  addTask,
  removeDependency,
  removeInvalidDependencies,
  updateTask,
  OperationError,
} from '../../src/core/operations';
import { changeStatuses, setStatuses } from '../../src/core/statusChange';
import { createTag } from '../../src/core/tagOperations';
import { removeTasks } from '../../src/core/taskStructure';
import { validatePlan } from '../../src/core/validation';
import { ReadOnlyFileError } from '../../src/store/atomicWrite';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { planFingerprint, PlanUnreadableError, type LoadedPlan } from '../../src/store/planReader';
import { loadedPlan, makeProject, openStore, task, tagged, taskMasterText } from '../support/planBuilder';

const sample = () =>
  tagged({
    master: [
      task({ id: 1, status: 'done', complexity: 7, metadata: { owner: 'me' } }),
      task({ id: 2, dependencies: [1], subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] }),
      task({ id: 3, dependencies: [2, '2.2'] }),
    ],
    feature: [task({ id: 1 })],
  });

describe('TaskStore', () => {
  it('changes only the statuses and stamps task-master set-status changes when setting a status', async () => {
    const { store, read } = await openStore(sample());
    const before = await read();
    await store.edit(setStatuses(['2.1'], 'in-progress'));
    const after = await read();
    const expected = JSON.parse(before);
    const stamp = JSON.parse(after).master.tasks[1].updatedAt;
    // The parent follows its subtask, and both get updatedAt, appended to the fields they had.
    Object.assign(expected.master.tasks[1], { status: 'in-progress', updatedAt: stamp });
    Object.assign(expected.master.tasks[1].subtasks[0], { status: 'in-progress', updatedAt: stamp });
    expected.master.metadata.updated = JSON.parse(after).master.metadata.updated;
    assert.equal(after, taskMasterText(expected));
    assert.notEqual(expected.master.metadata.updated, '2025-01-01T00:00:00.000Z');
  });

  it('changes nothing else when a parent is marked done, and writes nothing for a no-op', async () => {
    const { store, read, tasksFile } = await openStore(sample());
    await store.edit(setStatuses(['2'], 'done'));
    const two = loadedPlan(store).plan.tags.get('master')!.byId.get('2')!;
    assert.deepEqual([two.status, ...two.subtasks.map((s) => s.status)], ['done', 'pending', 'pending']);
    const before = await read();
    const { mtimeMs } = await fs.stat(tasksFile);
    await store.edit(setStatuses(['2'], 'done'));
    assert.equal(await read(), before);
    assert.equal((await fs.stat(tasksFile)).mtimeMs, mtimeMs);
  });

  it('gives each task its own status in one write, one after the other, the parent following its subtasks', async () => {
    const { store, read } = await openStore(sample());
    await store.edit(changeStatuses([{ id: '2.1', status: 'done' }, { id: '2.2', status: 'cancelled' }, { id: '3', status: 'deferred' }]));
    const [, two, three] = JSON.parse(await read()).master.tasks;
    assert.deepEqual([two.status, two.subtasks[0].status, two.subtasks[1].status, three.status], ['in-progress', 'done', 'cancelled', 'deferred']);
    assert.ok([two, two.subtasks[0], two.subtasks[1], three].every((changed) => changed.updatedAt === two.updatedAt && typeof two.updatedAt === 'string'));
    await store.edit(changeStatuses([{ id: '2.2', status: 'done' }]));
    assert.equal(JSON.parse(await read()).master.tasks[1].status, 'done', 'its last open subtask done, the parent is done');
  });

  it('keeps the lastModified stamp of Task Master\'s newer metadata current', async () => {
    const data = { master: { tasks: [task({ id: 1 })], metadata: { version: '1.0.0', lastModified: '2025-01-01T00:00:00.000Z', taskCount: 1, completedCount: 0, tags: ['master'] } } };
    const { store, read } = await openStore(data);
    await store.edit(setStatuses(['1'], 'review'));
    const metadata = JSON.parse(await read()).master.metadata;
    assert.notEqual(metadata.lastModified, '2025-01-01T00:00:00.000Z');
    assert.deepEqual(Object.keys(metadata), ['version', 'lastModified', 'taskCount', 'completedCount', 'tags']);
  });

  it('applies edits to the tag named, or to the current tag of state.json', async () => {
    const { store, read } = await openStore(sample(), { currentTag: 'feature' });
    await store.edit(setStatuses(['1'], 'review'));
    assert.equal(JSON.parse(await read()).feature.tasks[0].status, 'review');
    await store.edit(setStatuses(['3'], 'blocked'), 'master');
    assert.equal(JSON.parse(await read()).master.tasks[2].status, 'blocked');
    await assert.rejects(store.edit(setStatuses(['1'], 'done'), 'nope'), (e: unknown) => OperationError.is(e) && e.kind === 'not-found');
  });

  it('adds tasks and subtasks with the next ids in Task Master shape', async () => {
    const { store, read } = await openStore(sample());
    let id = '';
    await store.edit(addTask({ title: 'Four', priority: 'high', dependencies: ['3', '2.1'] }, (x) => (id = x)));
    assert.equal(id, '4');
    await store.edit(addSubtask('2', { title: 'Third', dependencies: ['2'] }, (x) => (id = x)));
    assert.equal(id, '2.3');
    await store.edit(addSubtask('1', { title: 'First' }, (x) => (id = x)));
    assert.equal(id, '1.1');
    const data = JSON.parse(await read());
    assert.deepEqual(data.master.tasks[3], {
      id: 4,
      title: 'Four',
      description: '',
      details: '',
      testStrategy: '',
      status: 'pending',
      dependencies: [3, '2.1'],
      priority: 'high',
      subtasks: [],
    });
    assert.deepEqual(data.master.tasks[1].subtasks[2].dependencies, [2]);
    assert.equal(data.master.tasks[0].complexity, 7, 'unknown fields survive');
    assert.deepEqual(validatePlan(loadedPlan(store).plan).problems.filter((p) => p.severity === 'error'), []);
  });

  it('edits fields, and deletes a task with every dependency on it', async () => {
    const { store, read } = await openStore(sample());
    await store.edit(updateTask('3', { title: 'Renamed', details: 'line 1\nline 2', priority: 'critical' }));
    await store.edit(removeTasks(['2']));
    const tasks = JSON.parse(await read()).master.tasks;
    assert.deepEqual(tasks.map((t: { id: number }) => t.id), [1, 3]);
    assert.deepEqual(tasks[1].dependencies, []);
    assert.equal(tasks[1].title, 'Renamed');
    assert.equal(tasks[1].details, 'line 1\nline 2');
  });

  it('adds and removes dependencies, refusing cycles and self-dependencies', async () => {
    const { store, read } = await openStore(sample());
    await assert.rejects(store.edit(addDependency('2.1', '2.2')), (e: unknown) => OperationError.is(e) && /cycle/.test(e.message));
    await assert.rejects(store.edit(addDependency('1', '3')), /cycle/);
    await assert.rejects(store.edit(addDependency('1', '1')), /itself/);
    await assert.rejects(store.edit(addDependency('1', '42')), /No task 42/);
    await store.edit(addDependency('3', '1'));
    await store.edit(removeDependency('3', '2.2'));
    await store.edit(removeDependency('2.2', '1'));
    const data = JSON.parse(await read());
    assert.deepEqual(data.master.tasks[2].dependencies, [2, 1]);
    assert.deepEqual(data.master.tasks[1].subtasks[1].dependencies, []);
    await assert.rejects(store.edit(removeDependency('3', '2.2')), /does not depend/);
  });

  it('removes exactly the invalid dependencies when fixing', async () => {
    const plan = tagged({ master: [task({ id: 1, dependencies: [2, 9] }), task({ id: 2, dependencies: [1, 2] })] });
    const { store, read } = await openStore(plan);
    await store.edit(removeInvalidDependencies(validatePlan(loadedPlan(store).plan).invalidDependencies));
    const tasks = JSON.parse(await read()).master.tasks;
    assert.deepEqual([tasks[0].dependencies, tasks[1].dependencies], [[2], []]);
    assert.deepEqual(validatePlan(loadedPlan(store).plan).invalidDependencies, []);
  });

  it('adds tags, moving a legacy flat list under master', async () => {
    const { store, read } = await openStore({ tasks: [task({ id: 1 })], extra: true });
    await store.edit(createTag({ name: 'feature-x', description: 'New work' }));
    const data = JSON.parse(await read());
    assert.deepEqual(Object.keys(data), ['master', 'feature-x']);
    assert.equal(data.master.extra, true);
    assert.equal(data['feature-x'].metadata.description, 'New work');
    await assert.rejects(store.edit(createTag({ name: 'feature-x' })), /already exists/);
    await assert.rejects(store.edit(createTag({ name: 'bad name' })), /not a tag name Task Master accepts/);
  });

  it('never writes over a file it cannot parse', async () => {
    const broken = '{\n  "master": {\n    "tasks": [\n      {"id": 1,}\n    ]\n  }\n}\n';
    const { store, read } = await openStore(broken);
    assert.equal(store.state.kind, 'unreadable');
    await assert.rejects(store.edit(setStatuses(['1'], 'done')), (e: unknown) => PlanUnreadableError.is(e) && /:4:/.test(e.message));
    assert.equal(await read(), broken);
  });

  it('refuses to write a read-only file, leaving it as it was', async () => {
    const { store, read, tasksFile } = await openStore(sample());
    await fs.chmod(tasksFile, 0o444);
    const before = await read();
    await assert.rejects(store.edit(setStatuses(['3'], 'done')), (e: unknown) => ReadOnlyFileError.is(e));
    assert.equal(await read(), before);
    assert.deepEqual((await fs.readdir(path.dirname(tasksFile))).sort(), ['tasks.json']);
  });

  it('keeps both edits when two writers race, and leaves no temp files behind', async () => {
    const { root, store, read, tasksFile } = await openStore(sample());
    const other = new TaskStore(locatePlan(root));
    await Promise.all([
      store.edit(setStatuses(['1'], 'review')),
      other.edit(setStatuses(['2'], 'in-progress')),
      store.edit(setStatuses(['3'], 'deferred')),
      other.edit(addTask({ title: 'Five' })),
    ]);
    const tasks = JSON.parse(await read()).master.tasks;
    assert.deepEqual(tasks.map((t: { status: string }) => t.status), ['review', 'in-progress', 'deferred', 'pending']);
    assert.deepEqual((await fs.readdir(path.dirname(tasksFile))).sort(), ['tasks.json']);
  });

  it('applies an edit to the freshest file content, not a stale copy', async () => {
    const { store, read, tasksFile } = await openStore(sample());
    const data = JSON.parse(await read());
    data.master.tasks[0].title = 'Changed by the CLI';
    await fs.writeFile(tasksFile, taskMasterText(data));
    await store.edit(setStatuses(['3'], 'done'));
    const after = JSON.parse(await read());
    assert.equal(after.master.tasks[0].title, 'Changed by the CLI');
    assert.equal(after.master.tasks[2].status, 'done');
  });

  it('keeps a fingerprint of the file, not its text: the same bytes again are no change, and the text comes from the file while it is the one loaded', async () => {
    const { store, tasksFile } = await openStore(sample());
    const bytes = await fs.readFile(tasksFile);
    const loaded = loadedPlan(store);
    assert.equal(loaded.fingerprint, planFingerprint(bytes));
    // Nothing in the loaded state is the file's text (at 10,000 tasks it outweighs the parsed plan).
    assert.ok(!Object.values(loaded).some((value) => typeof value === 'string' && value.length >= bytes.length));
    assert.equal(await store.loadedText(), bytes.toString('utf8'));
    let changes = 0;
    store.onDidChange(() => changes++);
    await fs.writeFile(tasksFile, bytes);
    assert.equal(await store.reload(), loaded, 'the same bytes written again leave the state as it was');
    assert.equal(changes, 0);
    const data = JSON.parse(bytes.toString('utf8'));
    data.master.tasks[0].title = 'Changed outside';
    await fs.writeFile(tasksFile, taskMasterText(data));
    assert.equal(await store.loadedText(), undefined, 'the text of a file that changed since it was loaded is not the loaded plan\'s');
    await store.reload();
    assert.equal(changes, 1);
    assert.equal(await store.loadedText(), taskMasterText(data));
  });

  it('sees changes made by other programs within a second', async () => {
    const { store, tasksFile } = await openStore(sample());
    store.startWatching();
    try {
      const changed = new Promise<number>((resolve) => {
        const started = Date.now();
        store.onDidChange(() => resolve(Date.now() - started));
      });
      const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      data.master.tasks.push(task({ id: 4 }));
      const temp = `${tasksFile}.tmp`;
      await fs.writeFile(temp, taskMasterText(data));
      await fs.rename(temp, tasksFile); // as git checkout and atomic writers do
      assert.ok((await changed) < 1000);
      assert.equal(loadedPlan(store).plan.tags.get('master')!.tasks.length, 4);
    } finally {
      store.dispose();
    }
  });

  it('takes an outside write at its first event, without waiting for the folder to go quiet', async () => {
    const { store, tasksFile } = await openStore(sample());
    store.startWatching();
    let noisy = true;
    try {
      const seenWhileNoisy = new Promise<boolean>((resolve) => store.onDidChange(() => resolve(noisy)));
      const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      data.master.tasks.push(task({ id: 4 }));
      await fs.writeFile(`${tasksFile}.tmp`, taskMasterText(data));
      await fs.rename(`${tasksFile}.tmp`, tasksFile);
      // Another file in the folder keeps changing: a read that waits for quiet would come only after.
      const noise = path.join(path.dirname(tasksFile), 'notes.txt');
      for (let i = 0; i < 15; i++) {
        await fs.writeFile(noise, String(i));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      noisy = false;
      assert.equal(await seenWhileNoisy, true);
      assert.equal(loadedPlan(store).plan.tags.get('master')!.tasks.length, 4);
    } finally {
      store.dispose();
    }
  });

  it('sees the last of several writes in a burst, whichever the first read caught', async () => {
    const { store, tasksFile } = await openStore(sample());
    store.startWatching();
    try {
      const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      for (let id = 4; id <= 8; id++) {
        data.master.tasks.push(task({ id }));
        await fs.writeFile(`${tasksFile}.tmp`, taskMasterText(data));
        await fs.rename(`${tasksFile}.tmp`, tasksFile);
        if (id === 6) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const last = new Promise<void>((resolve) => {
        const check = () => loadedPlan(store).plan.tags.get('master')!.tasks.length === 8 && resolve();
        store.onDidChange(check);
        check();
      });
      await last;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(loadedPlan(store).plan.tags.get('master')!.tasks.length, 8);
    } finally {
      store.dispose();
    }
  });

  it('never shows a tasks.json caught half-written by that first read: the read after the writer stops settles it', async () => {
    const { store, tasksFile } = await openStore(sample());
    store.startWatching();
    try {
      const kinds: string[] = [];
      const settled = new Promise<void>((resolve) =>
        store.onDidChange((state) => {
          kinds.push(state.kind);
          if (state.kind === 'loaded' && state.plan.tags.get('master')!.tasks.length === 4) resolve();
        }),
      );
      const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      data.master.tasks.push(task({ id: 4 }));
      const text = taskMasterText(data);
      // As task-master's writeFileSync can be seen: the file truncated and partly written, then the rest.
      await fs.writeFile(tasksFile, text.slice(0, text.length / 2));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await fs.writeFile(tasksFile, text);
      await settled;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(kinds, ['loaded']);
    } finally {
      store.dispose();
    }
  });

  it('never shows the tag of a state.json caught half-written (it would read as master)', async () => {
    const { root, store } = await openStore(sample(), { currentTag: 'feature' });
    store.startWatching();
    try {
      const stateFile = path.join(root, '.taskmaster', 'state.json');
      const tags: string[] = [];
      const settled = new Promise<void>((resolve) =>
        store.onDidChange((state) => {
          if (state.kind !== 'loaded') return;
          tags.push(state.currentTag);
          if (state.currentTag === 'feature' && state.plan.tags.get('master')!.tasks.length === 4) resolve();
        }),
      );
      const text = JSON.stringify({ currentTag: 'feature', lastSwitched: '2026-01-01T00:00:00.000Z' }, null, 2);
      // A tasks.json change and a state.json rewritten in place, as task-master does both.
      const data = tagged({ master: [...(sample().master as { tasks: unknown[] }).tasks as Array<Record<string, unknown>>, task({ id: 4 })], feature: [task({ id: 1 })] });
      await fs.writeFile(stateFile, text.slice(0, 10));
      await fs.writeFile(store.location.tasksFile, taskMasterText(data));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await fs.writeFile(stateFile, text);
      await settled;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(tags, ['feature']);
    } finally {
      store.dispose();
    }
  });

  it('follows a file deleted while open, and a new tag in state.json', async () => {
    const { root, store, tasksFile } = await openStore(sample());
    await fs.writeFile(path.join(root, '.taskmaster', 'state.json'), JSON.stringify({ currentTag: 'feature' }));
    assert.equal(((await store.reload()) as LoadedPlan).currentTag, 'feature');
    await fs.rm(tasksFile);
    assert.equal((await store.reload()).kind, 'missing');
  });

  it('switches the current tag keeping the rest of state.json', async () => {
    const { root, store } = await openStore(sample(), { currentTag: 'master', branchTagMapping: { main: 'master' } });
    await store.setCurrentTag('feature');
    const state = JSON.parse(await fs.readFile(path.join(root, '.taskmaster', 'state.json'), 'utf8'));
    assert.equal(state.currentTag, 'feature');
    assert.deepEqual(state.branchTagMapping, { main: 'master' });
    assert.equal(loadedPlan(store).currentTag, 'feature');
  });

  it('finds the legacy tasks/tasks.json when there is no .taskmaster plan', async () => {
    const { root } = await makeProject({});
    await fs.rm(path.join(root, '.taskmaster'), { recursive: true });
    await fs.mkdir(path.join(root, 'tasks'));
    await fs.writeFile(path.join(root, 'tasks', 'tasks.json'), taskMasterText({ tasks: [task({ id: 1 })] }));
    const store = new TaskStore(locatePlan(root));
    assert.equal(store.location.tasksFile, path.join(root, 'tasks', 'tasks.json'));
    assert.equal(((await store.reload()) as LoadedPlan).plan.format, 'legacy');
  });
});
