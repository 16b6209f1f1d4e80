import { requireTag, touchTag, type JsonEdit, type PlanOperation } from './operations';
import { allTasks, type TagView, type TaskNode } from './plan';

export interface RemovedDependency {
  taskId: string;
  dependency: string;
  reason: 'missing' | 'self' | 'duplicate';
}

/**
 * The dependencies `fix-dependencies` drops from one tag: those naming a missing task, the task
 * itself, or a task already listed ("2" and 2 and, in a subtask, "5.2" and 2 are one task).
 * Cycles stay: which link to cut is the user's call, and Task Master keeps them too.
 */
export function findRemovableDependencies(view: TagView): Array<RemovedDependency & { task: TaskNode; index: number }> {
  const found: Array<RemovedDependency & { task: TaskNode; index: number }> = [];
  for (const task of allTasks(view)) {
    const seen = new Set<string>();
    task.dependencies.forEach((dependency, index) => {
      const reason = dependency === task.id ? 'self' : !view.byId.has(dependency) ? 'missing' : seen.has(dependency) ? 'duplicate' : undefined;
      seen.add(dependency);
      if (reason) found.push({ taskId: task.id, dependency, reason, task, index });
    });
  }
  return found;
}

/** Removes what findRemovableDependencies finds; `onRemoved` learns what went. */
export function fixDependencies(onRemoved?: (removed: RemovedDependency[]) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const removable = findRemovableDependencies(view);
    onRemoved?.(removable.map(({ taskId, dependency, reason }) => ({ taskId, dependency, reason })));
    if (removable.length === 0) return [];
    const byTask = new Map<TaskNode, Set<number>>();
    for (const { task, index } of removable) byTask.set(task, (byTask.get(task) ?? new Set()).add(index));
    const edits: JsonEdit[] = [...byTask].map(([task, drop]) => ({
      kind: 'set',
      path: [...task.path, 'dependencies'],
      value: (task.raw.dependencies as unknown[]).filter((_, index) => !drop.has(index)),
    }));
    return [...edits, ...touchTag(view, now)];
  };
}
