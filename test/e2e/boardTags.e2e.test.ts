/**
 * End-to-end: the board's structural operations in a real VS Code (code-server, see
 * vscodeHarness.ts) with the packaged extension, on a copy of demo/: a card dragged onto another
 * tag's chip moves there as `task-master move --to-tag` moves it (asking first when dependencies
 * would stay behind), a removed card comes back byte for byte with Undo, a tag renamed from
 * its chip's menu is renamed in tasks.json through the tree's command, and a card dropped between
 * two cards of its column (or moved from its menu) takes another id as `tml move --from --to`
 * gives it. Needs a current build (node esbuild.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { copyDemo, openBoard, readTasks, stagedSuite, TASKS_FILE, tml, vscodeSession } from './stagedExtension';
import { clickNotificationButton, eventually, waitForInputBox } from './vscodeHarness';

const OTHER_TAG = 'homelab-ollama';

describe('The board\'s tags: moves, removal and renaming in a real VS Code (code-server)', function () {
  this.timeout(120_000);
  const staged = stagedSuite('board-tags');
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => ({ workspace: copyDemo(staged.scratch()), userSettings: { 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' } }),
  );

  let board: FrameLocator;
  before(async function () {
    this.timeout(150_000);
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

  // Master now holds 1–8 and 10–12 (9 and 13 moved away above). The in-progress column shows 4, then 10.
  it('moves a card dropped after the last card of its column to the next free id, as `tml move --from 4 --to 13`; Undo puts the file back', async () => {
    const file = path.join(vs.workspace(), TASKS_FILE);
    const before = fs.readFileSync(file, 'utf8');
    const title = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 4)?.title;
    await dropOnCard(board, '4', '10', 'lower');
    const after = await eventually('task 4 as task 13 in tasks.json', () => {
      const data = readTasks(vs.workspace());
      return data.master.tasks.some((candidate) => candidate.id === 13 && candidate.title === title) ? data : undefined;
    });
    assert.ok(!after.master.tasks.some((candidate) => candidate.id === 4), 'no task 4 any more');
    assert.deepEqual(after.master.tasks.find((candidate) => candidate.id === 8)?.dependencies, [13, 5], 'task 8 now waits on 13');
    // The CLI, given the same file and the same move, writes the same tasks.
    const cli = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-e2e-move-'));
    try {
      fs.mkdirSync(path.join(cli, '.taskmaster', 'tasks'), { recursive: true });
      fs.writeFileSync(path.join(cli, TASKS_FILE), before);
      tml(cli, 'move', '--from', '4', '--to', '13');
      assert.deepEqual(withoutTimestamps(readTasks(cli)), withoutTimestamps(after), 'the same file as tml move --from 4 --to 13');
    } finally {
      fs.rmSync(cli, { recursive: true, force: true });
    }
    await board.locator('[data-column="in-progress"] [data-task-id="13"]').waitFor({ state: 'visible', timeout: 10_000 });
    await clickNotificationButton(vs.page(), 'Moved task 4 to 13 in "master".', 'Undo', 30_000);
    await eventually('tasks.json as it was before the move', () => (fs.readFileSync(file, 'utf8') === before ? true : undefined));
  });

  it('moves a card from its menu to the id typed, refusing one a task has as task-master does; a refused drop says why', async () => {
    const file = path.join(vs.workspace(), TASKS_FILE);
    const title = readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 10)?.title;
    await board.locator('[data-task-id="10"]').focus();
    await board.locator('[data-task-id="10"]').press('m');
    await board.locator('[data-move-to-position]').click();
    const box = await waitForInputBox(vs.page(), `Move task 10 "${title}" to which id?`);
    assert.equal(box.value, '13', 'the id after every task is offered');
    await assert.rejects(box.accept('1'), /Task 1 already exists: move 10 to an id no task has/);
    await box.accept('9');
    const after = await eventually('task 10 as task 9 in tasks.json', () => {
      const data = readTasks(vs.workspace());
      return data.master.tasks.some((candidate) => candidate.id === 9 && candidate.title === title) ? data : undefined;
    });
    assert.ok(!after.master.tasks.some((candidate) => candidate.id === 10), 'no task 10 any more');
    assert.deepEqual(after.master.tasks.find((candidate) => candidate.id === 11)?.dependencies, [9], 'task 11 now waits on 9');
    assert.deepEqual(after.master.tasks.find((candidate) => candidate.id === 9)?.subtasks?.length, 4, 'its subtasks came along');

    // Before 4 no id is free (1–3 are taken): task-master refuses such a move, and so does the board.
    const unchanged = fs.readFileSync(file, 'utf8');
    await board.locator('[data-column="in-progress"] [data-task-id="9"]').waitFor({ state: 'visible', timeout: 10_000 });
    await dropOnCard(board, '9', '4', 'upper');
    const notice = board.locator('[data-notice="error"]', { hasText: 'Task 1 already exists: move 9 to an id no task has.' });
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(fs.readFileSync(file, 'utf8'), unchanged, 'nothing written');
  });
});

/** Drags card `id` onto the upper or lower edge of card `target` (before or after it). */
async function dropOnCard(board: FrameLocator, id: string, target: string, half: 'upper' | 'lower'): Promise<void> {
  const box = await board.locator(`[data-task-id="${target}"]`).boundingBox();
  assert.ok(box, `card ${target} is shown`);
  await board.locator(`[data-task-id="${id}"]`).dragTo(board.locator(`[data-task-id="${target}"]`), { targetPosition: { x: box.width / 2, y: half === 'upper' ? 4 : box.height - 4 } });
}

/** A tasks file without what a write stamps (updatedAt, the tags' metadata), to compare two writes. */
function withoutTimestamps(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data, (key, value) => (key === 'updatedAt' || key === 'metadata' ? undefined : value)));
}
