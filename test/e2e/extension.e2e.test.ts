/**
 * End-to-end: the extension as it ships (packaged with vsce, unpacked as an install does) in a real
 * VS Code (code-server driven by headless Chromium, see vscodeHarness.ts), on copies of demo/.
 * Needs a current build (node esbuild.mjs; npm test builds first). Failing tests leave a screenshot
 * and the VS Code logs in test-results/. TML_UPDATE_SCREENSHOTS=1 refreshes the README screenshot.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { SuiteResult } from '../extension/suite';
import { copyDemo, ROOT, packageExtension, tml, vscodeSession as stagedSession, type SessionSetup } from './stagedExtension';
import { eventually, findExthostLog, openViewContainer, pickQuickPickItem, runCommand, statusBarTexts, waitForRows, waitForSelectedRow } from './vscodeHarness';
import type { RawTask } from '../../src/core/task';
import { expectOnlyMarkedDone, readTasks, TASKS_FILE, type TasksFile } from './stagedExtension';

const README_SCREENSHOT = path.join(ROOT, 'resources', 'screenshots', 'tree.png');
const EXTHOST_SUITE = path.join(ROOT, 'dist', 'test', 'extension', 'suite.js');
const HOST_RUNNER = path.join(ROOT, 'test', 'extension', 'hostRunner');
const EXTENSION_ID = 'taskmaster-local.taskmaster-local';


describe('Taskmaster Local in a real VS Code (code-server)', function () {
  this.timeout(60_000);
  let scratch = ''; // workspaces, the .vsix and what it unpacks to
  let packaged: { extensionDir: string; vsixBytes: number };

  before(function () {
    this.timeout(60_000);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-e2e-test-'));
    packaged = packageExtension(scratch, [EXTHOST_SUITE]);
  });
  after(() => scratch && fs.rmSync(scratch, { recursive: true, force: true }));

  describe('on the demo plan', () => {
    const vs = vscodeSession(() => ({ workspace: copyDemo(scratch) }));

    it('shows the tags, the current tag\'s tasks and the next task in the Taskmaster view', async () => {
      await openViewContainer(vs.page(), 'Taskmaster');
      const data = readTasks(vs.workspace());
      const next = tml(vs.workspace(), 'next') as RawTask | null;
      assert.ok(next, 'the demo plan has a next task');
      const expected = [
        tagLabel('master', data.master.tasks, true),
        ...data.master.tasks.map((task) => rowLabel(task, String(task.id) === String(next.id), waitingOn(task, data.master.tasks))),
        tagLabel('homelab-ollama', data['homelab-ollama'].tasks, false),
      ];
      const rows = await waitForRows(vs.page(), 'every master task and both tags', (shown) => expected.every((row) => shown.includes(row)));
      assert.deepEqual(rows.filter((row) => expected.includes(row)), expected, 'rows in file order');
      assert.deepEqual(rows.filter((row) => row.includes('▶ next')), [rowLabel(next, true, waitingOn(next, data.master.tasks))]);
      for (const task of data['homelab-ollama'].tasks) assert.ok(!rows.includes(rowLabel(task)), 'the other tag stays collapsed');
      await saveReadmeScreenshot(vs.page());
    });

    it('installs from a .vsix under 2 MB and activates without errors', async () => {
      assert.ok(packaged.vsixBytes < 2 * 1024 * 1024, `the .vsix has ${packaged.vsixBytes} bytes`);
      const log = await eventually('the activation in the extension host log', () => {
        const text = readIfExists(findExthostLog(vs.session().userDataDir));
        return text.includes(`ExtensionService#_doActivateExtension ${EXTENSION_ID}`) ? text : undefined;
      });
      assert.doesNotMatch(log, new RegExp(`Activating extension ${EXTENSION_ID.replace(/\./g, '\\.')} failed`));
    });

    it('sets a status from the palette and writes only that change to tasks.json', async () => {
      const file = path.join(vs.workspace(), TASKS_FILE);
      const before = fs.readFileSync(file, 'utf8');
      const original: TasksFile = JSON.parse(before);
      const task = original.master.tasks.find((candidate) => candidate.status === 'pending' && !candidate.subtasks?.length);
      assert.ok(task, 'the plan needs a pending task without subtasks');
      await openViewContainer(vs.page(), 'Taskmaster');

      await runCommand(vs.page(), 'Taskmaster: Set Status…');
      await pickQuickPickItem(vs.page(), { placeholder: 'Set the status of which task?', filter: task.title, label: `${task.id} ${task.title}` });
      await pickQuickPickItem(vs.page(), { placeholder: `Status of ${task.id} ${task.title}`, label: 'done' });

      await expectOnlyMarkedDone(vs.workspace(), task, before);

      await waitForRows(vs.page(), `the row of task ${task.id} to say done`, (rows) => rows.includes(rowLabel({ ...task, status: 'done' })));
    });

    it('shows an edit made outside VS Code within a few seconds', async () => {
      await openViewContainer(vs.page(), 'Taskmaster');
      const data = readTasks(vs.workspace());
      const renamed = data.master.tasks.find((task) => task.status === 'done')!;
      renamed.title = `${renamed.title} (pinned to 25.11)`;
      const added = deferredTask(data.master.tasks, 'Write the home lab runbook', 'How to rebuild every machine from the flake, for the next disk failure.');
      data.master.tasks.push(added);
      // As task-master writes it: in place, JSON.stringify with two spaces.
      fs.writeFileSync(path.join(vs.workspace(), TASKS_FILE), JSON.stringify(data, null, 2));
      await waitForRows(vs.page(), 'the renamed and the added task', (rows) => rows.includes(rowLabel(renamed)) && rows.includes(rowLabel(added)), 5000);
    });

    it('catches up on an edit made while the Taskmaster view was hidden', async () => {
      const page = vs.page();
      await openViewContainer(page, 'Taskmaster');
      const data = readTasks(vs.workspace());
      const next = tml(vs.workspace(), 'next') as RawTask | null;
      assert.ok(next, 'the plan has a next task');
      // The next task's title shows in the status bar; its top-level task (itself, or its parent) has a row.
      const [parentId, subtaskId] = String(next.id).split('.');
      const renamed = data.master.tasks.find((task) => String(task.id) === parentId)!;
      const subtask = renamed.subtasks?.find((candidate) => String(candidate.id) === subtaskId);
      renamed.title = 'Renamed while the view was hidden';
      if (subtask) subtask.title = 'Its subtask, renamed too';
      const title = subtask ? 'Its subtask, renamed too' : renamed.title;
      await openViewContainer(page, 'Explorer');
      fs.writeFileSync(path.join(vs.workspace(), TASKS_FILE), JSON.stringify(data, null, 2));
      // The status bar follows the plan whatever the sidebar shows: the change has been read.
      await eventually('the status bar to name the renamed next task', async () => (await statusBarTexts(page)).find((item) => item.text.includes(title)));
      await openViewContainer(page, 'Taskmaster');
      const row = rowLabel(renamed, !subtask, waitingOn(renamed, data.master.tasks));
      await waitForRows(page, 'the renamed row', (rows) => rows.includes(row), 5000);
    });

    it('shows and selects a task added while the Taskmaster view was hidden', async () => {
      const page = vs.page();
      await openViewContainer(page, 'Taskmaster');
      const data = readTasks(vs.workspace());
      const added = deferredTask(data.master.tasks, 'Added while the view was hidden', 'A row VS Code has not been told of when Show Task reveals it.');
      data.master.tasks.push(added);
      await openViewContainer(page, 'Explorer');
      fs.writeFileSync(path.join(vs.workspace(), TASKS_FILE), JSON.stringify(data, null, 2));
      await runCommand(page, 'Taskmaster: Show Task');
      // The picker lists the task once the extension has read the change.
      await pickQuickPickItem(page, { placeholder: 'Show which task?', filter: added.title, label: `${added.id} ${added.title}` });
      await waitForSelectedRow(page, `${added.id} ${added.title}`, 10_000);
    });

    it('"Show Next Task" names the task that tml next picks', async () => {
      const next = tml(vs.workspace(), 'next') as RawTask | null;
      assert.ok(next, 'the plan has a next task');
      await runCommand(vs.page(), 'Taskmaster: Show Next Task');
      await eventually(`a notification "Next task ${next.id}: ${next.title} …"`, async () =>
        (await vs.notifications()).find((text) => text.startsWith(`Next task ${next.id}: ${next.title} (`)),
      );
    });
  });

  describe('with a tasks.json that does not parse', () => {
    // A comma missing after task 6's title: the parser stops at the next key, one line down.
    const marker = '"title": "Benchmark tokens per second on grey-area",';
    let broken = '';
    const vs = vscodeSession(() => {
      const workspace = copyDemo(scratch);
      const file = path.join(workspace, TASKS_FILE);
      broken = fs.readFileSync(file, 'utf8').replace(marker, marker.slice(0, -1));
      fs.writeFileSync(file, broken);
      return { workspace };
    });

    it('shows one error row with line and column, and never writes the file', async () => {
      const lines = broken.split('\n');
      const line = lines.findIndex((text) => text.includes(marker.slice(0, -1))) + 2;
      const column = lines[line - 1].search(/\S/) + 1;
      await openViewContainer(vs.page(), 'Taskmaster');
      const rows = await waitForRows(vs.page(), 'the error row', (shown) => shown.length > 0);
      assert.equal(rows.length, 1, `one row, not ${JSON.stringify(rows)}`);
      assert.ok(rows[0].includes(`line ${line}, column ${column}`), `"${rows[0]}" names line ${line}, column ${column}`);

      // A command that would write refuses and says why.
      await runCommand(vs.page(), 'Taskmaster: Mark Done');
      await eventually('a notification that tasks.json cannot be read', async () => (await vs.notifications()).find((text) => text.includes('cannot be read')));
      assert.equal(fs.readFileSync(path.join(vs.workspace(), TASKS_FILE), 'utf8'), broken);
    });
  });

  describe('in a folder without a plan', () => {
    const vs = vscodeSession(() => ({ workspace: fs.mkdtempSync(path.join(scratch, 'empty-')) }));

    it('offers "Initialize Taskmaster", which lays out .taskmaster/ and replaces the welcome view', async () => {
      await openViewContainer(vs.page(), 'Taskmaster');
      const welcome = vs.page().locator('.part.sidebar .welcome-view-content');
      await welcome.getByRole('button', { name: 'Initialize Taskmaster' }).click({ timeout: 15_000 });

      const dir = path.join(vs.workspace(), '.taskmaster');
      const [tasks, config, state] = await eventually('tasks.json, config.json and state.json', () => {
        const files = [TASKS_FILE, path.join('.taskmaster', 'config.json'), path.join('.taskmaster', 'state.json')].map((file) => path.join(vs.workspace(), file));
        return files.every((file) => fs.existsSync(file)) ? files.map((file) => JSON.parse(fs.readFileSync(file, 'utf8'))) : undefined;
      });
      assert.deepEqual(tasks.master.tasks, []);
      assert.equal(state.currentTag, 'master');
      assert.ok(config.models?.main, `config.json names a main model: ${JSON.stringify(config)}`);
      for (const sub of ['docs', 'reports', 'templates']) assert.ok(fs.existsSync(path.join(dir, sub)), `.taskmaster/${sub}/`);

      await welcome.waitFor({ state: 'hidden', timeout: 10_000 });
      await waitForRows(vs.page(), 'the hint to add a task', (rows) => rows.some((row) => row.includes('no tasks yet')));
      await eventually('the "Initialized Taskmaster" notification', async () => (await vs.notifications()).find((text) => text.startsWith('Initialized Taskmaster in ')));
    });
  });

  describe('the extension-host suite', () => {
    let resultsFile = '';
    // The host runner starts the suite as soon as VS Code has started; the test waits for its results.
    const hostSession = vscodeSession(() => {
      resultsFile = path.join(scratch, 'exthost-results.json');
      return {
        workspace: copyDemo(scratch),
        extraExtensionPaths: [HOST_RUNNER],
        env: { TML_EXTHOST_SUITE: EXTHOST_SUITE, TML_EXTHOST_RESULTS: resultsFile },
        // Language-model tools are part of VS Code's AI features: the suite invokes ours.
        userSettings: { 'chat.disableAIFeatures': false },
      };
    });

    it('passes inside code-server, a tool that changes the plan asking first', async () => {
      // The suite invokes a tool that changes tasks.json: VS Code asks the user in a dialog, which
      // only a user (this test) can answer.
      const confirmed: string[] = [];
      const dialog = hostSession.page().locator('.monaco-dialog-box');
      const result = await eventually(
        `the suite's results in ${resultsFile}`,
        async () => {
          if (await dialog.isVisible()) {
            confirmed.push(await dialog.innerText());
            await dialog.locator('.dialog-buttons .monaco-button').filter({ hasNotText: /^Cancel$/ }).first().click();
          }
          return fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResult) : undefined;
        },
        60_000,
      );
      assert.ok(confirmed.some((text) => text.includes('Taskmaster: Set task status')), `a confirmation before the tool changed the plan; dialogs seen: ${JSON.stringify(confirmed)}`);
      if (result.failed > 0) {
        assert.fail(`${result.failed} of ${result.passed + result.failed} extension-host tests failed:\n\n${result.failures.map((failure) => `${failure.title}:\n${failure.message}`).join('\n\n')}`);
      }
      assert.ok(result.passed >= 5, `only ${result.passed} extension-host tests ran`);
    });
  });

  /** One VS Code with the packaged extension for the tests of a describe block (see stagedExtension.ts). */
  function vscodeSession(setup: () => SessionSetup) {
    return stagedSession(() => packaged.extensionDir, setup);
  }
});


