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
import { launchVSCode, openViewContainer, runCommand, waitForRows } from '../test/e2e/vscodeHarness';
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
