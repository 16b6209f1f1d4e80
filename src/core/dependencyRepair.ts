import { OperationError, requireTag, touchTag, type JsonEdit, type PlanOperation } from './operations';
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

/** One dependency link: `taskId` waits on `dependency`. */
export interface DependencyLink {
  taskId: string;
  dependency: string;
}

/**
 * The links of the cycle that `taskId → dependency` closes, starting with that link: removing any
 * one of them breaks this cycle. Empty when the link closes none.
 */
export function cycleLinks(view: TagView, taskId: string, dependency: string): DependencyLink[] {
  // Breadth-first from the dependency back to the task, so the cycle offered is a shortest one.
  const cameFrom = new Map<string, string>([[dependency, '']]);
  const queue = [dependency];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === taskId) {
      const path: string[] = [];
      for (let at = taskId; at !== ''; at = cameFrom.get(at)!) path.unshift(at);
      const links: DependencyLink[] = [{ taskId, dependency }];
      for (let i = 0; i + 1 < path.length; i++) links.push({ taskId: path[i], dependency: path[i + 1] });
      return links;
    }
    for (const next of view.byId.get(id)?.dependencies ?? []) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, id);
      queue.push(next);
    }
  }
  return [];
}

/**
 * Gives the `occurrence`-th task (0 is the first, which keeps its id) holding `id` in the tag a new
 * id: the next free top-level id, or for a subtask the next free one among its siblings. What
 * depends on `id` keeps naming the first, as every command already reads it.
 */
export function renumberDuplicateId(id: string, occurrence: number, onId?: (id: string) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const holders = [...allTasks(view)].filter((task) => task.id === id);
    const task = occurrence > 0 ? holders[occurrence] : undefined;
    if (!task) throw new OperationError(`Tag "${view.name}" has no second task with id ${id} any more.`, 'not-found');
    const next = nextSiblingNumber(view, task);
    onId?.(task.parent ? `${task.parent.id}.${next}` : String(next));
    return [{ kind: 'set', path: [...task.path, 'id'], value: next }, ...touchTag(view, now)];
  };
}

/** The number after the highest id among a task's siblings (the tag's tasks, or its parent's subtasks). */
export function nextSiblingNumber(view: TagView, task: TaskNode): number {
  const siblings = task.parent ? task.parent.subtasks : view.tasks;
  return Math.max(0, ...siblings.map((sibling) => Number(sibling.raw.id)).filter(Number.isFinite)) + 1;
}
