/**
 * A real VS Code for UI tests: code-server (VS Code served to a browser) on 127.0.0.1, driven by the
 * system's headless Chromium through playwright-core. See /work/shared/E2E.md for the measurements
 * behind the flags and selectors used here. No `vscode` import: this runs in the test process.
 *
 * Install convention (scripts/install-e2e.sh creates it; scripts/e2e-env.sh holds the same pins):
 *   cache   = ${TML_CACHE:-$HOME/.cache/taskmaster-local}
 *   node    = <cache>/node-<TML_NODE_VERSION = 24.21.0>/bin/node
 *   server  = <cache>/code-server-<TML_CODE_SERVER_VERSION = 4.139.1>/node_modules/.bin/code-server
 *   marker  = <cache>/code-server-<ver>/.tml-install-complete   (written last, after a verified build)
 *   browser = ${TML_CHROMIUM:-/usr/bin/chromium}
 * code-server's native modules are built for Node 24 (the machine's node is 20), so it is started as
 * `<node 24> <server>` with Node 24 also first on PATH for anything it spawns.
 *
 * Everything stays on 127.0.0.1: no extension gallery (EXTENSIONS_GALLERY={}), telemetry and update
 * checks off, and Chromium resolves no other host.
 *
 * Set TML_E2E_KEEP=1 to keep a session's temp folder (HOME, user data, logs) after close().
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, Locator, Page, chromium } from 'playwright-core';
// The flags `npm start` (scripts/start.mjs) starts code-server with too.
import CODE_SERVER_FLAGS from '../../scripts/code-server-flags.json';
import { cacheDir } from '../support/testCache';

export const CODE_SERVER_VERSION = process.env.TML_CODE_SERVER_VERSION ?? '4.139.1';
export const NODE_VERSION = process.env.TML_NODE_VERSION ?? '24.21.0';

export { cacheDir };

/** The installed code-server entry point; throws with the fix if the install is missing or partial. */
export function codeServerPath(): string {
  const dir = path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const bin = path.join(dir, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(dir, '.tml-install-complete'))) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${bin}: run scripts/install-e2e.sh`);
  }
  return bin;
}

/** The Node 24 that code-server was built with. */
export function nodePath(): string {
  const bin = path.join(cacheDir(), `node-${NODE_VERSION}`, 'bin', 'node');
  if (!fs.existsSync(bin)) throw new Error(`Node ${NODE_VERSION} is not installed at ${bin}: run scripts/install-e2e.sh`);
  return bin;
}

export interface LaunchOptions {
  /** A folder laid out like an installed extension: package.json plus what it references (dist/, media/...). */
  extensionDevPath: string;
  /** More extension folders to install next to it (e.g. a test-only language-model provider). */
  extraExtensionPaths?: string[];
  /** Folder opened in VS Code, or a `.code-workspace` file (a multi-root workspace). */
  workspace: string;
  /** Merged over the defaults below (a key set to undefined removes a default). */
  userSettings?: Record<string, unknown>;
  /** Where screenshots and, on close({ keepLogs: true }), logs are written. */
  screenshotDir?: string;
  viewport?: { width: number; height: number };
  /** For each startup step: /healthz, page load, workbench, extension host. Default 60 s. */
  startupTimeoutMs?: number;
  /** More environment variables for the code-server process; its extension host inherits them. */
  env?: Record<string, string>;
}

export interface VSCodeSession {
  page: Page;
  browser: Browser;
  url: string;
  port: number;
  /** <userDataDir>/logs: code-server writes a <timestamp>/ folder in it (exthost1/remoteexthost.log...). */
  logsDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own stdout and stderr. */
  serverLogPath: string;
  /** Closes the browser, stops the processes this session started, removes its temp dirs.
   *  keepLogs copies the logs into screenshotDir first (for CI artifacts). Safe to call twice. */
  close(options?: { keepLogs?: boolean }): Promise<void>;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  // Code 1.139 otherwise opens a Chat side panel and starts a Copilot background process.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.autofetch': false,
  // The demo plan's config.json names a home-lab Ollama host; tests must reach nothing but this
  // machine, so the extension's Ollama checks go to a closed local port unless a test says otherwise.
  'taskmaster.ollama.endpoint': 'http://127.0.0.1:9',
};

export const CHROMIUM_ARGS = [
  '--no-sandbox', // runs as root in CI containers
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing but 127.0.0.1 resolves, so a stray request fails fast instead of leaving the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export async function launchVSCode(options: LaunchOptions): Promise<VSCodeSession> {
  const timeout = options.startupTimeoutMs ?? 60_000;
  const serverBin = codeServerPath();
  const node = nodePath();
  const workspace = path.resolve(options.workspace);
  const workspaceFile = workspace.endsWith('.code-workspace');

  // One temp root per session: HOME and XDG dirs keep code-server and Chromium away from the real
  // ones (code-server writes ~/.config/code-server/config.yaml, Chromium ~/.pki ...).
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-e2e-'));
  const dir = (name: string, mode?: number) => {
    const p = path.join(root, name);
    fs.mkdirSync(p, { recursive: true, mode });
    return p;
  };
  const home = dir('home');
  const userDataDir = dir('user-data');
  const extensionsDir = dir('extensions');
  const serverLogPath = path.join(root, 'code-server.log');
  const env: NodeJS.ProcessEnv = {
    ...withoutVSCodeVars(process.env),
    HOME: home,
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_RUNTIME_DIR: dir('xdg/runtime', 0o700),
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
  };

  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const killOnExit = () => {
    if (server?.pid !== undefined) killTree(server.pid, 'SIGKILL');
    if (!process.env.TML_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
  };

  let page: Page | undefined;
  const close = async (closeOptions: { keepLogs?: boolean } = {}) => {
    if (closed) return;
    closed = true;
    await browser?.close().catch(() => undefined);
    if (server?.pid !== undefined) await stopServer(server);
    process.removeListener('exit', killOnExit);
    if (closeOptions.keepLogs && options.screenshotDir) copyLogs(root, options.screenshotDir);
    if (process.env.TML_E2E_KEEP) console.log(`[vscodeHarness] kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    for (const ext of [options.extensionDevPath, ...(options.extraExtensionPaths ?? [])]) {
      installExtension(ext, extensionsDir);
    }
    const settings = { ...DEFAULT_SETTINGS, ...options.userSettings };
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    const port = await freePort();
    const log = fs.openSync(serverLogPath, 'a');
    server = spawn(
      node,
      [
        serverBin,
        '--bind-addr', `127.0.0.1:${port}`,
        ...CODE_SERVER_FLAGS,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        workspace,
      ],
      // detached = setsid: code-server and its extension host, pty host and watchers share one
      // process group that close() can stop without touching anything else.
      { cwd: workspaceFile ? path.dirname(workspace) : workspace, env: { ...env, ...options.env, EXTENSIONS_GALLERY: '{}' }, detached: true, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    process.once('exit', killOnExit); // a crashed test run must not leave a server behind
    const exited = new Promise<never>((_, reject) =>
      server!.once('exit', (code, signal) =>
        reject(new Error(`code-server exited (${signal ?? code}) during startup:\n${tail(serverLogPath)}`)),
      ),
    );
    exited.catch(() => undefined); // only awaited during startup
    await Promise.race([waitForHealthz(port, timeout), exited]);

    browser = await chromium.launch({ executablePath: process.env.TML_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, env });
    page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const url = `http://127.0.0.1:${port}/?${workspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(workspace)}`;
    const response = await page.goto(url, { timeout });
    // /healthz answers even when the VS Code part cannot load (e.g. started on Node 20: HTTP 500).
    if (!response?.ok()) throw new Error(`GET ${url} answered ${response?.status()}:\n${tail(serverLogPath)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout });
    // The workbench renders a second or two before the extension host runs; wait for it so a test's
    // first step does not race extension registration.
    await until(() => /Extension host with pid \d+ started/.test(readText(findExthostLog(userDataDir))), timeout, 'the extension host to start');

    return { page, browser, url, port, logsDir: path.join(userDataDir, 'logs'), userDataDir, extensionsDir, serverLogPath, close };
  } catch (err) {
    if (page && options.screenshotDir) await screenshotOnFailure(page, options.screenshotDir, 'launch-failure');
    await close({ keepLogs: true });
    throw err;
  }
}

/**
 * Runs a command by its palette label (e.g. "Taskmaster: Refresh"): F1, type, pick that row. Patient:
 * typing into the palette of a busy machine is slow. Resolves to when the row was chosen (Date.now()).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input.input');
  const exact = new RegExp(`^${escapeRegExp(title)}$`);
  // Match the whole label: highlight spans inside a longer label ("Probe: Say Hello") would match too.
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  // The palette lists the commands known when it opens; right after startup an extension's may not
  // be registered yet ("No matching commands"), so close it and try again until the deadline.
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
    // One input event for the whole label (the input holds ">"): typed key by key, a busy machine
    // filters the command list once per key and can take longer than the deadline.
    await input.fill(`>${title}`);
    const found = await row
      .waitFor({ state: 'visible', timeout: Math.max(1, Math.min(2000, deadline - Date.now())) })
      .then(() => true, () => false);
    if (found) break;
    await page.keyboard.press('Escape');
    if (Date.now() >= deadline) throw new Error(`runCommand: no palette entry "${title}" within ${timeoutMs} ms`);
    await sleep(250);
  }
  // Enter runs the focused row; a click runs any other (a better fuzzy match may sit above ours).
  const chosenAt = Date.now();
  if ((await row.getAttribute('class'))?.includes('focused')) await page.keyboard.press('Enter');
  else await row.click();
  // Done when the palette is gone: hidden, or reused by the command's own quick pick / input box.
  await page.waitForFunction(
    () => {
      // Runs in the page; typed by hand because the project's tsconfig has no "dom" lib.
      type El = { style: { display: string }; value: string; querySelector(s: string): El | null };
      const widget = (globalThis as unknown as { document: El }).document.querySelector('.quick-input-widget');
      const box = widget?.querySelector('input.input');
      return !widget || widget.style.display === 'none' || !box?.value.startsWith('>');
    },
    undefined,
    { timeout: timeoutMs },
  );
  return chosenAt;
}

/**
 * Runs a palette command and answers the quick pick it opens. Under load something can close the
 * picker before it is used (CI saw it go inert, or never show): the command is then run again.
 */
export async function runCommandAndPick(page: Page, title: string, pick: Parameters<typeof pickQuickPickItem>[1], timeoutMs = 45_000): Promise<void> {
  await eventually(`"${title}" answered with ${String(pick.label)}`, async () => {
    await runCommand(page, title);
    const picked = await pickQuickPickItem(page, pick, 10_000).then(() => true, () => undefined);
    if (!picked) await page.keyboard.press('Escape');
    return picked;
  }, timeoutMs);
}

/**
 * Answers a quick pick an extension opened: waits until its input's placeholder matches (so the
 * typing goes to this quick pick, not the one it replaces), types `filter` if given (only the
 * visible rows are rendered), then clicks the row whose whole label matches `label`.
 */
export async function pickQuickPickItem(
  page: Page,
  pick: { placeholder: string | RegExp; filter?: string; label: string | RegExp },
  timeoutMs = 30_000,
): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const placeholder = typeof pick.placeholder === 'string' ? new RegExp(`^${escapeRegExp(pick.placeholder)}$`) : pick.placeholder;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const visible = await input.isVisible();
    if (visible && placeholder.test((await input.getAttribute('placeholder')) ?? '')) break;
    if (Date.now() >= deadline) throw new Error(`pickQuickPickItem: no quick pick asking ${placeholder} within ${timeoutMs} ms`);
    await sleep(100);
  }
  if (pick.filter !== undefined) await input.fill(pick.filter);
  const label = typeof pick.label === 'string' ? new RegExp(`^\\s*${escapeRegExp(pick.label)}\\s*$`) : pick.label;
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first()
    .click({ timeout: Math.max(1, deadline - Date.now()) });
}

/**
 * Answers a many-item quick pick (`canPickMany`) found by its title: types `filter`, checks the rows
 * whose whole label is one of `labels`, then accepts with Enter.
 */
export async function checkQuickPickItems(page: Page, title: string, filter: string, labels: string[], timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  await eventually(`a quick pick titled "${title}"`, async () => ((await input.isVisible()) && ((await widget.locator('.quick-input-title').textContent()) ?? '').trim() === title ? true : undefined), timeoutMs);
  await input.fill(filter);
  for (const [index, label] of labels.entries()) {
    // A click on a row of a many-item pick toggles its check; the widget counts the checked rows.
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
    await row.click({ timeout: timeoutMs });
    await eventually(`"${label}" to be checked`, async () => (((await widget.locator('.quick-input-count').textContent()) ?? '').includes(`${index + 1} Selected`) ? true : undefined));
  }
  await input.press('Enter');
  await eventually(`the quick pick "${title}" to close`, async () => (!(await input.isVisible()) || ((await widget.locator('.quick-input-title').textContent()) ?? '').trim() !== title ? true : undefined));
}

/** Shows a view container's sidebar (title starts with containerTitle): clicks its activity bar item
 *  unless it is already showing, since a second click would close it. */
export async function openViewContainer(page: Page, containerTitle: string, timeoutMs = 10_000): Promise<void> {
  const title = page.locator('.part.sidebar .title-label h2').filter({ hasText: containerTitle });
  if (await title.isVisible()) return;
  await activityBarItem(page, containerTitle).click({ timeout: timeoutMs });
  await title.waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A view container's item in the activity bar. */
export function activityBarItem(page: Page, containerTitle: string): Locator {
  // The surrounding li has an empty aria-label; the a.action-label carries the title (plus keybinding).
  // A badge (open-task count) sits over the icon and takes the click; the item handles it either way.
  return page.locator('.part.activitybar .action-item').filter({ has: page.locator(`a.action-label[aria-label^="${containerTitle}"]`) });
}

/** aria-labels ("<label> <description>") of the rendered sidebar tree rows; only the visible window is rendered. */
export async function treeRows(page: Page): Promise<string[]> {
  return page.$$eval('.part.sidebar .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
}

/** Waits for the side bar's row whose label starts with `label` to be selected (revealed, if it was not shown). */
export async function waitForSelectedRow(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  const row = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${label}"]`);
  await eventually(`row "${label}" selected`, async () => ((await row.getAttribute('aria-selected').catch(() => null)) === 'true' ? true : undefined), timeoutMs);
}

/** Polls the rendered tree rows until `accept` is satisfied; fails showing the rows last seen. */
export async function waitForRows(page: Page, what: string, accept: (rows: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
  let rows: string[] = [];
  try {
    return await eventually(what, async () => {
      rows = (await treeRows(page)).map((row) => row.trim());
      return accept(rows) ? rows : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the tree shows:\n  ${rows.join('\n  ')}`);
  }
}

/** Expands the sidebar tree row whose aria-label starts with `labelStart` (a no-op when it is expanded). */
export async function expandTreeRow(page: Page, labelStart: string, timeoutMs = 10_000): Promise<void> {
  const row = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${labelStart.replace(/["\\]/g, '\\$&')}"]`).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const expanded = await row.getAttribute('aria-expanded');
  if (expanded === null) throw new Error(`expandTreeRow: "${labelStart}…" has no children`);
  if (expanded === 'false') await row.locator('.monaco-tl-twistie').click({ timeout: timeoutMs });
  await eventually(`"${labelStart}…" to expand`, async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined), timeoutMs);
}

/**
 * Opens a workspace file in the editor through Quick Open (F1, then the file-search mode: the
 * palette without its ">"), picking the row labelled `fileName`; resolves when its tab is active.
 */
export async function openFile(page: Page, fileName: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(fileName)}$`) }) })
    .first();
  // Right after startup the file search may not have indexed the folder yet: retry until the deadline.
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
    await input.fill(fileName); // replaces the ">": file search
    const found = await row
      .waitFor({ state: 'visible', timeout: Math.max(1, Math.min(3000, deadline - Date.now())) })
      .then(() => true, () => false);
    if (found) break;
    await page.keyboard.press('Escape');
    if (Date.now() >= deadline) throw new Error(`openFile: Quick Open found no "${fileName}" within ${timeoutMs} ms`);
    await sleep(250);
  }
  await row.click();
  // The tab's label may be split ("prd" + suffix ".md"); data-resource-name holds the whole name.
  await page
    .locator(`.part.editor .tab.active[data-resource-name="${fileName.replace(/["\\]/g, '\\$&')}"]`)
    .waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
}

