/**
 * The extension as the end-to-end tests run it: packaged with vsce, unpacked as an install does,
 * and one VS Code (code-server, see vscodeHarness.ts) per describe block on a prepared workspace.
 * Shared by the *.e2e.test.ts files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, launchVSCode, runCommand, screenshotOnFailure, watchNotifications, type LaunchOptions, type VSCodeSession } from './vscodeHarness';
import type { FrameLocator, Page } from 'playwright-core';
import type { RawTask } from '../../src/core/task';

/** tasks.json as the tests read it back from disk. */
export type TasksFile = Record<string, { tasks: RawTask[]; metadata: Record<string, string> }>;

export const TASKS_FILE = path.join('.taskmaster', 'tasks', 'tasks.json');

export function readTasks(workspace: string): TasksFile {
  return JSON.parse(fs.readFileSync(path.join(workspace, TASKS_FILE), 'utf8'));
}

/**
 * Waits until a task is done in tasks.json, then checks that nothing else changed: with the status
 * and the tag's `metadata.updated` put back, the file equals `before` byte for byte.
 */
export async function expectOnlyMarkedDone(workspace: string, task: RawTask, before: string): Promise<void> {
  const original: TasksFile = JSON.parse(before);
  const after = await eventually(`task ${task.id} to be done in tasks.json`, () => {
    const data = readTasks(workspace);
    return data.master.tasks.find((candidate) => candidate.id === task.id)?.status === 'done' ? data : undefined;
  });
  const updated = after.master.metadata.updated;
  assert.ok(Date.parse(updated) > Date.parse(original.master.metadata.updated), `metadata.updated is now ${updated}`);
  // As task-master set-status does, the task is stamped with when it changed.
  const changed = after.master.tasks.find((candidate) => candidate.id === task.id)! as RawTask & { updatedAt?: string };
  assert.ok(Date.parse(changed.updatedAt ?? '') >= Date.parse(updated) - 60_000, `task ${task.id} has updatedAt ${changed.updatedAt}`);
  const originalTask = original.master.tasks.find((candidate) => candidate.id === task.id)! as RawTask & { updatedAt?: string };
  if (originalTask.updatedAt === undefined) delete changed.updatedAt;
  else changed.updatedAt = originalTask.updatedAt;
  changed.status = task.status;
  after.master.metadata.updated = original.master.metadata.updated;
  assert.equal(JSON.stringify(after, null, 2), before);
}

/** The board page inside the webview's two iframes. */
export function boardFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Opens the board from the palette and waits for its first card (patiently: on a busy machine the extension activates late). */
export async function openBoard(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Taskmaster: Open Board', 60_000);
  const board = boardFrame(page);
  await board.locator('[data-task-id]').first().waitFor({ state: 'visible', timeout: 60_000 });
  return board;
}

export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots of failed tests and the VS Code logs of their sessions. */
export const RESULTS_DIR = path.join(ROOT, 'test-results');

export interface PackagedExtension {
  /** The unpacked extension, named <publisher>.<name>-<version> as VS Code installs it. */
  extensionDir: string;
  vsixBytes: number;
}

/**
 * Packages the current build with vsce and unpacks it the way VS Code installs a .vsix. `alsoNeeds`
 * names more build outputs the caller uses (checked first, so a missing build fails with the fix).
 */
export function packageExtension(dir: string, alsoNeeds: string[] = []): PackagedExtension {
  for (const built of [path.join(ROOT, 'dist', 'cli.js'), path.join(ROOT, 'dist', 'cliCommands.js'), path.join(ROOT, 'dist', 'extension.js'), path.join(ROOT, 'dist', 'features.js'), path.join(ROOT, 'dist', 'lib', 'ajv.js'), ...alsoNeeds]) {
    assert.ok(fs.existsSync(built), `${path.relative(ROOT, built)} is missing: build first (node esbuild.mjs)`);
  }
  const vsix = path.join(dir, 'tml.vsix');
  // The flags of `npm run package`; only its minified build differs.
  run('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix]);
  const unpacked = path.join(dir, 'vsix');
  run('python3', ['-m', 'zipfile', '-e', vsix, unpacked]);
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(unpacked, 'extension', 'package.json'), 'utf8'));
  const extensionDir = path.join(dir, `${publisher}.${name}-${version}`);
  fs.renameSync(path.join(unpacked, 'extension'), extensionDir);
  return { extensionDir, vsixBytes: fs.statSync(vsix).size };
}

/**
 * A scratch folder (workspaces, the .vsix and what it unpacks to) and the packaged extension, for
 * the tests of a describe block: made before them, removed after.
 */
export function stagedSuite(name: string, alsoNeeds: string[] = []): { scratch(): string; packaged(): PackagedExtension } {
  let scratch = '';
  let packaged: PackagedExtension | undefined;
  before(function () {
    this.timeout(60_000);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `tml-e2e-${name}-`));
    packaged = packageExtension(scratch, alsoNeeds);
  });
  // Mocha runs after-hooks in the order they were made, so VS Code (vscodeSession, made later) may still
  // be writing into the workspace here: retry while it finishes.
  after(() => scratch && fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 50, retryDelay: 200 }));
  return {
    scratch: () => scratch,
    packaged: () => {
      if (!packaged) throw new Error('the extension was not packaged (see the "before all" hook)');
      return packaged;
    },
  };
}

/** A fresh copy of demo/ in the scratch folder, to open as the workspace. */
export function copyDemo(scratch: string): string {
  const workspace = fs.mkdtempSync(path.join(scratch, 'demo-'));
  fs.cpSync(path.join(ROOT, 'demo'), workspace, { recursive: true });
  return workspace;
}

/** `tml <args> --json` on a workspace, as a user would run it; its parsed output. */
export function tml(workspace: string, ...args: string[]): unknown {
  return JSON.parse(run(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args, '--json', '--project', workspace]));
}

/** Runs a command in the project root; throws with its output when it fails. */
export function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export type SessionSetup = { workspace: string } & Pick<LaunchOptions, 'env' | 'extraExtensionPaths' | 'userSettings'>;

export interface SessionHandle {
  session(): VSCodeSession;
  page(): VSCodeSession['page'];
  workspace(): string;
  /** Every notification text seen so far in this session (see watchNotifications). */
  notifications(): Promise<string[]>;
}

/**
 * One VS Code for the tests of a describe block: launched before them with the extension in
 * `extensionDir()` on the workspace that `setup` prepares, closed after them. A failed test leaves a
 * screenshot in test-results/, and the session then keeps its logs there too.
 */
export function vscodeSession(extensionDir: () => string, setup: () => SessionSetup | Promise<SessionSetup>): SessionHandle {
  let session: VSCodeSession | undefined;
  let workspace = '';
  let notifications: () => Promise<string[]> = async () => [];
  let failed = false;
  before(async function () {
    this.timeout(90_000);
    const options = await setup();
    workspace = options.workspace;
    session = await launchVSCode({ ...options, extensionDevPath: extensionDir(), screenshotDir: RESULTS_DIR });
    notifications = await watchNotifications(session.page);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !session) return;
    failed = true;
    await screenshotOnFailure(session.page, RESULTS_DIR, this.currentTest.fullTitle());
    await session.page.keyboard.press('Escape'); // close a quick pick the test left open
  });
  after(async () => {
    await session?.close({ keepLogs: failed });
  });
  const current = () => {
    if (!session) throw new Error('VS Code did not start (see the "before all" hook)');
    return session;
  };
  return { session: current, page: () => current().page, workspace: () => workspace, notifications: () => notifications() };
}
