import type { Plan, PlanProblem } from '../core/plan';
import { validatePlan } from '../core/validation';

/** Problems a task row shows: errors and warnings (notes such as an empty description stay in Problems). */
const SHOWN = new Set<PlanProblem['severity']>(['error', 'warning']);

const byPlan = new WeakMap<Plan, Map<string, PlanProblem[]>>();

/** The problems of one task, found once per loaded plan (a reload brings a new Plan object). */
export function taskProblems(plan: Plan, tag: string, taskId: string): PlanProblem[] {
  let index = byPlan.get(plan);
  if (!index) {
    index = new Map();
    for (const problem of validatePlan(plan).problems) {
      if (!SHOWN.has(problem.severity) || problem.tag === undefined || problem.taskId === undefined) continue;
      const key = `${problem.tag}\u0000${problem.taskId}`;
      index.set(key, [...(index.get(key) ?? []), problem]);
    }
    byPlan.set(plan, index);
  }
  return index.get(`${tag}\u0000${taskId}`) ?? [];
}
