/**
 * The Tasks tree's row pass after an outside change of one task in a 10,000-task plan: every row
 * VS Code holds compared, against the reload that brought the change; then the check of the changed
 * plan that follows in a turn of its own, refreshing the rows whose problems changed. With the view
 * hidden no row is compared; the changes missed are caught up in one pass when it shows.
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

const TASKS = 10_000;
const RUNS = 7;

export async function treeRowPassRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const root = path.join(dir, 'tree-rows');
  const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  await fs.mkdir(path.dirname(tasksFile), { recursive: true });
  const plan = generateLargePlan(TASKS) as { master: { tasks: Array<{ title: string }> } };
  await fs.writeFile(tasksFile, taskMasterText(plan));
  const store = new TaskStore(locatePlan(root));
  await store.reload();
  const project = { folder: { uri: `file://${root}`, name: 'bench', index: 0 }, store } as unknown as Project;
  const elements = new TreeElements({ withPlan: [project], shown: {} as TaskFilter, problemsDue: () => true });
  elements.roots();
  elements.update(false);
  let edits = 0;
  const outsideEdit = async () => {
    plan.master.tasks[TASKS / 2].title = `Renamed outside (${++edits})`;
    await fs.writeFile(tasksFile, taskMasterText(plan));
    return timed(() => store.reload());
  };
  const reloads: number[] = [];
  const shown: number[] = [];
  const checks: number[] = [];
  const hidden: number[] = [];
  const caughtUp: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      reloads.push(await outsideEdit());
      shown.push(await timed(() => elements.update(false)));
      checks.push(await timed(() => elements.checkProblems()));
      elements.setShown(false);
      await outsideEdit();
      hidden.push(await timed(() => elements.update(false)));
      caughtUp.push(await timed(() => elements.setShown(true)));
      elements.checkProblems();
    }
  } finally {
    store.dispose();
  }
  return [
    [
      `Tasks tree row pass after an outside edit of 1 task of ${TASKS.toLocaleString('en')} (every row compared; median of ${RUNS})`,
      ms(median(shown)),
      `the reload that brought it ${ms(median(reloads))}`,
      `${(median(shown) / median(reloads)).toFixed(2)}×; the check that follows ${ms(median(checks))}; with the view hidden ${ms(median(hidden))}, caught up when it shows in ${ms(median(caughtUp))}`,
    ],
  ];
}

async function timed(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