function readIfExists(file: string | undefined): string {
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** What `tml next --json` answers for the workspace: the task, or null when none is ready. */
/** The dependencies of a pending top-level task that are not done: the row says it is blocked by them. */
/** A new task numbered after `tasks`; deferred, so never the next task and no other row changes. */
function deferredTask(tasks: RawTask[], title: string, description: string): RawTask {
  const id = Math.max(...tasks.map((task) => Number(task.id))) + 1;
  return { id, title, description, details: '', testStrategy: '', priority: 'low', dependencies: [], status: 'deferred', subtasks: [] };
}

function waitingOn(task: RawTask, tasks: RawTask[]): string[] {
  if (task.status !== 'pending') return [];
  return (task.dependencies ?? []).map(String).filter((dep) => tasks.find((other) => String(other.id) === dep)?.status !== 'done');
}

/** A tag row: its name, how many of its tasks are done, and whether it is the current tag. */
function tagLabel(name: string, tasks: RawTask[], current: boolean): string {
  const done = tasks.filter((task) => task.status === 'done').length;
  return `${name} ${done}/${tasks.length} done${current ? ' · current tag' : ''}`;
}

/** A task's tree row as its aria-label reads: "<id> <title>, [▶ next · ]<status>[ · <priority>][ · blocked by <ids>]" (subtasks show no priority). */
function rowLabel(task: RawTask, next = false, blockedBy: string[] = []): string {
  const isSubtask = String(task.id).includes('.');
  const parts = [...(next ? ['▶ next'] : []), task.status, ...(isSubtask ? [] : [task.priority ?? 'medium']), ...(blockedBy.length ? [`blocked by ${blockedBy.join(', ')}`] : [])];
  return `${task.id} ${task.title}, ${parts.join(' · ')}`;
}

/**
 * The README's picture of the tree (resources/screenshots/tree.png): taken when missing or when
 * TML_UPDATE_SCREENSHOTS=1, with the sidebar widened so titles are not cut off.
 */
async function saveReadmeScreenshot(page: Page): Promise<void> {
  if (process.env.TML_UPDATE_SCREENSHOTS !== '1' && fs.existsSync(README_SCREENSHOT)) return;
  const sidebar = page.locator('.part.sidebar');
  const box = (await sidebar.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y); // the sash on the sidebar's right edge
  await page.mouse.down();
  await page.mouse.move(640, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(1000, 600); // away from rows and the activity bar: no hover, no tooltip
  const rows = page.locator('.part.sidebar .monaco-list-row');
  const last = (await rows.last().boundingBox())!;
  const wide = (await sidebar.boundingBox())!;
  fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
  await page.screenshot({ path: README_SCREENSHOT, clip: { x: 0, y: wide.y, width: wide.x + wide.width, height: last.y + last.height + 12 - wide.y } });
}
