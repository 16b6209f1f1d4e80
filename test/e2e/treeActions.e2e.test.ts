/**
 * End-to-end: the tree's context menu structure commands (Remove Task with Undo, Convert to Task,
 * Add Subtask, Move to Tag) in a real VS Code (code-server, see vscodeHarness.ts) with the packaged extension,
 * on a copy of demo/, asserting on tasks.json on disk. Needs a current build (node esbuild.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { copyDemo, readTasks, stagedSuite, TASKS_FILE, vscodeSession } from './stagedExtension';
import { clickNotificationButton, escapeRegExp, eventually, markdownPreview, openViewContainer, pickQuickPickItem, treeContextMenu, waitForInputBox, waitForRows, waitForSelectedRow } from './vscodeHarness';

describe('The tree\'s context menu in a real VS Code (code-server)', function () {
  this.timeout(60_000);
  const staged = stagedSuite('tree-actions');
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => ({ workspace: copyDemo(staged.scratch()) }),
  );
  const tasksFile = () => path.join(vs.workspace(), TASKS_FILE);

  before(async function () {
    this.timeout(60_000);
    await openViewContainer(vs.page(), 'Taskmaster');
    // Rows shown while the extension still activates may be refreshed under the test's clicks: wait for the view's progress bar to go.
    await waitForRows(vs.page(), 'the master tasks', (rows) => rows.some((row) => row.startsWith('13 ')), 30_000);
    await eventually('the view to finish loading', async () => ((await vs.page().locator('.part.sidebar .monaco-progress-container.active').count()) === 0 ? true : undefined), 30_000);
  });

  it('removes a task after one confirmation, and Undo puts the file back byte for byte', async () => {
    const before = fs.readFileSync(tasksFile(), 'utf8');
    const task = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 13)!;
    await treeContextMenu(vs.page(), `13 ${task.title}`, 'Remove Task…', 'Remove which tasks and subtasks?');
    await answerDialog(vs.page(), `Remove task 13 "${task.title}"?`, 'Remove');
    await eventually('task 13 gone from tasks.json', () => (readTasks(vs.workspace()).master.tasks.some((t) => t.id === 13) ? undefined : true));

    await clickNotificationButton(vs.page(), `Removed 13 "${task.title}".`, 'Undo');
    await eventually('tasks.json as it was', () => (fs.readFileSync(tasksFile(), 'utf8') === before ? true : undefined));
    await waitForRows(vs.page(), 'task 13 back in the tree', (rows) => rows.some((row) => row.startsWith(`13 ${task.title}`)));
  });

  it('converts a subtask to a task', async () => {
    const parent = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 4)!;
    const subtask = parent.subtasks!.find((candidate) => candidate.id === 3)!;
    const nextId = Math.max(...readTasks(vs.workspace()).master.tasks.map((t) => Number(t.id))) + 1;
    await treeContextMenu(vs.page(), `4.3 ${subtask.title}`, 'Convert to Task', 'Make which subtask a task?');
    const converted = await eventually(`task ${nextId} in tasks.json`, () => readTasks(vs.workspace()).master.tasks.find((t) => t.id === nextId));
    assert.equal(converted.title, subtask.title);
    assert.deepEqual(converted.dependencies, ['4.1', '4.2', 4], 'its sibling dependencies, spelled as task dependencies, and its old parent');
    const after = readTasks(vs.workspace()).master.tasks.find((t) => t.id === 4)!;
    assert.deepEqual(after.subtasks!.map((sub) => sub.id), [1, 2]);

    // The new task is last in master, maybe past Show More: the message opens it and selects its row.
    await clickNotificationButton(vs.page(), `Subtask 4.3 is now task ${nextId}.`, 'Show Task');
    await markdownPreview(vs.page(), `Task ${nextId}.md`, `${nextId} ${subtask.title}`);
    await waitForSelectedRow(vs.page(), `${nextId} ${subtask.title}`);
  });

  it('adds a subtask from a task\'s menu, and Show Task on its message opens it under its task', async () => {
    const parent = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 4)!;
    const id = `4.${Math.max(...parent.subtasks!.map((sub) => Number(sub.id))) + 1}`;
    const title = 'Write the upgrade notes';
    await treeContextMenu(vs.page(), `4 ${parent.title}`, 'Add Subtask…', 'Add a subtask to which task?');
    await (await waitForInputBox(vs.page(), 'New subtask (1/2): title')).accept(title);
    const description = await waitForInputBox(vs.page(), 'New subtask (2/2): description (optional)');
    const input = vs.page().locator('.quick-input-widget input.input');
    await input.fill('What changes for someone upgrading.');
    // A click elsewhere (into the editor area, as when copying text in) leaves the step open with what was typed.
    await vs.page().locator('.part.editor').click({ position: { x: 40, y: 40 }, force: true });
    await vs.page().waitForTimeout(500);
    assert.equal(await input.isVisible(), true, 'the step is still open after a click in the editor area');
    assert.equal(await input.inputValue(), 'What changes for someone upgrading.');
    await description.accept();
    const added = await eventually(`subtask ${id} in tasks.json`, () => readTasks(vs.workspace()).master.tasks.find((t) => t.id === 4)!.subtasks!.find((sub) => `4.${sub.id}` === id));
    assert.deepEqual([added.title, added.description, added.status], [title, 'What changes for someone upgrading.', 'pending']);

    await clickNotificationButton(vs.page(), `Added subtask ${id}: ${title}`, 'Show Task');
    await markdownPreview(vs.page(), `Task ${id}.md`, `${id} ${title}`);
    await waitForSelectedRow(vs.page(), `${id} ${title}`);
  });

  it('moves a task to another tag, dropping the dependency left behind when asked to; Undo, and Show Task', async () => {
    const task = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 7)!;
    assert.deepEqual(task.dependencies, [5], 'task 7 waits on task 5, which stays in master');
    const before = fs.readFileSync(tasksFile(), 'utf8');
    const move = async () => {
      await treeContextMenu(vs.page(), `7 ${task.title}`, 'Move to Tag…', 'Move which tasks to another tag?');
      await pickQuickPickItem(vs.page(), { placeholder: 'Move 7 from "master" to which tag?', label: 'homelab-ollama' });
      await answerDialog(vs.page(), 'Some of what moves to "homelab-ollama" depends on tasks that stay.', 'Drop Those Dependencies');
      const moved = await eventually('task 7 in homelab-ollama', () => readTasks(vs.workspace())['homelab-ollama'].tasks.find((t) => t.id === 7));
      assert.deepEqual(moved.dependencies, []);
      assert.equal(moved.title, task.title);
      assert.ok(!readTasks(vs.workspace()).master.tasks.some((t) => t.id === 7), 'gone from master');
    };
    const message = 'Moved 7 to tag "homelab-ollama".';
    await move();
    // Undo, beside Show Task on the same message, still puts the file back.
    await clickNotificationButton(vs.page(), message, 'Undo');
    await eventually('tasks.json as it was', () => (fs.readFileSync(tasksFile(), 'utf8') === before ? true : undefined));
    await waitForRows(vs.page(), 'task 7 back in master', (rows) => rows.some((row) => row.startsWith(`7 ${task.title}`)));

    await move();
    // Show Task finds it in the other tag: its view opens and its row under that tag is selected.
    await clickNotificationButton(vs.page(), message, 'Show Task');
    await markdownPreview(vs.page(), 'Task 7.md', `7 ${task.title}`);
    await waitForSelectedRow(vs.page(), `7 ${task.title}`);
  });
});

/** Answers the modal dialog that asks `message` with the button labelled `button`. */
async function answerDialog(page: Page, message: string, button: string): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok((await dialog.innerText()).includes(message), `the dialog asks "${message}", not: ${await dialog.innerText()}`);
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}
