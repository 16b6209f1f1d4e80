/**
 * End-to-end: a folder configured for a plan server (tml serve, started here on a free port) in a
 * real VS Code (code-server). The user connects with a token typed into the command's input box,
 * sees the server's plan in the tree, marks a task done there, and the server's tasks.json has it;
 * then a change made on the server's machine, the server stopping, and Retry once it is back.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServeProcess } from '../support/serveProcess';
import { copyDemo, readTasks, ROOT, run, stagedSuite, vscodeSession } from './stagedExtension';
import { eventually, openViewContainer, pickQuickPickItem, runCommand, treeContextMenu, waitForInputBox, waitForRows } from './vscodeHarness';

describe('A plan kept by a plan server, in a real VS Code (code-server)', function () {
  this.timeout(90_000);
  const staged = stagedSuite('remote-plan');
  let server: ChildProcess | undefined;
  let serverProject = '';
  let token = '';
  let tokensFile = '';
  let serverUrl = '';
  const cli = path.join(ROOT, 'dist', 'cli.js');

  /** `tml serve` for the demo project on `port` (0: a free one); resolves with its URL once it listens. */
  const startServer = async (port: number, tokens: string) => {
    const started = await startServeProcess(cli, ['--port', String(port), '--project', `demo=${serverProject}`, '--tokens', tokens]);
    server = started.child;
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
      return { workspace: client };
    },
  );

  after(() => {
    server?.kill('SIGTERM');
  });

  it('connects with a token typed in, shows the served plan, and writes a status change into the server\'s tasks.json', async () => {
    const page = vs.page();
    await openViewContainer(page, 'Taskmaster');
    await runCommand(page, 'Taskmaster: Connect to Plan Server…');
    const urlBox = await waitForInputBox(page, 'Connect to Plan Server (1/3): URL');
    assert.match(urlBox.value, /^http:\/\/127\.0\.0\.1:\d+$/, 'the URL comes from the folder\'s setting');
    await urlBox.accept();
    await (await waitForInputBox(page, 'Connect to Plan Server (2/3): token')).accept(token);
    await pickQuickPickItem(page, { placeholder: /Which of .* projects does client-/, label: 'demo' });

    const task = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending')!;
    await waitForRows(page, 'the served plan in the tree', (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`)), 30_000);
    await treeContextMenu(page, `${task.id} ${task.title}`, 'Mark Done', 'Mark which task done?');
    await eventually(`task ${task.id} done in the server's tasks.json`, () => (readTasks(serverProject).master.tasks.find((candidate) => candidate.id === task.id)?.status === 'done' ? true : undefined), 15_000);
  });

  it('follows a change made on the server\'s machine; when the server stops, says so above the rows it keeps; Retry reconnects', async () => {
    const page = vs.page();
    const task = readTasks(serverProject).master.tasks.find((candidate) => candidate.status === 'pending')!;
    run(process.execPath, [cli, 'set-status', '--id', String(task.id), '--status', 'review', '--project', serverProject]);
    await waitForRows(page, `task ${task.id} in review, changed by tml on the server`, (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`) && /\breview\b/.test(row)), 15_000);

    const stopped = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    await stopped;
    const message = page.locator('.part.sidebar .tree-explorer-viewlet-tree-view > .message:not(.hide)');
    await eventually('the offline message above the rows', async () => ((await message.innerText().catch(() => '')).includes('Plan server unreachable') ? true : undefined), 45_000);
    await waitForRows(page, 'the last plan the server sent, still shown', (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title}`)));

    // Back on the port the folder's setting names.
    await startServer(Number(new URL(serverUrl).port), tokensFile);
    await runCommand(page, 'Taskmaster: Retry Plan Server Connection');
    await eventually('the offline message gone', async () => ((await message.innerText().catch(() => '')).includes('Plan server unreachable') ? undefined : true), 30_000);
  });
});
