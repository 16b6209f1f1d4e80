/**
 * End-to-end: a folder configured for a plan server (tml serve, started here on a free port) in a
 * real VS Code (code-server). The user connects with a token typed into the command's input box,
 * sees the server's plan in the tree, marks a task done there, and the server's tasks.json has it;
 * VS Code's MCP support starts the server as an HTTP MCP server with that token; the status bar and
 * the board show the served plan, the board following the server's file; then a change made on the server's machine, the server stopping, and Retry once it is back; a
 * read token's edit refused; a revoked token; Disconnect.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServeProcess } from '../support/serveProcess';
import { copyDemo, openBoard, readTasks, ROOT, run, stagedSuite, tml, vscodeSession } from './stagedExtension';
import { clickNotificationButton, eventually, openViewContainer, pickQuickPickItem, runCommand, statusBarTexts, treeContextMenu, waitForInputBox, waitForRows, watchNotifications } from './vscodeHarness';

describe('A plan kept by a plan server, in a real VS Code (code-server)', function () {
  this.timeout(90_000);
  const staged = stagedSuite('remote-plan');
  let server: ChildProcess | undefined;
  /** The running server's JSON log lines. */
  let serverLog: string[] = [];
  let serverProject = '';
  let token = '';
  /** A read token, added in the read-token test and revoked in the one after it. */
  let reader = '';
  let tokensFile = '';
  let serverUrl = '';
  const cli = path.join(ROOT, 'dist', 'cli.js');

  /** `tml serve` for the demo project on `port` (0: a free one); resolves with its URL once it listens. */
  const startServer = async (port: number, tokens: string) => {
    const started = await startServeProcess(cli, ['--port', String(port), '--project', `demo=${serverProject}`, '--tokens', tokens]);
    server = started.child;
    serverLog = started.log;
    return started.url;
  };

  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    async () => {
      serverProject = copyDemo(staged.scratch());
      tokensFile = path.join(staged.scratch(), 'tokens.json');
      token = run(process.execPath, [cli, 'token', 'add', 'e2e', '--scope', 'write', '--tokens', tokensFile]).trim();
      serverUrl = await startServer(0, tokensFile);
      const client = fs.mkdtempSync(path.join(staged.scratch(), 'client-'));
      fs.mkdirSync(path.join(client, '.vscode'));
      fs.writeFileSync(path.join(client, '.vscode', 'settings.json'), JSON.stringify({ 'taskmaster.planServer.url': serverUrl, 'taskmaster.planServer.project': 'demo' }));
      // AI features on: VS Code's MCP support (agent mode's servers) is part of them.
      return { workspace: client, userSettings: { 'chat.disableAIFeatures': false } };
    },
  );

  after(() => {
    server?.kill('SIGTERM');
  });

  /** The message the Tasks view shows above its rows ('' when none: without one there is nothing to wait for). */
  const viewMessage = async () => {
    const message = vs.page().locator('.part.sidebar .tree-explorer-viewlet-tree-view > .message:not(.hide)');
    return (await message.count()) ? message.first().innerText({ timeout: 2000 }).catch(() => '') : '';
  };

  /** Connect to Plan Server… through its three steps, with `secret` typed as the token. */
  const connect = async (secret: string) => {
    const page = vs.page();
    await runCommand(page, 'Taskmaster: Connect to Plan Server…');
    await (await waitForInputBox(page, 'Connect to Plan Server (1/3): URL')).accept();
    await (await waitForInputBox(page, 'Connect to Plan Server (2/3): token')).accept(secret);
    await pickQuickPickItem(page, { placeholder: /Which of .* projects does client-/, label: 'demo' });
  };

  it('connects with a token typed in, shows the served plan, and writes a status change into the server\'s tasks.json', async () => {
    const page = vs.page();
    await openViewContainer(page, 'Taskmaster');
    await runCommand(page, 'Taskmaster: Connect to Plan Server…');
    const urlBox = await waitForInputBox(page, 'Connect to Plan Server (1/3): URL');
    assert.match(urlBox.value, /^http:\/\/127\.0\.0\.1:\d+$/, 'the URL comes from the folder\'s setting');
    await page.keyboard.press('Escape');
    await connect(token);

    const task = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending')!;
    await waitForRows(page, 'the served plan in the tree', (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`)), 30_000);
    await treeContextMenu(page, `${task.id} ${task.title}`, 'Mark Done', 'Mark which task done?');
    await eventually(`task ${task.id} done in the server's tasks.json`, () => (readTasks(serverProject).master.tasks.find((candidate) => candidate.id === task.id)?.status === 'done' ? true : undefined), 15_000);
  });

  it('offers the served plan to agent mode as an HTTP MCP server, which VS Code starts with the folder\'s token', async () => {
    const page = vs.page();
    // VS Code's MCP commands come with its chat features, which may still be starting.
    await runCommand(page, 'MCP: List Servers', 60_000);
    await pickQuickPickItem(page, { placeholder: 'Select an MCP Server', label: /^Taskmaster \(client-\w+, demo on plan server\)$/ });
    await pickQuickPickItem(page, { placeholder: /^Select action for 'Taskmaster \(client-\w+, demo on plan server\)'$/, label: 'Start Server' });
    // The editor's own store talks MCP too: the session to find is the one VS Code's client opened.
    const opened = await eventually('a session opened by VS Code\'s MCP client', () =>
      serverLog.map((line) => JSON.parse(line) as { msg?: string; token?: string; client?: string }).find((entry) => entry.msg === 'session opened' && !entry.client?.startsWith('taskmaster-local-editor ')),
    30_000);
    assert.equal(opened.token, 'e2e', 'with the token the folder was connected with');
    assert.match(opened.client ?? '', /^code-server /);
  });

  it('shows the served plan\'s next task in the status bar and its cards on the board, which follows a change made on the server\'s machine', async () => {
    const page = vs.page();
    const next = tml(serverProject, 'next') as { id: number; title: string };
    await eventually('the status bar naming the served plan\'s next task', async () => (await statusBarTexts(page)).find((item) => item.text.includes(`${next.id} ${next.title.slice(0, 20)}`)), 15_000);
    const board = await openBoard(page);
    const pending = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending' && candidate.id !== next.id)!;
    await board.locator(`[data-column="pending"] [data-task-id="${pending.id}"]`).waitFor({ state: 'attached', timeout: 15_000 });
    run(process.execPath, [cli, 'set-status', '--id', String(pending.id), '--status', 'review', '--project', serverProject]);
    await board.locator(`[data-column="review"] [data-task-id="${pending.id}"]`).waitFor({ state: 'attached', timeout: 15_000 });
    await runCommand(page, 'View: Close All Editors');
  });

  it('follows a change made on the server\'s machine; when the server stops, says so above the rows it keeps; Retry reconnects', async () => {
    const page = vs.page();
    const task = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending')!;
    run(process.execPath, [cli, 'set-status', '--id', String(task.id), '--status', 'review', '--project', serverProject]);
    await waitForRows(page, `task ${task.id} in review, changed by tml on the server`, (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`) && /\breview\b/.test(row)), 15_000);

    const stopped = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    await stopped;
    await eventually('the offline message above the rows', async () => ((await viewMessage()).includes('Plan server unreachable') ? true : undefined), 45_000);
    await waitForRows(page, 'the last plan the server sent, still shown', (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`)));

    // Back on the port the folder's setting names.
    await startServer(Number(new URL(serverUrl).port), tokensFile);
    await runCommand(page, 'Taskmaster: Retry Plan Server Connection');
    await eventually('the offline message gone', async () => ((await viewMessage()).includes('Plan server unreachable') ? undefined : true), 30_000);
  });

  it('refuses a read token\'s edit with what to do, and the row keeps the status the server has', async () => {
    const page = vs.page();
    const notifications = await watchNotifications(page);
    reader = run(process.execPath, [cli, 'token', 'add', 'reader', '--scope', 'read', '--tokens', tokensFile]).trim();
    await connect(reader);
    // Connect tries the token with a plain read first; the folder's store follows the plan over MCP.
    await eventually('the folder following the plan with the read token', async () => {
      const metrics = await fetch(`${serverUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } }).then((response) => response.text());
      return /tml_http_requests_total\{[^}]*route="mcp"[^}]*token="reader"[^}]*\}/.test(metrics) ? true : undefined;
    }, 15_000);
    const before = fs.readFileSync(path.join(serverProject, '.taskmaster', 'tasks', 'tasks.json'), 'utf8');
    const task = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending')!;
    await waitForRows(page, `task ${task.id} pending`, (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`) && /\bpending\b/.test(row)), 15_000);
    await treeContextMenu(page, `${task.id} ${task.title}`, 'Mark Done', 'Mark which task done?');
    const refusal = await eventually('the refusal', async () => (await notifications()).find((text) => text.includes('(403)')), 15_000);
    assert.match(refusal, /read token can only read.*write token/, 'it says what to do');
    assert.equal(fs.readFileSync(path.join(serverProject, '.taskmaster', 'tasks', 'tasks.json'), 'utf8'), before, 'the server\'s tasks.json is untouched');
    const rows = await waitForRows(page, `task ${task.id} still shown`, (shown) => shown.some((row) => row.startsWith(`${task.id} ${task.title}`)));
    assert.match(rows.find((row) => row.startsWith(`${task.id} ${task.title}`))!, /\bpending\b/, 'the refused edit is not shown as done');
    assert.equal(await viewMessage(), '', 'reading still works: no problem above the rows');
  });

  it('says a revoked token was refused, offers Connect, and Disconnect gives the folder its own plan back', async () => {
    const page = vs.page();
    const notifications = await watchNotifications(page);
    run(process.execPath, [cli, 'token', 'revoke', 'reader', '--tokens', tokensFile]);
    // The server re-reads its tokens file; the editor learns of it at its next request.
    await eventually('the server to refuse the revoked token', async () => {
      const response = await fetch(`${serverUrl}/plans/demo`, { headers: { Authorization: `Bearer ${reader}` } });
      return response.status === 401 ? true : undefined;
    }, 15_000);
    await runCommand(page, 'Taskmaster: Retry Plan Server Connection');
    await eventually('the refusal above the rows', async () => ((await viewMessage()).includes('refused the token') ? true : undefined), 15_000);
    await eventually('a notification with the fix', async () => ((await notifications()).some((text) => text.includes('refused the token (401)')) ? true : undefined), 10_000);
    await clickNotificationButton(page, /refused the token \(401\)/, 'Connect…');
    await waitForInputBox(page, 'Connect to Plan Server (1/3): URL');
    await page.keyboard.press('Escape'); // The offer leads to Connect; Disconnect instead.

    await runCommand(page, 'Taskmaster: Disconnect from Plan Server');
    await eventually('the folder back on its own plan', async () => ((await notifications()).some((text) => text.includes('uses its own .taskmaster/tasks/tasks.json again')) ? true : undefined), 15_000);
    // The folder has no tasks.json of its own: the view offers to start one.
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await eventually('the welcome for a folder without a plan', async () => ((await welcome.count()) && /No Task Master plan in this workspace yet/.test(await welcome.first().innerText()) ? true : undefined), 15_000);
    assert.equal(await viewMessage(), '', 'no plan server problem above the view');
    assert.deepEqual((await waitForRows(page, 'no rows', () => true)).filter((row) => /^\d+ /.test(row)), [], 'the served plan\'s rows are gone');
    const settings = JSON.parse(fs.readFileSync(path.join(vs.workspace(), '.vscode', 'settings.json'), 'utf8'));
    assert.equal(settings['taskmaster.planServer.url'], undefined, 'the folder\'s URL setting is cleared');
    assert.equal(settings['taskmaster.planServer.project'], undefined, 'the folder\'s project setting is cleared');
  });
});
