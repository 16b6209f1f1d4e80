/**
 * End-to-end (issue 14, "found when tried as a new user would"): in a real VS Code (code-server, see
 * vscodeHarness.ts) with the packaged extension and no reachable Ollama, the model status item
 * offers the fixes and an AI command says so before asking anything; a Problems entry of tasks.json
 * has a quick fix that rewrites the file and the task's row is marked; a window reload with a notification open logs no error.
 * Needs a current build (npm run build).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { copyDemo, readTasks, stagedSuite, TASKS_FILE, vscodeSession } from './stagedExtension';
import { eventually, openViewContainer, pickQuickPickItem, runCommand, statusBarTexts, waitForRows } from './vscodeHarness';
import { closeServer, listenOnFreeLocalPort } from '../support/localServer';

/** An address where nothing listens: a port taken and given back. */
async function refusedEndpoint(): Promise<string> {
  const server = http.createServer();
  const port = await listenOnFreeLocalPort(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

describe('Feel fixes: Ollama down, quick fixes (code-server)', function () {
  this.timeout(120_000);
  const staged = stagedSuite('feel-fixes');
  let endpoint = '';
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    async () => {
      endpoint = await refusedEndpoint();
      const workspace = copyDemo(staged.scratch());
      // Task 7 also waits on a task that does not exist: one error in Problems.
      const file = path.join(workspace, TASKS_FILE);
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      data.master.tasks.find((task: { id: number }) => task.id === 7).dependencies = [5, 99];
      fs.writeFileSync(file, JSON.stringify(data, null, 2));
      return { workspace, userSettings: { 'taskmaster.ollama.endpoint': endpoint } };
    },
  );

  before(async function () {
    this.timeout(60_000);
    await openViewContainer(vs.page(), 'Taskmaster');
  });

  it('the model status item, while Ollama is down, offers the fixes when clicked', async () => {
    const item = await eventually('the Ollama status item, disconnected', async () =>
      (await statusBarTexts(vs.page())).find((entry) => entry.id.endsWith('taskmasterLocal.ollama') && /not reachable/.test(entry.ariaLabel + entry.text) ? entry : undefined) ??
      (await statusBarTexts(vs.page())).find((entry) => entry.id.endsWith('taskmasterLocal.ollama')), 30_000);
    await vs.page().locator(`.part.statusbar [id="${item.id}"] a`).first().click();
    const input = vs.page().locator('.quick-input-widget input.input');
    await eventually('the fixes quick pick', async () => ((await input.getAttribute('placeholder')) === 'What would you like to do?' ? true : undefined), 15_000);
    const fixes = ['Set Ollama Endpoint…', 'Test Connection', 'Get Started', 'Open Log'];
    // A row's detail line is a label too: keep the titles.
    const labels = (await vs.page().locator('.quick-input-list .monaco-list-row .label-name').allTextContents()).map((label) => label.trim());
    assert.deepEqual(labels.filter((label) => fixes.includes(label)), fixes);
    assert.match(await vs.page().locator('.quick-input-widget .quick-input-title').textContent() ?? '', new RegExp(`not reachable at ${endpoint.replace(/[.]/g, '\\.')}`));
    await pickQuickPickItem(vs.page(), { placeholder: 'What would you like to do?', label: 'Test Connection' });
    await eventually('Test Connection to say Ollama does not answer', async () => ((await vs.notifications()).some((text) => text.startsWith(`Ollama does not answer at ${endpoint}`)) ? true : undefined), 20_000);
  });

  it('an AI command says Ollama is unreachable before asking anything', async () => {
    await vs.page().keyboard.press('Escape');
    await runCommand(vs.page(), 'Taskmaster: Add Task with AI…', 30_000);
    await eventually('the unreachable notice', async () => ((await vs.notifications()).some((text) => text.startsWith(`Ollama is not reachable at ${endpoint}`)) ? true : undefined), 20_000);
    assert.equal(await vs.page().locator('.quick-input-widget .quick-input-title', { hasText: 'Add a task with AI' }).isVisible(), false, 'no question was asked');
  });

  it('marks the row of a task with a problem, once the plan loaded at startup has been checked', async () => {
    // Checked just after the first rows are shown, so the marker may come a moment after the row.
    const rows = await waitForRows(vs.page(), 'task 7 marked with its problem', (shown) => shown.some((row) => row.startsWith('7 ') && row.includes('⚠ 1 problem')), 15_000);
    assert.ok(!rows.some((row) => row.startsWith('5 ') && row.includes('⚠')), 'task 5 has no problem and no marker');
  });

  it('a Problems entry of tasks.json has a quick fix that rewrites the file', async () => {
    const page = vs.page();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'depends on task 99' }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    await page.locator('.part.editor .tab.active[data-resource-name="tasks.json"]').waitFor({ state: 'visible', timeout: 15_000 });
    const fix = page.locator('.monaco-list-row', { hasText: "Remove 7's dependency on missing 99" }).first();
    await eventually('the quick fix menu', async () => {
      if (await fix.isVisible()) return true;
      await runCommand(page, 'Quick Fix...');
      return await fix.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => undefined);
    }, 40_000);
    await fix.click();
    await eventually('task 7 to depend on 5 only', () => (JSON.stringify(readTasks(vs.workspace()).master.tasks.find((task) => task.id === 7)?.dependencies) === '[5]' ? true : undefined), 15_000);
    await row.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('marks a row when a change made outside VS Code gives its task a problem', async () => {
    const page = vs.page();
    await openViewContainer(page, 'Taskmaster');
    const data = readTasks(vs.workspace());
    const task = data.master.tasks.find((candidate) => candidate.id === 5)!;
    task.dependencies = [...(task.dependencies ?? []), 98];
    fs.writeFileSync(path.join(vs.workspace(), TASKS_FILE), JSON.stringify(data, null, 2));
    // The change's rows are compared first; its check, and with it the marker, follows a moment later.
    await waitForRows(page, 'task 5 marked with its new problem', (shown) => shown.some((line) => line.startsWith('5 ') && line.includes('⚠ 1 problem')), 15_000);
  });

  // Last: it reloads the window.
  it('a window reload with the Show Next Task notification open logs no "Channel has been closed" error', async () => {
    const page = vs.page();
    await page.keyboard.press('Escape');
    await runCommand(page, 'Taskmaster: Show Next Task');
    await eventually('the next task notification', async () => ((await vs.notifications()).some((text) => text.includes('Next task')) ? true : undefined), 20_000);
    await runCommand(page, 'Developer: Reload Window');
    await openViewContainer(page, 'Taskmaster', 60_000);
    await eventually('the reloaded window\'s activation', async () => (logLines(vs.session().logsDir).filter((line) => /Activated in/.test(line)).length >= 2 ? true : undefined), 60_000);
    assert.deepEqual(channelClosedErrors(vs.session().logsDir), []);
  });
});

/**
 * The "Channel has been closed" errors of the session's logs (both windows' extension hosts), each
 * with the stack lines after it; those raised inside VS Code's built-in extensions (the JSON
 * language client of an open tasks.json) are theirs, not this extension's.
 */
function channelClosedErrors(dir: string): string[] {
  return logFiles(dir)
    .flatMap(({ name, lines }) => lines.flatMap((line, i) => (/Channel has been closed/.test(line) ? [`${name}: ${lines.slice(i, i + 12).join(' | ')}`] : [])))
    .filter((error) => !/lib\/vscode\/extensions\//.test(error));
}

function logLines(dir: string): string[] {
  return logFiles(dir).flatMap(({ lines }) => lines);
}

/** Every log of the session, as lines. */
function logFiles(dir: string): Array<{ name: string; lines: string[] }> {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.log'))
    .map((entry) => ({ name: entry.name, lines: fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split('\n') }));
}
