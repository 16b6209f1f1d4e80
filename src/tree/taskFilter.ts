import type { TaskNode } from '../core/plan';
import type { TaskStatus } from '../core/task';

/**
 * What the tree shows: tasks of some statuses, and/or whose id, title or text contains a string;
 * `hideDone` (the title bar's toggle, remembered per workspace) leaves done tasks out besides.
 */
export interface TaskFilter {
  statuses?: ReadonlySet<TaskStatus>;
  text?: string;
  hideDone?: boolean;
}

/** Whether the user's filter (what Clear Filter clears) narrows the tree; Hide Done is apart. */
export function isFilterActive(filter: TaskFilter): boolean {
  return Boolean(filter.statuses?.size || filter.text);
}

/** The filter in a few words, for the view's title (undefined when the tree shows everything). */
export function describeFilter(filter: TaskFilter): string | undefined {
  const parts: string[] = [];
  if (filter.statuses?.size) parts.push(`status: ${[...filter.statuses].join(', ')}`);
  if (filter.text) parts.push(`text: "${filter.text}"`);
  if (filter.hideDone) parts.push('done hidden');
  return parts.length ? parts.join(' · ') : undefined;
}

function matchesSelf(task: TaskNode, filter: TaskFilter): boolean {
  if (filter.hideDone && task.status === 'done') return false;
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
  const shown = filter.hideDone ? task.subtasks.filter((sub) => sub.status !== 'done') : task.subtasks;
  if (!isFilterActive(filter) || matchesSelf(task, filter)) return shown;
  return shown.filter((sub) => matchesSelf(sub, filter));
}

/** Whether a task has a row in the tree under this filter (a subtask needs its parent's row too). */
export function isShown(task: TaskNode, filter: TaskFilter): boolean {
  if (!task.parent) return matchesFilter(task, filter);
  return matchesFilter(task.parent, filter) && visibleSubtasks(task.parent, filter).includes(task);
}
