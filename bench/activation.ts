/**
 * The extension's activation on its own: a window whose folder gets its plan only once VS Code has
 * started (so nothing activates it at startup), the extension then activated by opening its view
 * while nothing else is starting. The startup rows count every extension starting beside it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { packageExtension } from '../test/e2e/stagedExtension';
import { launchVSCode, openViewContainer } from '../test/e2e/vscodeHarness';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';
import { logLine } from './boardRender';
import { median, time } from './timing';

const TASKS = 1000;
const RUNS = 3;
/** Long enough for code-server's own extensions to have started. */
const SETTLE_MS = 8000;

export async function isolatedActivationRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const extensionRoot = path.join(dir, 'activation-extension');
  await fs.mkdir(extensionRoot, { recursive: true });
  const { extensionDir } = packageExtension(extensionRoot);
  const text = taskMasterText(generateLargePlan(TASKS, 3));
  const runs: Array<{ wall: number; cpu: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const workspace = path.join(dir, `activation-${run}`);
    await fs.mkdir(workspace, { recursive: true });
    const session = await launchVSCode({ extensionDevPath: extensionDir, workspace });
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
      await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), text);
      await openViewContainer(session.page, 'Taskmaster', 60_000);
      const match = await logLine(session.logsDir, 'the extension to log its activation', /Activated in ([\d.]+) ms, ([\d.]+) ms CPU/, 60_000);
      runs.push({ wall: Number(match[1]), cpu: Number(match[2]) });
    } finally {
      await session.close();
    }
  }
  const parseMs = time(5, () => JSON.parse(text));
  const cpu = runs.map((run) => run.cpu);
  return [
    [
      `activation on its own, ${TASKS.toLocaleString('en')}-task plan (opening the view once VS Code has started; median of ${RUNS} windows)`,
      `${ms(median(runs.map((run) => run.wall)))} (${ms(median(cpu))} CPU)`,
      `JSON.parse of the file ${ms(parseMs)}`,
      `CPU ${ms(Math.min(...cpu))}–${ms(Math.max(...cpu))} (goal ≤ 50 ms)`,
    ],
  ];
}
