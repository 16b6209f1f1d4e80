/**
 * Time to first render of a 1,000-task plan in a real VS Code (code-server): the board webview
 * against a bare webview of the same tasks (bench/peerBoard, its cards in the page's HTML), opened
 * in turns in the same window, and against the Tasks tree. Each is timed from the user's action
 * (the command, the activity bar click) to the first task on screen. Then an outside edit of one
 * task until its card shows it (the peer: the same bare webview following a copy of the file; the
 * board also against an edit of every task, which it receives as a full state), and a 10,000-task
 * first render.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { packageExtension } from '../test/e2e/stagedExtension';
import { activityBarItem, eventually, launchVSCode, openViewContainer, runCommand, waitForRows, type VSCodeSession } from '../test/e2e/vscodeHarness';
import { time } from './timing';
import { taskMasterText } from '../test/support/planBuilder';
import { median } from './timing';
import { generateLargePlan } from '../test/support/planGenerator';

const TASKS = 1000;
const LARGE_TASKS = 10_000;
const BOARD_RUNS = 3;
const EDIT_RUNS = 5;

/** The webview's clock as epoch milliseconds (its Date.now()), comparable with `Date.now()` here: same machine. */
interface WebviewTimes {
  /** When the page began to load. */
  pageStart: number;
  /** When the board finished handling a state (or diff) message, and how long that took. */
  stateEnd: number;
  stateMs: number;
}

export async function boardRenderRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const workspace = path.join(dir, 'board-plan');
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  const plan = generateLargePlan(TASKS, 3) as GeneratedPlan;
  await fs.writeFile(tasksFile(workspace), taskMasterText(plan));
  // The peer's copy, in a folder the extension does not watch.
  const peerFile = path.join(workspace, 'peer-board', 'tasks.json');
  await fs.mkdir(path.dirname(peerFile), { recursive: true });
  await fs.writeFile(peerFile, taskMasterText(plan));
  const { extensionDir } = packageExtension(dir);
  const session = await launchVSCode({ extensionDevPath: extensionDir, workspace, extraExtensionPaths: [PEER_BOARD] });
  try {
    const { page } = session;
    const treeMs = await clickToRow(page, activityBarItem(page, 'Taskmaster'), /^\d+ /);
    // In turns, each first every other time, so a change in the machine's load (or an order
    // effect) falls on both alike.
    const first: BoardFirstRender[] = [];
    const peerFirst: Array<{ total: number; shown: number }> = [];
    const openPeer = async () => {
      peerFirst.push(await timeToFirstCard(page, 'Peer Board: Open'));
      await closeEditors(page);
    };
    for (let run = 0; run < BOARD_RUNS; run++) {
      if (run % 2) await openPeer();
      first.push(...(await firstRenders(page, 1)));
      if (!(run % 2)) await openPeer();
    }
    const boardMedian = median(first.map((run) => run.shown));
    const peerFirstMedian = median(peerFirst.map((run) => run.shown));
    const phases = first.find((run) => run.shown === boardMedian)!;
    const rows = [
      [
        `board first render, ${TASKS.toLocaleString('en')} tasks (Open Board chosen in the palette → the cards painted; median of ${BOARD_RUNS}, in turns with the peer)`,
        ms(boardMedian),
        `bare webview with the cards in its HTML ${ms(peerFirstMedian)}`,
        `${(boardMedian / peerFirstMedian).toFixed(2)}×; the board's goal ≤ 500 ms; a card seen by Playwright (its polling included) ${ms(median(first.map((run) => run.total)))} against ${ms(median(peerFirst.map((run) => run.total)))}; the Tasks tree's first open (activation included) ${ms(treeMs)}; page loading ${ms(phases.toPage)}, page to state handled ${ms(phases.toState)} (state ${ms(phases.stateMs)}), to first card seen ${ms(phases.toCard)}`,
      ],
    ];

    // Outside edits, with the board open: one task (a diff), every task (a full state).
    await runCommand(page, 'Taskmaster: Open Board', 30_000);
    await board(page).locator('[data-task-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
    const one: Array<{ total: number; webview: number }> = [];
    const all: Array<{ total: number; webview: number }> = [];
    for (let run = 0; run < EDIT_RUNS; run++) {
      one.push(await outsideEdit(page, tasksFile(workspace), plan, `one ${run}`, false));
      all.push(await outsideEdit(page, tasksFile(workspace), plan, `all ${run}`, true));
    }
    await closeEditors(page);

    // The peer: the same edits of its copy of the plan, which only the bare webview follows.
    await timeToFirstCard(page, 'Peer Board: Open');
    const peer: number[] = [];
    for (let run = 0; run < EDIT_RUNS; run++) peer.push((await outsideEdit(page, peerFile, plan, `peer ${run}`, false)).total);
    const oneMs = median(one.map((run) => run.total));
    const allMs = median(all.map((run) => run.total));
    const peerMs = median(peer);
    rows.push([
      `board, outside edit of 1 task of ${TASKS.toLocaleString('en')} (tasks.json written → card text in the DOM; median of ${EDIT_RUNS})`,
      ms(oneMs),
      `bare webview following the file ${ms(peerMs)}`,
      `${(oneMs / peerMs).toFixed(2)}×; the board ${ms(oneMs - peerMs)} above the bare webview (goal ≤ 50 ms in all); edit of every task (a full state) ${ms(allMs)}; in the webview ${ms(median(one.map((run) => run.webview)))} against ${ms(median(all.map((run) => run.webview)))}`,
    ]);
    await closeEditors(page);

    // 10,000 tasks: the same plan file, now ten times larger.
    await writeAtomically(tasksFile(workspace), taskMasterText(generateLargePlan(LARGE_TASKS, 3)));
    // The extension reloads the plan (and the tree redraws) before the board is opened.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const large = await firstRenders(page, BOARD_RUNS, LARGE_TASKS);
    const largeMedian = median(large.map((run) => run.shown));
    const largePhases = large.find((run) => run.shown === largeMedian)!;
    rows.push([
      `board first render, ${LARGE_TASKS.toLocaleString('en')} tasks (Open Board chosen in the palette → the cards painted; median of ${BOARD_RUNS})`,
      ms(largeMedian),
      `${TASKS.toLocaleString('en')} tasks ${ms(boardMedian)}`,
      `${(largeMedian / boardMedian).toFixed(1)}×; state ${ms(largePhases.stateMs)} in the webview; a card seen by Playwright ${ms(median(large.map((run) => run.total)))}`,
    ]);
    return rows;
  } finally {
    await session.close();
  }
}

