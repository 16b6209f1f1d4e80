import type { Plan, PlanProblem } from '../core/plan';
import { validatePlan } from '../core/validation';

/** Problems a task row shows: errors and warnings (notes such as an empty description stay in Problems). */
const SHOWN = new Set<PlanProblem['severity']>(['error', 'warning']);

const byPlan = new WeakMap<Plan, Map<string, PlanProblem[]>>();

/** The problems of one task, found once per loaded plan (a reload brings a new Plan object). */
export function taskProblems(plan: Plan, tag: string, taskId: string): PlanProblem[] {
  return problemsByTask(plan).get(problemKey(tag, taskId)) ?? [];
}

/** The tasks whose rows show other problems in `after` than in `before` (nothing checked: none). */
export function tasksWithOtherProblems(before: Plan | undefined, after: Plan): Array<{ tag: string; taskId: string }> {
  const old = before ? problemsByTask(before) : new Map<string, PlanProblem[]>();
  const now = problemsByTask(after);
  const differ = (key: string) => (old.get(key) ?? []).map((problem) => problem.message).join('\n') !== (now.get(key) ?? []).map((problem) => problem.message).join('\n');
  return [...new Set([...old.keys(), ...now.keys()])].filter(differ).map((key) => {
    const [tag, taskId] = key.split('\u0000');
    return { tag, taskId };
  });
}

function problemsByTask(plan: Plan): Map<string, PlanProblem[]> {
  let index = byPlan.get(plan);
  if (!index) {
    index = new Map();
    for (const problem of validatePlan(plan).problems) {
      if (!SHOWN.has(problem.severity) || problem.tag === undefined || problem.taskId === undefined) continue;
      const key = problemKey(problem.tag, problem.taskId);
      index.set(key, [...(index.get(key) ?? []), problem]);
    }
    byPlan.set(plan, index);
  }
  return index;
}

function problemKey(tag: string, taskId: string): string {
  return `${tag}\u0000${taskId}`;
}
