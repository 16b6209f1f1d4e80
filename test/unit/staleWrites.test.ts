import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readPlan } from '../../src/core/plan';
import { setStatuses } from '../../src/core/statusChange';
import { changedEntries, revertedEntries } from '../../src/store/staleOverwrite';
import { classifyCommand, taskMasterProcesses } from '../../src/store/taskMasterProcesses';
import type { UndoneChange } from '../../src/store/taskStore';
import { openStore, tagged, task, tempDir } from '../support/planBuilder';

const plan = (data: unknown) => readPlan(data);

/** The stand-in writer, copied to where a task-master install keeps its CLI, and started in the project. */
async function startWriter(root: string, tasksFile: string, args: { id: string; status: string; readAgain?: boolean; as?: string }) {
  const install = await tempDir('tml-fake-install-');
  const script = path.join(install, args.as ?? path.join('node_modules', 'task-master-ai', 'dist', 'task-master.js'));
  await fs.mkdir(path.dirname(script), { recursive: true });
  await fs.copyFile(path.join(__dirname, '..', 'support', 'staleTaskMaster.cjs'), script);
  const readFile = path.join(install, 'has-read');
  const goFile = path.join(install, 'go');
  const env = { ...process.env, STALE_WRITER_REQUIRE_FROM: __filename, ...(args.readAgain ? { STALE_WRITER_READ_AGAIN: '1' } : {}) };
  const child = spawn(process.execPath, [script, tasksFile, 'master', args.id, args.status, readFile, goFile], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  while (!existsSync(readFile)) await new Promise((resolve) => setTimeout(resolve, 10));
  return { child, exited, go: () => fs.writeFile(goFile, 'go') };
}

function statusesIn(text: string): Record<string, string> {
  const data = JSON.parse(text) as { master: { tasks: Array<{ id: unknown; status: string }> } };
  return Object.fromEntries(data.master.tasks.map((entry) => [String(entry.id), entry.status]));
}

const threeTasks = () => tagged({ master: [task({ id: 1 }), task({ id: 2 }), task({ id: 3 })] });

describe('Writes undone by a task-master that read the file earlier', function () {
  this.timeout(30_000);
  const running: ChildProcess[] = [];
  afterEach(() => running.splice(0).forEach((child) => child.kill()));

  it('applies our change again when a task-master process writes the tag from a read made before it', async () => {
    const { root, tasksFile, store, read } = await openStore(threeTasks());
    const undone: UndoneChange[] = [];
    store.onDidUndoneChange((change) => undone.push(change));
    const writer = await startWriter(root, tasksFile, { id: '1', status: 'done' });
    running.push(writer.child);
    await store.edit(setStatuses(['2'], 'in-progress'), 'master');
    await writer.go();
    assert.equal(await writer.exited, 0);
    await store.settled();
    assert.deepEqual(statusesIn(await read()), { 1: 'done', 2: 'in-progress', 3: 'pending' }, "both the writer's change and ours are in the file");
    assert.equal(undone.length, 1);
    assert.deepEqual(undone[0].entries, ['task 2 in "master"']);
    assert.equal(undone[0].error, undefined);
    assert.equal(undone[0].writers[0].pid, writer.child.pid);
    store.dispose();
  });

  it('leaves alone a writer that read our change and changed the same task again', async () => {
    const { root, tasksFile, store, read } = await openStore(threeTasks());
    const undone: UndoneChange[] = [];
    store.onDidUndoneChange((change) => undone.push(change));
    const writer = await startWriter(root, tasksFile, { id: '2', status: 'blocked', readAgain: true });
    running.push(writer.child);
    await store.edit(setStatuses(['2'], 'in-progress'), 'master');
    await writer.go();
    assert.equal(await writer.exited, 0);
    await store.settled();
    assert.equal(statusesIn(await read())['2'], 'blocked', 'the later, informed change wins');
    assert.deepEqual(undone, []);
    store.dispose();
  });

  it('does not wait for a task-master process that started after the write', async () => {
    const { root, tasksFile, store, read } = await openStore(threeTasks());
    await store.edit(setStatuses(['2'], 'done'), 'master');
    const writer = await startWriter(root, tasksFile, { id: '3', status: 'done', readAgain: true });
    running.push(writer.child);
    // The writer is still waiting for its go signal: settling must not depend on it.
    await store.settled();
    await writer.go();
    assert.equal(await writer.exited, 0);
    assert.deepEqual(statusesIn(await read()), { 1: 'pending', 2: 'done', 3: 'done' });
    store.dispose();
  });

  it('finds task-master processes by their command line and working folder, not by a word in it', async () => {
    const { root, tasksFile } = await openStore(threeTasks());
    const other = await openStore(threeTasks());
    const writer = await startWriter(root, tasksFile, { id: '1', status: 'done' });
    const lookalike = await startWriter(root, tasksFile, { id: '1', status: 'done', as: path.join('notes', 'task-master.js') });
    running.push(writer.child, lookalike.child);
    const pids = (found: { pid: number }[]) => found.map((candidate) => candidate.pid);
    assert.deepEqual(pids(await taskMasterProcesses(root)), [writer.child.pid]);
    assert.deepEqual(pids(await taskMasterProcesses(other.root)), [], 'a task-master working on another project is not a writer of this one');
  });
});

describe('classifyCommand', () => {
  const cases: Array<[string, 'cli' | 'server' | undefined]> = [
    ['node /usr/lib/node_modules/task-master-ai/dist/task-master.js set-status --id=3 --status=done', 'cli'],
    ['/usr/bin/node /home/me/.npm-global/bin/task-master expand --id 4', 'cli'],
    ['node /home/me/.npm/_npx/1a2b/node_modules/task-master-ai/dist/mcp-server.js', 'server'],
    ['/usr/local/bin/node --max-old-space-size=4096 /srv/app/node_modules/task-master-ai/dist/task-master.js list', 'cli'],
    ['/home/me/.local/bin/task-master-ai', 'server'],
    ['npx -y task-master-ai', undefined],
    ['node /opt/task-master-ai/mcp-server/server.js', 'server'],
    ['node /work/tml/dist/cli.js set-status 3 done', undefined],
    ['grep -r task-master .', undefined],
    ['vim task-master.js', undefined],
    ['node /home/me/notes/task-master.js', undefined],
    ['code /home/me/project/.taskmaster/tasks/tasks.json', undefined],
  ];
  for (const [command, expected] of cases) {
    it(`${command} → ${expected ?? 'not task-master'}`, () => assert.equal(classifyCommand(command.split(' ')), expected));
  }
});

describe('Recognising an undone change', () => {
  const before = plan(threeTasks());
  const afterData = threeTasks() as { master: { tasks: Array<Record<string, unknown>> } };
  Object.assign(afterData.master.tasks[1], { status: 'done', updatedAt: '2026-12-05T10:00:00.000Z' });
  afterData.master.tasks.push(task({ id: 4 }));
  const after = plan(afterData);
  const changes = changedEntries(before, after);

  it('lists the changed fields of each task and the tasks added or removed', () => {
    assert.deepEqual(
      changes.map((change) => [change.key.replace('\u0000', ' '), change.fields]),
      [
        ['master 2', ['status', 'updatedAt']],
        ['master 4', []],
      ],
    );
  });

  it("sees task-master's rewrite of the old file as undoing the change, ids written as strings and all", () => {
    const rewritten = threeTasks() as { master: { tasks: Array<Record<string, unknown>> } };
    for (const entry of rewritten.master.tasks) entry.id = String(entry.id);
    assert.deepEqual(revertedEntries(changes, plan(rewritten)).map((change) => change.key.replace('\u0000', ' ')), ['master 2', 'master 4']);
  });

  it('does not see a later change to the same task as undoing ours', () => {
    const later = JSON.parse(JSON.stringify(afterData)) as typeof afterData;
    Object.assign(later.master.tasks[1], { status: 'pending', updatedAt: '2026-12-05T10:05:00.000Z' });
    assert.deepEqual(revertedEntries(changes, plan(later)), []);
  });
});