type GeneratedPlan = { master: { tasks: Array<{ id: number; title: string }> } };

const tasksFile = (workspace: string) => path.join(workspace, '.taskmaster', 'tasks', 'tasks.json');

/** As an editor saves: a whole new file in one rename, never a half-written one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await fs.writeFile(`${file}.tmp`, text);
  await fs.rename(`${file}.tmp`, file);
}

/** One Open Board → first card seen, and where the time went. */
interface BoardFirstRender {
  /** To the first card seen by Playwright. */
  total: number;
  /** To the cards painted (see cardsShownAt). */
  shown: number;
  /** Until the page began to load. */
  toPage: number;
  /** From then until the state was handled, and the handling itself. */
  toState: number;
  stateMs: number;
  /** From then until Playwright saw the card. */
  toCard: number;
}

/**
 * Opens the board `runs` times, each from closed, timing Open Board → first card seen, and where
 * the time went: the page loading, the state arriving and handled, the card seen by Playwright.
 * With `cards`, waits until that many are counted (the plan just grew).
 */
async function firstRenders(page: Page, runs: number, cards?: number): Promise<BoardFirstRender[]> {
  const results: BoardFirstRender[] = [];
  for (let run = 0; run < runs; run++) {
    const { frame, start, total, shown } = await timeToFirstCard(page, 'Taskmaster: Open Board', cards);
    if (cards) {
      const counted = () => frame.locator('[data-column-count]').evaluateAll((badges) => badges.reduce((sum, badge) => sum + Number(badge.textContent), 0));
      for (let waited = 0; (await counted()) < cards * 0.5 && waited < 120; waited++) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const times = await webviewTimes(frame, 'first');
    results.push({ total, shown, toPage: times.pageStart - start, toState: times.stateEnd - times.pageStart, stateMs: times.stateMs, toCard: start + total - times.stateEnd });
    await closeEditors(page);
  }
  return results;
}

/**
 * Runs `command` (a webview of cards) with no editor open, timed from its row chosen in the palette
 * (opening the palette and typing into it is the user's time) to its first card seen. With
 * `cards`, the board's column badges are waited for first (a large plan's state).
 */
async function timeToFirstCard(page: Page, command: string, cards?: number): Promise<{ frame: FrameLocator; start: number; total: number; shown: number }> {
  const start = await runCommand(page, command, 60_000);
  const frame = board(page);
  if (cards) await frame.locator('[data-column-count]').first().waitFor({ state: 'visible', timeout: 120_000 });
  await frame.locator('[data-task-id]').first().waitFor({ state: 'visible', timeout: 120_000 });
  const total = Date.now() - start;
  return { frame, start, total, shown: (await cardsShownAt(frame)) - start };
}

/**
 * When the first cards were painted, in epoch ms: the first frame painted after they were in the
 * DOM, as both pages mark it (the peer after its cards' HTML, the board after its first state).
 * Playwright's sight of a card adds its polling through two frames, the same for both.
 */
async function cardsShownAt(frame: FrameLocator): Promise<number> {
  const at = await frame.locator('body').evaluate(async () => {
    // The mark comes a frame after the cards: wait for it.
    for (let waited = 0; waited < 5000; waited += 50) {
      const [mark] = [...performance.getEntriesByName('cards painted'), ...performance.getEntriesByName('board state painted')];
      if (mark) return Date.now() - performance.now() + mark.startTime;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return NaN;
  });
  if (Number.isNaN(at)) throw new Error('the page never marked its cards painted');
  return at;
}

async function closeEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: 10_000 });
}