/** An input box an extension opened (vscode.window.showInputBox), found by its title. */
export interface InputBox {
  /** The text it was opened with (its `value`). */
  value: string;
  /** Replaces the text when `text` is given, presses Enter and waits until the box has closed
   *  (or another quick input has taken its place); throws with the validation message if it stays. */
  accept(text?: string): Promise<void>;
}

/** Waits for an input box whose title matches `title` (a string matches the whole title). */
export async function waitForInputBox(page: Page, title: string | RegExp, timeoutMs = 30_000): Promise<InputBox> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  const titleLocator = widget.locator('.quick-input-title');
  const wanted = typeof title === 'string' ? new RegExp(`^${escapeRegExp(title)}$`) : title;
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  for (;;) {
    if (await input.isVisible()) {
      seen = ((await titleLocator.textContent().catch(() => '')) ?? '').trim();
      if (wanted.test(seen)) break;
    }
    if (Date.now() >= deadline) throw new Error(`waitForInputBox: no input box titled ${wanted} within ${timeoutMs} ms (last title seen: "${seen}")`);
    await sleep(100);
  }
  const value = await input.inputValue();
  return {
    value,
    accept: async (text?: string) => {
      if (text !== undefined) await input.fill(text);
      await input.press('Enter');
      const closed = await eventually('the input box to close', async () => {
        const stillOpen = (await input.isVisible()) && wanted.test(((await titleLocator.textContent().catch(() => '')) ?? '').trim());
        return stillOpen ? undefined : true;
      }, 5000).catch(() => false);
      if (!closed) {
        const message = ((await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '').trim();
        throw new Error(`waitForInputBox: "${await input.inputValue()}" was not accepted${message ? `: ${message}` : ''}`);
      }
    },
  };
}

