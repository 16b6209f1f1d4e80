/**
 * End-to-end: a folder configured for a plan server (tml serve, started here on a free port) in a
 * real VS Code (code-server). The user connects with a token typed into the command's input box,
 * sees the server's plan in the tree, marks a task done there, and the server's tasks.json has it.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { copyDemo, readTasks, ROOT, run, stagedSuite, vscodeSession } from './stagedExtension';
import { eventually, openViewContainer, pickQuickPickItem, runCommand, treeContextMenu, waitForInputBox, waitForRows } from './vscodeHarness';

describe('A plan kept by a plan server, in a real VS Code (code-server)', function () {
  this.timeout(90_000);
  const staged = stagedSuite('remote-plan');
  let server: ChildProcess | undefined;
  let serverProject = '';
  let token = '';

  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    async () => {
      serverProject = copyDemo(staged.scratch());
      const tokensFile = path.join(staged.scratch(), 'tokens.json');
      const cli = path.join(ROOT, 'dist', 'cli.js');
      token = run(process.execPath, [cli, 'token', 'add', 'e2e', '--scope', 'write', '--tokens', tokensFile]).trim();
      server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--project', `demo=${serverProject}`, '--tokens', tokensFile], { stdio: ['ignore', 'pipe', 'inherit'] });
      const url = await new Promise<string>((resolve, reject) => {
        server!.once('exit', (code) => reject(new Error(`tml serve exited (${code})`)));
        readline.createInterface({ input: server!.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        });
      });
      const client = fs.mkdtempSync(path.join(staged.scratch(), 'client-'));
      fs.mkdirSync(path.join(client, '.vscode'));
      fs.writeFileSync(path.join(client, '.vscode', 'settings.json'), JSON.stringify({ 'taskmaster.planServer.url': url, 'taskmaster.planServer.project': 'demo' }));
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
});
