/**
 * End-to-end: progress that follows the work, in a real VS Code (code-server, see vscodeHarness.ts)
 * running the packaged extension on a workspace that is a real git repository (a copy of demo/,
 * committed with simple-git). Commits are made from the test process as a user would in a
 * terminal; saves are made in the editor. The activity ledger is read from the extension's storage
 * in the session's user data, on a copy, so the test never touches the file VS Code writes.
 * One VS Code session; the tests run in order. Needs a current build (node esbuild.mjs). Failing
 * tests leave a screenshot and the VS Code logs in test-results/.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ActivityLedger, locateSqlWasm, type LedgerEvent } from '../../src/ledger';
import type { RawTask } from '../../src/core/task';
import { expectOnlyMarkedDone, packageExtension, readTasks, ROOT, TASKS_FILE, vscodeSession, type PackagedExtension, type TasksFile } from './stagedExtension';
import {
  clickNotificationButton,
  eventually,
  extensionHostPid,
  openFile,
  openViewContainer,
  pickQuickPickItem,
  runCommand,
  statusBarTexts,
  waitForRows,
  watchesFolder,
} from './vscodeHarness';

const EXTENSION_ID = 'taskmaster-local.taskmaster-local';
/** A file of the repository the commit touches, and one the editor saves (in the first commit). */
const COMMITTED_FILE = 'notes/caddy.md';
const SAVED_FILE = 'notes/runbook.md';