/** The page's start and its first or last handled state, from the board's `performance.measure` entries. */
async function webviewTimes(frame: FrameLocator, which: 'first' | 'last'): Promise<WebviewTimes> {
  return frame.locator('body').evaluate((which) => {
    const states = performance.getEntriesByType('measure').filter((entry) => entry.name === 'board state' || entry.name === 'board stateDiff');
    const state = which === 'first' ? states[0] : states[states.length - 1];
    const origin = Date.now() - performance.now();
    return { pageStart: origin, stateEnd: origin + (state ? state.startTime + state.duration : 0), stateMs: state?.duration ?? NaN };
  }, which);
}

/**
 * Writes the plan `file` with the first pending card's title changed (or every title, for a full state)
 * and times it until that card shows the new title: from the write to the DOM change (a mutation
 * observer in the page), and the webview's own handling of the message.
 */
async function outsideEdit(page: Page, file: string, plan: GeneratedPlan, label: string, everyTask: boolean): Promise<{ total: number; webview: number }> {
  const frame = board(page);
  const id = await frame.locator('[data-column="pending"] [data-task-id]').first().getAttribute('data-task-id');
  const task = plan.master.tasks.find((candidate) => String(candidate.id) === id)!;
  for (const other of everyTask ? plan.master.tasks : [task]) other.title = `${other.title.replace(/ \(edit .*\)$/, '')} (edit ${label})`;
  const expected = task.title;
  await frame.locator('body').evaluate((body, wanted) => {
    // (The page's own DOM types: this file is compiled without them.)
    const page = globalThis as unknown as { seen: Promise<number>; MutationObserver: new (changed: (records: unknown, observer: { disconnect(): void }) => void) => { observe(node: unknown, options: object): void } };
    page.seen = new Promise((resolve) => {
      new page.MutationObserver((_, observer) => {
        // Inline, not a named helper: tsx would wrap a named function in a `__name` call the page lacks.
        if (body.querySelector(`[data-task-id="${wanted.id}"] .card-title`)?.textContent !== wanted.text) return;
        observer.disconnect();
        resolve(performance.timeOrigin + performance.now());
      }).observe(body, { subtree: true, childList: true, characterData: true });
    });
  }, { id, text: expected });
  const text = taskMasterText(plan);
  const written = Date.now();
  await writeAtomically(file, text);
  const seen = await frame.locator('body').evaluate(() => (globalThis as unknown as { seen: Promise<number> }).seen);
  const { stateMs } = await webviewTimes(frame, 'last');
  return { total: seen - written, webview: stateMs };
}

