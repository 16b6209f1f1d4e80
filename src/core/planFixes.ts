import { cycleLinks, nextSiblingNumber, renumberDuplicateId } from './dependencyRepair';
import { removeDependency, type PlanOperation } from './operations';
import { allTasks, type JsonPath, type Plan, type PlanProblem, type TagView, type TaskNode } from './plan';

/** A fix for one plan problem, as plain data (it travels as a command argument). */
export type PlanFix =
  | { kind: 'remove-dependency'; tag: string; taskId: string; dependency: string }
  | { kind: 'renumber-duplicate'; tag: string; id: string; occurrence: number; newId: string };

/** The fixes a problem can take, most likely first; none for problems only the user can settle. */
export function fixesFor(plan: Plan, problem: PlanProblem): Array<{ title: string; fix: PlanFix }> {
  const view = problem.tag === undefined ? undefined : plan.tags.get(problem.tag);
  if (!view) return [];
  switch (problem.code) {
    case 'missing-dependency':
    case 'self-dependency': {
      const link = linkAt(view, problem.path);
      if (!link) return [];
      const what = problem.code === 'self-dependency' ? 'on itself' : `on missing ${link.dependency}`;
      return [{ title: `Remove ${link.task.id}'s dependency ${what}`, fix: { kind: 'remove-dependency', tag: view.name, taskId: link.task.id, dependency: link.dependency } }];
    }
    case 'dependency-cycle': {
      const link = linkAt(view, problem.path);
      if (!link) return [];
      return cycleLinks(view, link.task.id, link.dependency).map(({ taskId, dependency }) => ({
        title: `Break the cycle: ${taskId} no longer depends on ${dependency}`,
        fix: { kind: 'remove-dependency', tag: view.name, taskId, dependency },
      }));
    }
    case 'duplicate-id': {
      const task = taskAt(view, problem.path.slice(0, -1));
      if (!task) return [];
      const occurrence = [...allTasks(view)].filter((other) => other.id === task.id).indexOf(task);
      const next = nextSiblingNumber(view, task);
      const newId = task.parent ? `${task.parent.id}.${next}` : String(next);
      return [{ title: `Renumber this task ${task.id} to ${newId}`, fix: { kind: 'renumber-duplicate', tag: view.name, id: task.id, occurrence, newId } }];
    }
    default:
      return [];
  }
}

/** The store operation that makes a fix, re-checked against the freshest plan when it runs. */
export function fixOperation(fix: PlanFix): PlanOperation {
  return fix.kind === 'remove-dependency' ? removeDependency(fix.taskId, fix.dependency) : renumberDuplicateId(fix.id, fix.occurrence);
}

/** The task whose object is at `path`: the problem's own one, even where ids repeat. */
function taskAt(view: TagView, path: JsonPath): TaskNode | undefined {
  const key = JSON.stringify(path);
  for (const task of allTasks(view)) if (JSON.stringify(task.path) === key) return task;
  return undefined;
}

/** The dependency at `[...task path, 'dependencies', index]`. */
function linkAt(view: TagView, path: JsonPath): { task: TaskNode; dependency: string } | undefined {
  const index = path[path.length - 1];
  const task = taskAt(view, path.slice(0, -2));
  const dependency = typeof index === 'number' ? task?.dependencies[index] : undefined;
  return task && dependency !== undefined ? { task, dependency } : undefined;
}