/** Polls `check` until it returns a value; a throw counts as "not yet" (a file mid-write, say). */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await sleep(100);
  }
}

/**
 * Records notification texts as they appear (toasts hide themselves after a while, so polling the
 * DOM misses them). Also re-installed on reload. A message shown both as a toast and in the
 * notification center may be recorded twice. Returns a getter for everything seen so far.
 */
export async function watchNotifications(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript({ content: NOTIFICATION_WATCHER });
  await page.evaluate(NOTIFICATION_WATCHER);
  return () => page.evaluate('(window.__tmlNotifications || []).slice()') as Promise<string[]>;
}

// In-page source as a string: bundlers that keep function names (esbuild keepNames, tsx) would
// otherwise insert a `__name` helper the page does not have, and the project has no "dom" lib.
// Notification list rows are reused, so it remembers the text last recorded per element.
const NOTIFICATION_WATCHER = `(() => {
  if (window.__tmlNotifications) return;
  const seen = (window.__tmlNotifications = []);
  const last = new WeakMap();
  const scan = () => {
    for (const el of document.querySelectorAll('.notification-list-item-message')) {
      const text = (el.textContent || '').trim();
      if (text && last.get(el) !== text) {
        last.set(el, text);
        seen.push(text);
      }
    }
  };
  new MutationObserver(scan).observe(document, { childList: true, subtree: true, characterData: true });
  scan();
})()`;