function board(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * The Tasks tree in a real VS Code (code-server): its first render at 1,000 and 10,000 tasks (the
 * activity bar press → the first task row in the page, once the extension has activated; see
 * clickToRow) against a bare
 * extension tree of the same plan in the same window (bench/peerTree), the expansion of a task with
 * 50 subtasks against that tree's and the Explorer's expanding a folder of 50 files, the Explorer's
 * first render of a folder of 1,000 files, the extension's own part of the first render and
 * activation as the extension logs them.
 */
const TREE_SIZES = [1000, 10_000];
const EXPANDED_SUBTASKS = 50;
/** Tasks with that many subtasks: one expanded per round. */
const EXPANDED_TASKS = 3;

export async function treeRenderRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const extensionRoot = path.join(dir, 'tree-extension');
  await fs.mkdir(extensionRoot, { recursive: true });
  const { extensionDir } = packageExtension(extensionRoot);
  const rows: string[][] = [];
  for (const size of TREE_SIZES) {
    const workspace = path.join(dir, `tree-${size}`);
    const text = await writeTreePlan(workspace, size);
    const parseMs = time(5, () => JSON.parse(text));
    const label = size.toLocaleString('en');
    // Whichever tree opens first pays more (VS Code warms up as it renders), so each opens first once.
    const peerFirst = await launchVSCode({ extensionDevPath: extensionDir, workspace, extraExtensionPaths: [PEER_TREE] });
    let peerTimes: { ours: number; peer: number };
    try {
      await activationMs(peerFirst.logsDir);
      peerTimes = await treeFirstRenders(peerFirst, ['peer', 'ours']);
    } finally {
      await peerFirst.close();
    }
    const session = await launchVSCode({ extensionDevPath: extensionDir, workspace, extraExtensionPaths: [PEER_TREE] });
    try {
      const { page } = session;
      const activated = await activationMs(session.logsDir);
      const oursFirst = await treeFirstRenders(session, ['ours', 'peer']);
      const own = await extensionShare(session.logsDir);
      const firstRowMs = (oursFirst.ours + peerTimes.ours) / 2;
      const peerMs = (oursFirst.peer + peerTimes.peer) / 2;
      rows.push([
        `Tasks tree first render, ${label} tasks (activity bar press → first row in the page, extension activated; mean of opening first and second)`,
        ms(firstRowMs),
        `bare extension tree of the same plan ${ms(peerMs)}`,
        `${(firstRowMs / peerMs).toFixed(2)}× the bare tree's time (goal ≤ ${size === 1000 ? '300 ms' : '1 s'}); first ${ms(oursFirst.ours)} against ${ms(peerTimes.peer)}, second ${ms(peerTimes.ours)} against ${ms(oursFirst.peer)}; the extension's own part ${ms(own.ms)} for ${own.rows} rows; JSON.parse of the file ${ms(parseMs)}`,
      ]);
      rows.push([`activation, ${label}-task plan (activate() start → end, plan loaded; the extension's log)`, `${ms(activated.wall)} (${ms(activated.cpu)} CPU)`, `JSON.parse of the file ${ms(parseMs)}`, `${(activated.cpu / parseMs).toFixed(1)}× in CPU (goal ≤ 50 ms)`]);
      if (size === TREE_SIZES[0]) {
        // In turns, a different task each round, each tree first every other round.
        const expansions = { ours: [] as number[], peer: [] as number[] };
        for (let round = 0; round < EXPANDED_TASKS; round++) {
          for (const tree of round % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
            const prefix = `${tree === 'ours' ? '' : 'peer '}${round + 1}`;
            await openViewContainer(page, tree === 'ours' ? 'Taskmaster' : 'Peer Tasks', 30_000);
            const twistie = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${prefix} "] .monaco-tl-twistie`).first();
            expansions[tree].push(await clickToRow(page, twistie, new RegExp(`^${prefix}\\.1 `)));
            // Folded again, so the next task's row is on screen (a list draws only the rows in view).
            await twistie.click();
            await waitForRows(page, `the subtasks of ${prefix} folded`, (shown) => !shown.some((row) => row.startsWith(`${prefix}.1 `)), 30_000);
          }
        }
        const [subtasksMs, peerSubtasksMs] = [median(expansions.ours), median(expansions.peer)];
        rows.push([
          `Tasks tree expand of a task with ${EXPANDED_SUBTASKS} subtasks, against the bare extension tree (median of ${EXPANDED_TASKS} tasks, in turns)`,
          ms(subtasksMs),
          `bare extension tree ${ms(peerSubtasksMs)}`,
          `${(subtasksMs / peerSubtasksMs).toFixed(2)}× (goal ≤ 50 ms); ${expansions.ours.map(ms).join(', ')} against ${expansions.peer.map(ms).join(', ')}`,
        ]);
        await openViewContainer(page, 'Explorer', 30_000);
        const explorerMs = await clickToRow(page, page.locator('.part.sidebar .monaco-list-row[aria-label^="fifty"] .monaco-tl-twistie').first(), /^file-01/);
        rows.push([`Tasks tree expand of a task with ${EXPANDED_SUBTASKS} subtasks (press on the twistie → first subtask row in the page)`, ms(subtasksMs), `Explorer, folder of ${EXPANDED_SUBTASKS} files ${ms(explorerMs)}`, `${(subtasksMs / explorerMs).toFixed(1)}× (goal ≤ 50 ms)`]);
        // VS Code's own tree showing as many rows for the first time: what the Tasks tree's first render
        // compares with. The fifty files are folded away first so the large folder's row is on screen.
        await page.locator('.part.sidebar .monaco-list-row[aria-label^="fifty"] .monaco-tl-twistie').first().click();
        await waitForRows(page, 'the fifty files folded away', (shown) => !shown.some((row) => row.startsWith('file-01')), 30_000);
        const explorerRowsMs = await clickToRow(page, page.locator(`.part.sidebar .monaco-list-row[aria-label^="${MANY_FILES_FOLDER}"] .monaco-tl-twistie`).first(), /^row-0001/);
        rows.push([`Explorer, first render of a folder of ${label} files (press → first file row in the page), the Tasks tree's peer`, ms(explorerRowsMs), `Tasks tree, ${label} tasks ${ms(firstRowMs)}`, `the tree takes ${(firstRowMs / explorerRowsMs).toFixed(1)}× the Explorer's time`]);
      }
    } finally {
      await session.close();
    }
  }
  return rows;
}

