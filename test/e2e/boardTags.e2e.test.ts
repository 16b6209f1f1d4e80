/**
 * End-to-end: the board's structural operations in a real VS Code (code-server, see
 * vscodeHarness.ts) with the packaged extension, on a copy of demo/: a card dragged onto another
 * tag's chip moves there as `task-master move --to-tag` moves it (asking first when dependencies
 * would stay behind), a removed card comes back byte for byte with Undo, and a tag renamed from
 * its chip's menu is renamed in tasks.json through the tree's command. Needs a current build
 * (node esbuild.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { copyDemo, openBoard, readTasks, stagedSuite, TASKS_FILE, vscodeSession } from './stagedExtension';
import { clickNotificationButton, eventually, waitForInputBox } from './vscodeHarness';

const OTHER_TAG = 'homelab-ollama';

describe('The board\'s tags: moves, removal and renaming in a real VS Code (code-server)', function () {
  this.timeout(60_000);
  const staged = stagedSuite('board-tags');
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => ({ workspace: copyDemo(staged.scratch()), userSettings: { 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' } }),
  );

  let board: FrameLocator;
  before(async function () {
    this.timeout(60_000);
    board = await openBoard(vs.page());
  });

  it('moves a card to another tag when it is dropped on that tag\'s chip, stamped as Task Master stamps a move', async () => {
    const before = readTasks(vs.workspace());
    // Task 9 depends on nothing and its id is free in the other tag: the move needs no question.
    const task = before.master.tasks.find((candidate) => candidate.id === 9);
    assert.ok(task && !task.dependencies?.length && !before[OTHER_TAG].tasks.some((candidate) => candidate.id === 9), 'the demo plan has a task 9 free to move');
    await board.locator('[data-task-id="9"]').dragTo(board.locator(`[data-tag-chip="${OTHER_TAG}"]`));
    const after = await eventually(`task 9 in tag "${OTHER_TAG}" in tasks.json`, () => {
      const data = readTasks(vs.workspace());
      return data[OTHER_TAG].tasks.some((candidate) => candidate.id === 9) ? data : undefined;
    });
    assert.ok(!after.master.tasks.some((candidate) => candidate.id === 9), 'gone from master');
    const moved = after[OTHER_TAG].tasks.find((candidate) => candidate.id === 9)!;
    assert.equal(moved.tag, OTHER_TAG);
    const history = (moved.metadata as { moveHistory: Array<{ fromTag: string; toTag: string; timestamp: string }> }).moveHistory;
    assert.deepEqual(history.map(({ fromTag, toTag }) => ({ fromTag, toTag })), [{ fromTag: 'master', toTag: OTHER_TAG }]);
    assert.ok(Date.parse(history[0].timestamp) > Date.parse(before.master.metadata.updated), `moved at ${history[0].timestamp}`);
    await board.locator('[data-task-id="9"]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('asks before a move that would leave dependencies behind, and drops them when told to', async () => {
    // Task 13 depends on 6, which stays in master.
    assert.deepEqual(readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 13)?.dependencies, [6]);
    await board.locator('[data-task-id="13"]').dragTo(board.locator(`[data-tag-chip="${OTHER_TAG}"]`));
    const dialog = vs.page().locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), /13 depends on 6/);
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Drop Those Dependencies$/ }).click();
    const moved = await eventually(`task 13 in tag "${OTHER_TAG}"`, () => readTasks(vs.workspace())[OTHER_TAG].tasks.find((candidate) => candidate.id === 13));
    assert.deepEqual(moved.dependencies, []);
    assert.ok(readTasks(vs.workspace()).master.tasks.some((candidate) => candidate.id === 6), 'what it depended on stays');
  });

  it('removes a card after a confirmation, and Undo gives tasks.json back byte for byte', async () => {
    const file = path.join(vs.workspace(), TASKS_FILE);
    const before = fs.readFileSync(file, 'utf8');
    // Task 10 has subtasks, and task 11 depends on it: the removal changes more than one task.
    await board.locator('[data-task-id="10"]').focus();
    await board.locator('[data-task-id="10"]').press('m');
    await board.locator('[data-remove-task]').click();
    const dialog = vs.page().locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), /Remove task 10 ".+" and its 4 subtasks\?/);
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Remove$/ }).click();
    await eventually('task 10 removed from tasks.json', () => (readTasks(vs.workspace()).master.tasks.some((candidate) => candidate.id === 10) ? undefined : true));
    assert.deepEqual(readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 11)?.dependencies, [], 'the dependency on 10 went with it');
    await clickNotificationButton(vs.page(), /^Removed task 10 /, 'Undo', 30_000);
    await eventually('tasks.json as it was before the removal', () => (fs.readFileSync(file, 'utf8') === before ? true : undefined));
    await board.locator('[data-task-id="10"]').waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('renames a tag from its chip\'s menu with the tree\'s command: tasks.json and the chip have the new name', async () => {
    const renamed = 'homelab-local';
    const before = readTasks(vs.workspace())[OTHER_TAG];
    await board.locator(`[data-tag-chip="${OTHER_TAG}"]`).click({ button: 'right' });
    await board.locator('[data-tag-menu] [data-tag-action="rename"]').click();
    const box = await waitForInputBox(vs.page(), `Rename tag "${OTHER_TAG}" to`);
    assert.equal(box.value, OTHER_TAG, 'the chip\'s tag is the one renamed, without a question which');
    await box.accept(renamed);
    const after = await eventually(`tag "${renamed}" in tasks.json`, () => {
      const data = readTasks(vs.workspace());
      return data[renamed] ? data : undefined;
    });
    assert.equal(after[OTHER_TAG], undefined, 'the old name is gone');
    assert.deepEqual(after[renamed].tasks.map((task) => task.id), before.tasks.map((task) => task.id), 'with its tasks');
    await board.locator(`[data-tag-chip="${renamed}"]`).waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await board.locator(`[data-tag-chip="${OTHER_TAG}"]`).count(), 0);
  });
});