/**
 * Clicks the button labelled `button` of the notification whose message matches `message` (a
 * string matches the whole text): on its toast while it shows, else in the notification center
 * (toasts hide themselves after a while; the center keeps them). Resolves once the notification
 * has closed, which VS Code does after running the action.
 */
export async function clickNotificationButton(page: Page, message: string | RegExp, button: string, timeoutMs = 10_000): Promise<void> {
  const wanted = typeof message === 'string' ? new RegExp(`^\\s*${escapeRegExp(message)}\\s*$`) : message;
  const item = (container: string) =>
    page.locator(`${container} .notification-list-item`).filter({ has: page.locator('.notification-list-item-message', { hasText: wanted }) }).first();
  const buttonOf = (container: string) =>
    item(container).locator('.notification-list-item-buttons-container .monaco-button').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`) }).first();
  const deadline = Date.now() + timeoutMs;
  let target = buttonOf('.notifications-toasts');
  if (!(await target.isVisible())) {
    target = buttonOf('.notifications-center');
    if (!(await target.isVisible())) await runCommand(page, 'Notifications: Show Notifications', Math.max(1, deadline - Date.now()));
  }
  await target.click({ timeout: Math.max(1, deadline - Date.now()) });
  await page
    .locator('.notification-list-item-message', { hasText: wanted })
    .first()
    .waitFor({ state: 'detached', timeout: Math.max(1, deadline - Date.now()) });
}

/** The status bar entries as shown: their text, with icons ($(play)...) as rendered, i.e. left out. */
export async function statusBarTexts(page: Page): Promise<Array<{ id: string; text: string; ariaLabel: string }>> {
  return page.$$eval('.part.statusbar .statusbar-item', (items) =>
    items.map((item) => ({
      id: item.id,
      text: (item.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ariaLabel: item.querySelector('[aria-label]')?.getAttribute('aria-label') ?? item.getAttribute('aria-label') ?? '',
    })),
  );
}

/** The extension host's process id, from its log ("Extension host with pid N started"). */
export function extensionHostPid(userDataDir: string): number | undefined {
  const match = /Extension host with pid (\d+) started/.exec(readText(findExthostLog(userDataDir)));
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a process holds an inotify watch (fs.watch on Linux) on `dir`: read from
 * /proc/<pid>/fdinfo, which lists each watch's inode. Lets a test wait until an extension is
 * watching a folder before it changes something in it. Linux only, like the rest of the harness.
 */
export function watchesFolder(pid: number, dir: string): boolean {
  const inode = fs.statSync(dir).ino;
  for (const fd of safeReaddir(`/proc/${pid}/fdinfo`)) {
    const info = readText(`/proc/${pid}/fdinfo/${fd.name}`);
    for (const match of info.matchAll(/^inotify wd:\S+ ino:([0-9a-f]+) /gm)) {
      if (parseInt(match[1], 16) === inode) return true;
    }
  }
  return false;
}

/** Saves <dir>/<name>.png; never throws (it runs while a test is already failing). */
export async function screenshotOnFailure(page: Page, dir: string, name: string): Promise<string | undefined> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await page.screenshot({ path: file });
    return file;
  } catch {
    return undefined;
  }
}

/** The newest extension host log (activation lines: "ExtensionService#_doActivateExtension <id>",
 *  failures: "Activating extension <id> failed"); undefined before the extension host has started. */
export function findExthostLog(userDataDir: string): string | undefined {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of safeReaddir(d)) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'remoteexthost.log' || e.name === 'exthost.log') found.push(p);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

// ---------------------------------------------------------------------------------------------

/** Copies an extension folder in as <publisher>.<name>-<version>: that is all an install does. */
function installExtension(src: string, extensionsDir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  const dest = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  const skip = new Set(['.git', '.vscode-test']);
  fs.cpSync(src, dest, { recursive: true, dereference: true, filter: (p) => !skip.has(path.basename(p)) });
}

/** VSCODE_* variables from a surrounding VS Code (e.g. VSCODE_IPC_HOOK_CLI in its terminal) make
 *  code-server hand the folder to that instance instead of serving it. */
function withoutVSCodeVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('VSCODE_')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealthz(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after 5 s, to the server's process group and to any descendant that left
 *  it (a terminal's shell gets its own session from node-pty). */
async function stopServer(server: ChildProcess): Promise<void> {
  const pid = server.pid!;
  const gone = server.exitCode !== null || server.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const family = descendants(pid);
  killTree(pid, 'SIGTERM', family);
  const timedOut = await Promise.race([gone.then(() => false), idle(5000).then(() => true)]);
  killTree(pid, 'SIGKILL', family); // stragglers (the group may outlive its leader)
  if (timedOut) await Promise.race([gone, idle(2000)]);
}

function killTree(pid: number, signal: NodeJS.Signals, family: number[] = descendants(pid)): void {
  for (const target of [-pid, ...family]) {
    try {
      process.kill(target, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Child pids of pid, recursively, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of safeReaddir('/proc')) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ")".
      const stat = fs.readFileSync(`/proc/${e.name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e.name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const visit = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), visit(c)));
  visit(pid);
  return out;
}