describe('Progress in a real VS Code on a git repository (code-server)', function () {
  this.timeout(60_000);
  let scratch = ''; // the .vsix, what it unpacks to, the repository and ledger copies
  let packaged: PackagedExtension;
  let git: SimpleGit;

  before(function () {
    this.timeout(60_000);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-e2e-progress-'));
    packaged = packageExtension(scratch);
  });
  after(() => scratch && fs.rmSync(scratch, { recursive: true, force: true }));

  const vs = vscodeSession(
    () => packaged.extensionDir,
    async () => {
      const workspace = fs.mkdtempSync(path.join(scratch, 'repo-'));
      fs.cpSync(path.join(ROOT, 'demo'), workspace, { recursive: true });
      fs.mkdirSync(path.join(workspace, 'notes'));
      fs.writeFileSync(path.join(workspace, COMMITTED_FILE), '# Caddy in front of Ollama\n');
      fs.writeFileSync(path.join(workspace, SAVED_FILE), '# Runbook\n\nRebuild a machine from the flake.\n');
      git = simpleGit({ baseDir: workspace });
      await git.init();
      await git.addConfig('user.name', 'Test User');
      await git.addConfig('user.email', 'test@example.invalid');
      await git.addConfig('commit.gpgsign', 'false');
      await git.add('.');
      await git.commit('Plan the home lab');
      return { workspace };
    },
  );

  /** Waits for a notification that `accept` likes; fails listing every notification seen. */
  const waitForNotification = async (accept: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> => {
    let seen: string[] = [];
    try {
      return await eventually(what, async () => (seen = await vs.notifications()).find(accept), timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; notifications seen:\n  ${seen.join('\n  ') || '(none)'}`);
    }
  };

  /** The ledger's events once `accept` finds what it waits for (the ledger writes within ~2 s). */
  const waitForLedger = async (what: string, accept: (events: LedgerEvent[]) => boolean, timeoutMs = 10_000): Promise<LedgerEvent[]> => {
    let events: LedgerEvent[] = [];
    try {
      return await eventually(what, async () => {
        events = await readLedger(vs.session().userDataDir, scratch);
        return accept(events) ? events : undefined;
      }, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the ledger holds:\n  ${events.map(eventText).join('\n  ') || '(nothing)'}`);
    }
  };

  it('a completing commit raises the suggestion and Mark done changes tasks.json', async () => {
    const page = vs.page();
    const workspace = vs.workspace();
    const file = path.join(workspace, TASKS_FILE);
    const before = fs.readFileSync(file, 'utf8');
    const original: TasksFile = JSON.parse(before);
    const task = pendingTask(original, 0);

    await openViewContainer(page, 'Taskmaster');
    await waitForRows(page, 'the master tasks', (rows) => rows.some((row) => row.startsWith(`${task.id} ${task.title},`)), 30_000); // the first view of a session: slow on a loaded machine
    // Commits made before the extension has read the history count as already seen, and a commit
    // is only noticed once .git/logs is watched: wait until the extension host watches it.
    const logs = path.join(workspace, '.git', 'logs');
    await eventually('the extension host to watch .git/logs', () => {
      const pid = extensionHostPid(vs.session().userDataDir);
      return pid !== undefined && watchesFolder(pid, logs) ? true : undefined;
    }, 20_000);

    fs.appendFileSync(path.join(workspace, COMMITTED_FILE), '\nreverse_proxy 127.0.0.1:11434, LAN only.\n');
    await git.add(COMMITTED_FILE);
    const commit = await git.commit(`Finish it, closes task ${task.id}`);
    const sha = (await git.revparse(['HEAD'])).trim();
    assert.ok(sha.startsWith(commit.commit), `the commit ${commit.commit} is HEAD ${sha}`);

    const message = `Commit ${sha.slice(0, 7)} says it completes ${task.id} "${task.title}". Mark it done?`;
    await waitForNotification((text) => text === message, `the notification '${message}'`);
    await clickNotificationButton(page, message, 'Mark done');

    await expectOnlyMarkedDone(workspace, task, before);
    // Mark done changed the plan and nothing else: no commit, no other file.
    assert.equal((await git.revparse(['HEAD'])).trim(), sha);
    assert.deepEqual((await git.status()).files.map((entry) => entry.path), [TASKS_FILE.split(path.sep).join('/')]);

    // The ledger has the commit against the task, and the status change the click made.
    await waitForLedger(`commit ${sha.slice(0, 7)} and ${task.id} → done in the ledger`, (events) =>
      events.some((event) => event.kind === 'commit' && event.taskId === String(task.id) && event.data.sha === sha && event.data.by === 'message') &&
      events.some((event) => event.kind === 'status' && event.taskId === String(task.id) && event.data.from === 'pending' && event.data.to === 'done'),
    );
  });

  it('saves in VS Code land in the ledger, against the active task', async () => {
    const page = vs.page();
    const task = pendingTask(readTasks(vs.workspace()), 1);
    const id = String(task.id);
    await openViewContainer(page, 'Taskmaster');

    await runCommand(page, 'Taskmaster: Start Task');
    await pickQuickPickItem(page, { placeholder: 'Start which task?', filter: task.title, label: `${id} ${task.title}` });
    // "$(play) <id> <title, cut at 30>": the icon renders as a glyph, so the text starts with the id.
    const title = task.title ?? '';
    const shortTitle = title.length > 30 ? `${title.slice(0, 29)}…` : title;
    let shown: string[] = [];
    await eventually(`the status bar to show the active task "${id} ${shortTitle}"`, async () => {
      shown = (await statusBarTexts(page)).filter((item) => item.id === `${EXTENSION_ID}.taskmasterLocal.activeTask`).map((item) => item.text);
      return shown.includes(`${id} ${shortTitle}`) ? true : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; its item shows ${JSON.stringify(shown)}`);
    });
    assert.equal(readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === task.id)?.status, 'in-progress');

    await openFile(page, path.basename(SAVED_FILE));
    const editor = page.locator('.part.editor .monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('x');
    await page.keyboard.press('Control+S');
    await eventually(`${SAVED_FILE} to be saved`, () => (fs.readFileSync(path.join(vs.workspace(), SAVED_FILE), 'utf8').endsWith('x') ? true : undefined));

    const events = await waitForLedger(`a save of ${SAVED_FILE} against ${id} in the ledger`, (all) =>
      all.some((event) => event.kind === 'save' && event.taskId === id && event.data.file === SAVED_FILE),
    );
    const save = events.find((event) => event.kind === 'save' && event.taskId === id)!;
    assert.equal(save.tag, 'master');
    assert.equal(save.data.reason, 'active task');
    assert.deepEqual(
      events.filter((event) => event.kind === 'save').map((event) => `${event.taskId} ${event.kind === 'save' ? event.data.file : ''}`),
      [`${id} ${SAVED_FILE}`],
      'one save, attributed to the active task only',
    );
    const started = events.filter((event) => event.kind === 'status' && event.taskId === id);
    assert.deepEqual(started.map((event) => event.kind === 'status' && `${event.data.from} → ${event.data.to}`), ['pending → in-progress']);
    assert.ok(started[0].at <= save.at, 'the start is recorded before the save');
  });

  it('a tag made with add-tag --from-branch becomes the current tag when its branch is checked out', async () => {
    const workspace = vs.workspace();
    const cli = path.join(ROOT, 'dist', 'cli.js');
    const main = (await git.branchLocal()).current;
    await git.checkoutLocalBranch('feature/login-page');
    const added = spawnSync(process.execPath, [cli, 'add-tag', '--from-branch', '--project', workspace], { encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    await git.checkout(main);
    // The extension may have seen the branch with its new mapping already and switched: start from master.
    const master = spawnSync(process.execPath, [cli, 'use-tag', 'master', '--project', workspace], { encoding: 'utf8' });
    assert.equal(master.status, 0, master.stderr);
    await eventually('the status bar on master', async () => (await statusBarTexts(vs.page())).find((item) => item.text.startsWith('master ')), 15_000);
    const stateFile = path.join(workspace, '.taskmaster', 'state.json');
    await git.checkout('feature/login-page');
    await eventually('the status bar on the branch\'s tag', async () => (await statusBarTexts(vs.page())).find((item) => item.text.startsWith('feature-login-page ')), 15_000);
    assert.equal(JSON.parse(fs.readFileSync(stateFile, 'utf8')).currentTag, 'feature-login-page');
  });
});

/** The index-th pending task of master without subtasks (the tests each take their own). */
function pendingTask(data: TasksFile, index: number): RawTask {
  const task = data.master.tasks.filter((candidate) => candidate.status === 'pending' && !candidate.subtasks?.length)[index];
  assert.ok(task, `the demo plan needs ${index + 1} pending tasks without subtasks`);
  return task;
}


/** <user-data>/User/workspaceStorage/<hash>/<extension id>/activity.sqlite, once it has been written. */
function findLedgerFile(userDataDir: string): string | undefined {
  const storage = path.join(userDataDir, 'User', 'workspaceStorage');
  const found = (fs.existsSync(storage) ? fs.readdirSync(storage) : [])
    .map((hash) => path.join(storage, hash, EXTENSION_ID, 'activity.sqlite'))
    .filter((file) => fs.existsSync(file) || fs.existsSync(`${file}.journal`));
  assert.ok(found.length <= 1, `one ledger, not ${found.join(', ')}`);
  return found[0];
}

/**
 * Every event in the session's ledger, oldest first, read from a copy: opening the live file
 * could move it aside if it looked unreadable, and the test must not change what VS Code owns.
 * The extension replaces the file atomically, so a copy is always a whole version.
 */
async function readLedger(userDataDir: string, scratch: string): Promise<LedgerEvent[]> {
  const file = findLedgerFile(userDataDir);
  if (!file) return [];
  const copy = path.join(fs.mkdtempSync(path.join(scratch, 'ledger-')), 'activity.sqlite');
  if (fs.existsSync(file)) fs.copyFileSync(file, copy);
  // Recent batches live in the journal beside the file until they are folded in.
  if (fs.existsSync(`${file}.journal`)) fs.copyFileSync(`${file}.journal`, `${copy}.journal`);
  const ledger = await ActivityLedger.open(copy, locateSqlWasm);
  try {
    assert.equal(ledger.openNotice, undefined, `the ledger copy reads: ${ledger.openNotice?.message}`);
    return ledger.recent(10_000).reverse();
  } finally {
    await ledger.close();
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

function eventText(event: LedgerEvent): string {
  return `${new Date(event.at).toISOString()} ${event.kind} ${event.tag ?? '-'} ${event.taskId ?? '-'} ${JSON.stringify(event.data)} (${event.source})`;
}
