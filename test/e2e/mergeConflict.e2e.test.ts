/**
 * End-to-end: a tasks.json left with git conflict markers by a merge made without the driver. The
 * tree says so and offers "Resolve Merge Conflict"; one click and a confirmation merge both
 * branches by tag and task id, keep the conflicted file as a backup, and the plan is back in the
 * tree. Then Install Git Merge Driver from the palette, and the next merge of two branches that
 * both added a task is made by the driver git runs outside the editor: no markers, both tasks kept.
 * Real git merges in a copy of demo/, in a real VS Code (code-server, see vscodeHarness.ts).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyDemo, readTasks, stagedSuite, TASKS_FILE, tml, vscodeSession } from './stagedExtension';
import { eventually, openViewContainer, runCommand, waitForRows } from './vscodeHarness';

/** git in `workspace`, with a committer of its own. */
function gitIn(workspace: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, encoding: 'utf8' });
}

/** A new branch from main with a task titled `titles.branch` added, then one titled `titles.main` added on main; both committed, main checked out. */
function addTaskOnBoth(workspace: string, branch: string, titles: { branch: string; main: string }): void {
  gitIn(workspace, 'checkout', '-qb', branch);
  tml(workspace, 'add-task', '--title', titles.branch, '--description', `Added on ${branch}.`);
  gitIn(workspace, 'commit', '-qam', titles.branch);
  gitIn(workspace, 'checkout', '-q', 'main');
  tml(workspace, 'add-task', '--title', titles.main, '--description', 'Added on main.');
  gitIn(workspace, 'commit', '-qam', titles.main);
}

/** The demo in a git repository, mid-merge: each branch added a task under the same id. */
function conflictedDemo(scratch: string): string {
  const workspace = copyDemo(scratch);
  const git = (...args: string[]) => gitIn(workspace, ...args).status;
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'demo');
  addTaskOnBoth(workspace, 'feature', { branch: 'Feature branch task', main: 'Main branch task' });
  assert.equal(git('merge', '--no-edit', 'feature'), 1, 'git alone leaves a conflict');
  return workspace;
}

describe('A merge conflict in tasks.json, resolved from the tree (code-server)', function () {
  this.timeout(90_000);
  const staged = stagedSuite('merge-conflict');
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => ({ workspace: conflictedDemo(staged.scratch()) }),
  );

  it('shows the conflict, resolves it after one confirmation, and shows the plan again', async () => {
    const page = vs.page();
    const ids = readTasksCount(vs.workspace());
    await openViewContainer(page, 'Taskmaster');
    await waitForRows(page, 'the conflict and its resolution', (rows) => rows.some((row) => row.startsWith('Resolve Merge Conflict')), 30_000);
    const rows = await waitForRows(page, 'the conflict row', (rows) => rows.some((row) => row.startsWith('tasks.json holds git conflict markers from a merge')));
    assert.ok(rows.length <= 3, `only the conflict is shown: ${rows.join(' | ')}`);

    await page.locator('.part.sidebar .monaco-list-row[aria-label^="Resolve Merge Conflict"]').first().click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const question = await dialog.innerText();
    assert.match(question, /Resolve the merge conflict in .*tasks\.json\?/);
    assert.match(question, /is now task/);
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^\s*Resolve\s*$/ }).first().click();

    const merged = await eventually('tasks.json merged', () => {
      try {
        return readTasks(vs.workspace());
      } catch {
        return undefined;
      }
    }, 15_000);
    const titles = merged.master.tasks.map((task) => [task.id, task.title]);
    assert.deepEqual(titles.slice(-2), [
      [ids + 1, 'Main branch task'],
      [ids + 2, 'Feature branch task'],
    ]);
    const backups = fs.readdirSync(path.join(vs.workspace(), '.taskmaster', 'backups')).filter((name) => name.startsWith('tasks-merge-conflict-'));
    assert.equal(backups.length, 1);
    await waitForRows(page, 'the plan back in the tree', (rows) => rows.some((row) => row.startsWith(`${ids + 2} Feature branch task`)), 15_000);
  });

  it('installs the merge driver from the palette, and git then merges two branches\' new tasks with it, outside the editor', async () => {
    const page = vs.page();
    const workspace = vs.workspace();
    const git = (...args: string[]) => gitIn(workspace, ...args);
    assert.equal(git('commit', '-qam', 'merge feature').status, 0, 'the resolved merge is committed');
    await runCommand(page, 'Taskmaster: Install Git Merge Driver');
    const driver = await eventually('the driver in the repository\'s git config', () => git('config', '--local', 'merge.taskmaster-local.driver').stdout.trim() || undefined, 15_000);
    assert.match(driver, /merge-driver %O %A %B %P$/);
    assert.match(fs.readFileSync(path.join(workspace, '.gitattributes'), 'utf8'), /tasks\.json merge=taskmaster-local/);
    git('add', '.gitattributes');
    git('commit', '-qm', 'merge driver');

    const before = readTasks(workspace).master.tasks.length;
    addTaskOnBoth(workspace, 'second', { branch: 'Second branch task', main: 'Another main task' });
    const merge = git('merge', '--no-edit', 'second');
    assert.equal(merge.status, 0, `the driver merged: ${merge.stdout}${merge.stderr}`);
    const text = fs.readFileSync(path.join(workspace, TASKS_FILE), 'utf8');
    assert.doesNotMatch(text, /^(<<<<<<<|>>>>>>>)/m);
    const titles = JSON.parse(text).master.tasks.map((task: { title: string }) => task.title);
    assert.equal(titles.length, before + 2);
    assert.deepEqual(titles.slice(-2), ['Another main task', 'Second branch task']);
    await waitForRows(page, 'the merged plan in the tree', (rows) => rows.some((row) => / Second branch task\b/.test(row)), 15_000);
  });
});

/** The highest task id in master before the branches (the demo's own tasks, from the merge base). */
function readTasksCount(workspace: string): number {
  const base = spawnSync('git', ['show', `:1:${TASKS_FILE}`], { cwd: workspace, encoding: 'utf8' }).stdout;
  return Math.max(...JSON.parse(base).master.tasks.map((task: { id: number }) => task.id));
}
