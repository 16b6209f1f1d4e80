/**
 * Time to first render of a 1,000-task plan in a real VS Code (code-server): the board webview
 * against the Tasks tree of the same plan in the same window, the tree being the peer. Both are
 * timed from the user's action (the command, the activity bar click) to the first task on screen.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FrameLocator, Page } from 'playwright-core';
import { packageExtension } from '../test/e2e/stagedExtension';
import { eventually, launchVSCode, openViewContainer, runCommand, waitForRows } from '../test/e2e/vscodeHarness';
import { time } from './timing';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';

const TASKS = 1000;
const BOARD_RUNS = 3;

export async function boardRenderRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const workspace = path.join(dir, 'board-plan');
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), taskMasterText(generateLargePlan(TASKS, 3)));
  const { extensionDir } = packageExtension(dir);
  const session = await launchVSCode({ extensionDevPath: extensionDir, workspace });
  try {
    const { page } = session;
    const treeMs = await timed(async () => {
      await openViewContainer(page, 'Taskmaster', 30_000);
      await waitForRows(page, 'the first task rows', (rows) => rows.some((row) => /^\d+ /.test(row)), 30_000);
    });
    const boardMs: number[] = [];
    for (let run = 0; run < BOARD_RUNS; run++) {
      boardMs.push(
        await timed(async () => {
          await runCommand(page, 'Taskmaster: Open Board', 30_000);
          await board(page).locator('[data-task-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
        }),
      );
      await runCommand(page, 'View: Close All Editors');
      await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: 10_000 });
    }
    const boardMedian = [...boardMs].sort((a, b) => a - b)[Math.floor(BOARD_RUNS / 2)];
    return [[`board first render, ${TASKS.toLocaleString('en')} tasks (Open Board → first card; median of ${BOARD_RUNS})`, ms(boardMedian), `Tasks tree ${ms(treeMs)}`, `${(boardMedian / treeMs).toFixed(1)}× the tree's time`]];
  } finally {
    await session.close();
  }
}

function board(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * The Tasks tree in a real VS Code (code-server): its first render at 1,000 and 10,000 tasks (the
 * activity bar click → the first task row, once the extension has activated), the expansion of a
 * task with 50 subtasks against the Explorer expanding a folder of 50 files in the same window, and
 * activation as the extension logs it (activate() start to end, plan loaded).
 */
const TREE_SIZES = [1000, 10_000];
const EXPANDED_SUBTASKS = 50;

export async function treeRenderRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const extensionRoot = path.join(dir, 'tree-extension');
  await fs.mkdir(extensionRoot, { recursive: true });
  const { extensionDir } = packageExtension(extensionRoot);
  const rows: string[][] = [];
  for (const size of TREE_SIZES) {
    const workspace = path.join(dir, `tree-${size}`);
    const text = await writeTreePlan(workspace, size);
    const parseMs = time(5, () => JSON.parse(text));
    const session = await launchVSCode({ extensionDevPath: extensionDir, workspace });
    try {
      const { page } = session;
      const activated = await activationMs(session.logsDir);
      const firstRowMs = await timed(async () => {
        await openViewContainer(page, 'Taskmaster', 60_000);
        await waitForRows(page, 'the first task rows', (shown) => shown.some((row) => /^\d+ /.test(row)), 60_000);
      });
      const label = size.toLocaleString('en');
      rows.push([`Tasks tree first render, ${label} tasks (activity bar click → first row, extension activated)`, ms(firstRowMs), `JSON.parse of the file ${ms(parseMs)}`, `${(firstRowMs / parseMs).toFixed(1)}× (goal ≤ ${size === 1000 ? '300 ms' : '1 s'})`]);
      rows.push([`activation, ${label}-task plan (activate() start → end, plan loaded; the extension's log)`, `${ms(activated.wall)} (${ms(activated.cpu)} CPU)`, `JSON.parse of the file ${ms(parseMs)}`, `${(activated.cpu / parseMs).toFixed(1)}× in CPU (goal ≤ 50 ms)`]);
      if (size === TREE_SIZES[0]) {
        const subtasksMs = await timed(async () => {
          await page.locator('.part.sidebar .monaco-list-row[aria-label^="1 "] .monaco-tl-twistie').first().click();
          await waitForRows(page, `subtask 1.1 of the ${EXPANDED_SUBTASKS}`, (shown) => shown.some((row) => row.startsWith('1.1 ')), 30_000);
        });
        await openViewContainer(page, 'Explorer', 30_000);
        const explorerMs = await timed(async () => {
          await page.locator('.part.sidebar .monaco-list-row[aria-label^="fifty"] .monaco-tl-twistie').first().click();
          await waitForRows(page, 'the first file of the folder', (shown) => shown.some((row) => row.startsWith('file-01')), 30_000);
        });
        rows.push([`Tasks tree expand of a task with ${EXPANDED_SUBTASKS} subtasks (click → first subtask row)`, ms(subtasksMs), `Explorer, folder of ${EXPANDED_SUBTASKS} files ${ms(explorerMs)}`, `${(subtasksMs / explorerMs).toFixed(1)}× (goal ≤ 50 ms)`]);
      }
    } finally {
      await session.close();
    }
  }
  return rows;
}

/** A generated plan whose task 1 (done, so collapsed) has 50 subtasks, and a folder of 50 files for the Explorer. */
async function writeTreePlan(workspace: string, size: number): Promise<string> {
  const plan = generateLargePlan(size, 3) as { master: { tasks: Array<Record<string, unknown>> } };
  const first = plan.master.tasks[0];
  first.status = 'done';
  first.subtasks = Array.from({ length: EXPANDED_SUBTASKS }, (_, i) => ({ id: i + 1, title: `Part ${i + 1}`, description: '', details: '', status: 'pending', dependencies: [] }));
  const text = taskMasterText(plan);
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), text);
  await fs.mkdir(path.join(workspace, 'fifty'));
  for (let i = 1; i <= EXPANDED_SUBTASKS; i++) await fs.writeFile(path.join(workspace, 'fifty', `file-${String(i).padStart(2, '0')}.txt`), `${i}\n`);
  return text;
}

/** The "Activated in N ms, M ms CPU" line of the extension's log, once it is written. */
async function activationMs(logsDir: string): Promise<{ wall: number; cpu: number }> {
  return eventually('the extension to log its activation', async () => {
    for (const file of await logFiles(logsDir)) {
      const match = /Activated in ([\d.]+) ms, ([\d.]+) ms CPU/.exec(await fs.readFile(file, 'utf8'));
      if (match) return { wall: Number(match[1]), cpu: Number(match[2]) };
    }
    return undefined;
  }, 120_000);
}

async function logFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name === 'Taskmaster Local.log').map((entry) => path.join(entry.parentPath, entry.name));
}