/**
 * Click → first row of the Tasks tree and of the bare tree, in the order given, after a warm-up
 * view has loaded VS Code's extension-tree code.
 */
async function treeFirstRenders(session: VSCodeSession, order: Array<'ours' | 'peer'>): Promise<{ ours: number; peer: number }> {
  const { page } = session;
  // The features load once, a few seconds after activation (the activation row's figure does not
  // include them); a click while they load would time them too, by chance.
  await logLine(session.logsDir, 'the features to load', /Features loaded in/);
  await openViewContainer(page, 'Peer Warm-up', 60_000);
  await waitForRows(page, 'the warm-up row', (shown) => shown.includes('warm-up'), 60_000);
  // The first expansion in a window pays for loading VS Code's code for it: not the trees' to pay.
  await clickToRow(page, page.locator('.part.sidebar .monaco-list-row[aria-label^="warm-up"] .monaco-tl-twistie').first(), /^warm-up 1/);
  const times = { ours: 0, peer: 0 };
  for (const tree of order) {
    const container = tree === 'ours' ? 'Taskmaster' : 'Peer Tasks';
    times[tree] = await clickToRow(page, activityBarItem(page, container), tree === 'ours' ? /^\d+ / : /^peer /);
  }
  return times;
}

/**
 * Clicks `target` and times, in the page's own clock, from the press (the mousedown's timestamp) to
 * the first side bar row whose label matches `row` in the DOM (a mutation observer). Polling the
 * rows from here would add its interval and Playwright's round trips: up to 100 ms on a 50 ms goal.
 */