function copyLogs(root: string, outDir: string): void {
  try {
    const dest = path.join(outDir, `vscode-logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    fs.mkdirSync(dest, { recursive: true });
    const logs = path.join(root, 'user-data', 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'logs'), { recursive: true });
    const serverLog = path.join(root, 'code-server.log');
    if (fs.existsSync(serverLog)) fs.copyFileSync(serverLog, path.join(dest, 'code-server.log'));
  } catch {
    /* best effort: never hide the real failure */
  }
}

function tail(file: string, lines = 30): string {
  // Lines are cut at 300 characters: a failed module load prints a whole minified bundle line.
  const text = readText(file).split('\n').slice(-lines).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
  return text.join('\n').trim() || '(no log)';
}

function readText(file: string | undefined): string {
  try {
    return file ? fs.readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A timer that does not keep the test process alive once everything else is done (race timeouts). */
const idle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Right-clicks the tree row whose label starts with `rowStart` and runs the menu item `item`.
 * When the tree refreshed between the right-click and the click (the plan was just reloaded),
 * VS Code hands the command no row and it asks which task instead (`fallback`, its quick pick
 * placeholder), or the menu closes before it shows the item: close what is open and try again,
 * since the test is about the menu on a row.
 */
export async function treeContextMenu(page: Page, rowStart: string, item: string, fallback: string): Promise<void> {
  const row = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${rowStart.replace(/["\\]/g, '\\$&')}"]`).first();
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) }).first();
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right', timeout: 10_000 });
    const shown = await entry.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    if (!shown) {
      if (attempt === 3) throw new Error(`the context menu of the row "${rowStart}" never showed "${item}" in three right-clicks`);
      await page.keyboard.press('Escape');
      continue;
    }
    // The menu ignores a click that comes right after it opened (the right button's release): click until it closes.
    await eventually(`the menu item "${item}" to run`, async () => {
      if (await entry.isVisible()) await entry.click({ timeout: 2000 }).catch(() => undefined);
      return (await menu.isVisible()) ? undefined : true;
    });
    const askedWhich = await input
      .waitFor({ state: 'visible', timeout: 1500 })
      .then(async () => (await input.getAttribute('placeholder')) === fallback, () => false);
    if (!askedWhich) return;
    if (attempt === 3) throw new Error(`"${item}" on the row "${rowStart}" asked "${fallback}" three times: the command never got the row`);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 5000 });
  }
}

/** The text of a markdown preview tab (`Preview <name>`), once it starts with `heading`. */
export async function markdownPreview(page: Page, name: string, heading: string): Promise<string> {
  await page.locator(`.tab[aria-label*="${name}"]`).first().waitFor({ state: 'visible', timeout: 30_000 });
  // Other webviews (the board, a preview shown before) may be open beside it: the one with the heading is it.
  return eventually(`the preview of ${name}`, async () => {
    const count = await page.locator('iframe.webview.ready').count();
    for (let index = 0; index < count; index++) {
      const body = page.frameLocator('iframe.webview.ready').nth(index).frameLocator('iframe#active-frame').locator('body');
      const text = (await body.innerText({ timeout: 2000 }).catch(() => '')).replace(/[ \t]+/g, ' ');
      if (text.trimStart().startsWith(heading)) return text;
    }
    return undefined;
  }, 15_000);
}
