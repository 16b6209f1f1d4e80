/**
 * The Tasks tree's row pass after an outside change of one task in a 10,000-task plan: every row
 * VS Code holds compared (all 10,000 of the tag, or its first page), against the reload that
 * brought the change; then the check of the changed plan that follows in a turn of its own,
 * refreshing the rows whose problems changed. With the view hidden no row is compared; the changes
 * missed are caught up in one pass when it shows.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { locatePlan } from '../src/store/planLocation';
import { TaskStore } from '../src/store/taskStore';
import type { TaskFilter } from '../src/tree/taskFilter';
import { TreeElements } from '../src/tree/treeElements';
import type { Project } from '../src/workspace/projects';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';
import { median } from './timing';
import packageJson from '../package.json';

const TASKS = 10_000;
const RUNS = 7;
/** The default of taskmaster.tree.pageSize, as package.json declares it. */
const DEFAULT_PAGE_SIZE: number = packageJson.contributes.configuration.properties['taskmaster.tree.pageSize'].default;

export async function treeRowPassRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const root = path.join(dir, 'tree-rows');
  const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  await fs.mkdir(path.dirname(tasksFile), { recursive: true });
  const plan = generateLargePlan(TASKS) as { master: { tasks: Array<{ title: string }> } };
  await fs.writeFile(tasksFile, taskMasterText(plan));
  const store = new TaskStore(locatePlan(root));
  await store.reload();
  const project = { folder: { uri: `file://${root}`, name: 'bench', index: 0 }, store } as unknown as Project;
  let edits = 0;
  const outsideEdit = async () => {
    plan.master.tasks[TASKS / 2].title = `Renamed outside (${++edits})`;
    await fs.writeFile(tasksFile, taskMasterText(plan));
    return timed(() => store.reload());
  };
  /** One row pass per outside edit, with every row of the tag asked for or only the first page. */
  const passes = async (pageSize: number) => {
    const elements = new TreeElements({ withPlan: [project], shown: {} as TaskFilter, problemsDue: () => true, pageSize });
    elements.roots();
    elements.update(false);
    const times = { reloads: [] as number[], shown: [] as number[], checks: [] as number[], hidden: [] as number[], caughtUp: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      times.reloads.push(await outsideEdit());
      times.shown.push(await timed(() => elements.update(false)));
      times.checks.push(await timed(() => elements.checkProblems()));
      elements.setShown(false);
      await outsideEdit();
      times.hidden.push(await timed(() => elements.update(false)));
      times.caughtUp.push(await timed(() => elements.setShown(true)));
      elements.checkProblems();
    }
    return times;
  };
  try {
    const rows: string[][] = [];
    for (const pageSize of [0, DEFAULT_PAGE_SIZE]) {
      const { reloads, shown, checks, hidden, caughtUp } = await passes(pageSize);
      const which = pageSize ? `the first page of ${pageSize} rows shown (the default)` : 'every row shown (pageSize 0)';
      rows.push([
        `Tasks tree row pass after an outside edit of 1 task of ${TASKS.toLocaleString('en')}, ${which} (median of ${RUNS})`,
        ms(median(shown)),
        `the reload that brought it ${ms(median(reloads))}`,
        `${(median(shown) / median(reloads)).toFixed(2)}×; the check that follows ${ms(median(checks))}; with the view hidden ${ms(median(hidden))}, caught up when it shows in ${ms(median(caughtUp))}`,
      ]);
    }
    return rows;
  } finally {
    store.dispose();
  }
}

async function timed(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
