import type { TaskNode } from '../core/plan';
import type { TaskStatus } from '../core/task';

/** What the tree shows: tasks of some statuses, and/or whose id, title or text contains a string. */
export interface TaskFilter {
  statuses?: ReadonlySet<TaskStatus>;
  text?: string;
}

export function isFilterActive(filter: TaskFilter): boolean {
  return Boolean(filter.statuses?.size || filter.text);
}

function matchesSelf(task: TaskNode, filter: TaskFilter): boolean {
  if (filter.statuses?.size && !filter.statuses.has(task.status)) return false;
  if (!filter.text) return true;
  const needle = filter.text.toLowerCase();
  return [task.id, task.title, task.description, task.details].some((field) => field.toLowerCase().includes(needle));
}

/** A task shows when it matches or one of its subtasks does (so the match keeps its context). */
export function matchesFilter(task: TaskNode, filter: TaskFilter): boolean {
  return matchesSelf(task, filter) || task.subtasks.some((sub) => matchesSelf(sub, filter));
}

export function visibleSubtasks(task: TaskNode, filter: TaskFilter): TaskNode[] {
  if (!isFilterActive(filter) || matchesSelf(task, filter)) return task.subtasks;
  return task.subtasks.filter((sub) => matchesSelf(sub, filter));
}
