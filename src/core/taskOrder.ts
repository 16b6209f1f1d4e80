import type { TagView, TaskNode } from './plan';
import { isClosedStatus } from './task';

/**
 * The dependencies of a task that are not done yet, as for the next task: only `done` meets a
 * dependency, and a missing task never will.
 */
export function unmetDependencies(task: TaskNode, tag: TagView): string[] {
  return task.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
}

/**
 * Tasks in the order a picker offers them: the work at hand first (in progress, then the next task,
 * then pending), then the rest that is open, done and cancelled last; file order within each.
 * A subtask stays under its parent: a parent ranks with its best subtask, and its subtasks are
 * ordered among themselves.
 */
export function orderForPicking(tasks: Iterable<TaskNode>, next?: TaskNode): TaskNode[] {
  const list = [...tasks];
  const listed = new Set(list);
  const rank = (task: TaskNode): number => {
    if (task.status === 'in-progress') return 0;
    if (task === next) return 1;
    if (task.status === 'pending') return 2;
    return isClosedStatus(task.status) ? 4 : 3;
  };
  const byRank = (a: TaskNode, b: TaskNode) => rank(a) - rank(b);
  // A group is a listed task with its listed subtasks, or a subtask listed without its parent.
  const groups = list
    .filter((task) => !task.parent || !listed.has(task.parent))
    .map((head) => [head, ...head.subtasks.filter((sub) => listed.has(sub)).sort(byRank)]);
  const groupRank = (group: TaskNode[]) => Math.min(...group.map(rank));
  return groups.sort((a, b) => groupRank(a) - groupRank(b)).flat();
}