async function clickToRow(page: Page, target: Locator, row: RegExp, timeoutMs = 60_000): Promise<number> {
  await target.waitFor({ state: 'visible', timeout: timeoutMs });
  const armed = await page.evaluate(({ source, timeoutMs }) => {
    // (The page's own DOM types: this file is compiled without them. No named helper inside: tsx
    // would wrap it in a `__name` call the page lacks.)
    const page = globalThis as unknown as {
      clickToRow: Promise<number>;
      document: { body: unknown; querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }> };
      addEventListener(type: string, listener: (event: { timeStamp: number }) => void, options: object): void;
      MutationObserver: new (changed: (records: unknown, observer: { disconnect(): void }) => void) => { observe(node: unknown, options: object): void; disconnect(): void };
    };
    const pattern = new RegExp(source);
    const rows = '.part.sidebar .monaco-list-row';
    // A row already there would be "seen" at the first change after the click, whatever the click did.
    if ([...page.document.querySelectorAll(rows)].some((shown) => pattern.test(shown.getAttribute('aria-label') ?? ''))) return false;
    page.clickToRow = new Promise((resolve, reject) => {
      let pressedAt: number | undefined;
      page.addEventListener('mousedown', (event) => (pressedAt ??= event.timeStamp), { capture: true, once: true });
      const observer = new page.MutationObserver(() => {
        if (pressedAt === undefined || ![...page.document.querySelectorAll(rows)].some((shown) => pattern.test(shown.getAttribute('aria-label') ?? ''))) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now() - pressedAt);
      });
      observer.observe(page.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`no side bar row matching ${source} within ${timeoutMs} ms of the click`));
      }, timeoutMs);
    });
    return true;
  }, { source: row.source, timeoutMs });
  if (!armed) throw new Error(`a side bar row matching ${row} is shown before the click`);
  await target.click({ timeout: timeoutMs });
  return page.evaluate(() => (globalThis as unknown as { clickToRow: Promise<number> }).clickToRow);
}

/** A minimal extension showing the same plan in a tree (bench/peerTree): the Tasks tree's peer. */
const PEER_TREE = path.join(__dirname, 'peerTree');
/** A minimal extension showing a copy of the plan in a webview and following it (bench/peerBoard): the board's peer. */
const PEER_BOARD = path.join(__dirname, 'peerBoard');

/** The Explorer's folder with as many files as the first plan has tasks. */
const MANY_FILES_FOLDER = 'many-files';

/**
 * A generated plan whose tasks 1 to 3 (done, so collapsed) have 50 subtasks each, a folder of 50 files for the
 * Explorer, and for the first size a folder of as many files as the plan has tasks.
 */
async function writeTreePlan(workspace: string, size: number): Promise<string> {
  const plan = generateLargePlan(size, 3) as { master: { tasks: Array<Record<string, unknown>> } };
  for (const task of plan.master.tasks.slice(0, EXPANDED_TASKS)) {
    task.status = 'done';
    task.subtasks = Array.from({ length: EXPANDED_SUBTASKS }, (_, i) => ({ id: i + 1, title: `Part ${i + 1}`, description: '', details: '', status: 'pending', dependencies: [] }));
  }
  const text = taskMasterText(plan);
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), text);
  await fs.mkdir(path.join(workspace, 'fifty'));
  for (let i = 1; i <= EXPANDED_SUBTASKS; i++) await fs.writeFile(path.join(workspace, 'fifty', `file-${String(i).padStart(2, '0')}.txt`), `${i}\n`);
  if (size === TREE_SIZES[0]) {
    await fs.mkdir(path.join(workspace, MANY_FILES_FOLDER));
    for (let i = 1; i <= size; i++) await fs.writeFile(path.join(workspace, MANY_FILES_FOLDER, `row-${String(i).padStart(4, '0')}.txt`), `${i}\n`);
  }
  return text;
}

/** The "Activated in N ms, M ms CPU" line of the extension's log, once it is written. */
async function activationMs(logsDir: string): Promise<{ wall: number; cpu: number }> {
  const match = await logLine(logsDir, 'the extension to log its activation', /Activated in ([\d.]+) ms, ([\d.]+) ms CPU/, 120_000);
  return { wall: Number(match[1]), cpu: Number(match[2]) };
}

/** The extension's own time in the tree's first render, from its log ("First Tasks tree render: …"). */
async function extensionShare(logsDir: string): Promise<{ ms: number; rows: number }> {
  const match = await logLine(logsDir, 'the extension to log the first render', /First Tasks tree render: (\d+) rows made in ([\d.]+) ms/);
  return { rows: Number(match[1]), ms: Number(match[2]) };
}

/** The first match of `pattern` in the extension's log, once it is written. */
export async function logLine(logsDir: string, what: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return eventually(what, async () => {
    for (const file of await logFiles(logsDir)) {
      const match = pattern.exec(await fs.readFile(file, 'utf8'));
      if (match) return match;
    }
    return undefined;
  }, timeoutMs);
}

async function logFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name === 'Taskmaster Local.log').map((entry) => path.join(entry.parentPath, entry.name));
}
