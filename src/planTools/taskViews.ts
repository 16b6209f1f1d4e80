import type { TagView, TaskNode } from '../core/plan';
import type { TaskPriority, TaskStatus } from '../core/task';

/**
 * Tasks as the tools show them to a model: compact rows for lists, the full text for one task.
 * Ids are canonical strings ("12", "12.3"), the form every tool accepts back.
 */
export interface TaskRow {
  id: string;
  title: string;
  status: TaskStatus;
  priority: TaskPriority;
  dependencies: string[];
  /** Subtasks done out of all, e.g. "2/5". */
  subtasks: string;
}

export interface SubtaskRow {
  id: string;
  title: string;
  status: TaskStatus;
  dependencies: string[];
}

export function taskRow(task: TaskNode): TaskRow {
  const done = task.subtasks.filter((sub) => sub.status === 'done').length;
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    dependencies: [...task.dependencies],
    subtasks: `${done}/${task.subtasks.length}`,
  };
}

export function subtaskRow(task: TaskNode): SubtaskRow {
  return { id: task.id, title: task.title, status: task.status, dependencies: [...task.dependencies] };
}

/** One task in full; a top-level task lists its subtasks as rows (those `keepSubtask` accepts). */
export function taskDetail(task: TaskNode, tag: TagView, keepSubtask: (sub: TaskNode) => boolean = () => true) {
  const waitingOn = task.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
  return {
    id: task.id,
    ...(task.parent ? { parentId: task.parent.id } : {}),
    title: task.title,
    status: task.status,
    ...(task.parent ? {} : { priority: task.priority }),
    description: task.description,
    details: task.details,
    testStrategy: task.testStrategy,
    dependencies: [...task.dependencies],
    // What still blocks it, so a model need not look each dependency up.
    ...(waitingOn.length ? { waitingOn } : {}),
    ...(task.parent ? {} : { subtasks: task.subtasks.filter(keepSubtask).map(subtaskRow) }),
  };
}

/** A tag's size for tag listings: its top-level tasks, and how many are done. */
export function tagCounts(tag: TagView): { tasks: number; done: number } {
  return { tasks: tag.tasks.length, done: tag.tasks.filter((task) => task.status === 'done').length };
}

/** How many top-level tasks have each status, e.g. { pending: 12, done: 30 }. */
export function statusCounts(tasks: readonly TaskNode[]): Partial<Record<TaskStatus, number>> {
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const task of tasks) counts[task.status] = (counts[task.status] ?? 0) + 1;
  return counts;
}

/** What every model tool returns besides its own rows: the model that answered, and warnings only when there are some. */
export function modelFields(outcome: { model: string; warnings: string[] }): { model: string; warnings?: string[] } {
  return { model: outcome.model, ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}) };
}

/** One page of a long list: `total` counts every entry, `nextOffset` is there while more remain. */
export function page<T>(entries: readonly T[], offset: number, limit: number) {
  const items = entries.slice(offset, offset + limit);
  const end = offset + items.length;
  return { total: entries.length, offset, ...(end < entries.length ? { nextOffset: end } : {}), items };
}

/** A badly broken plan can have thousands of dependency problems; the first ones say enough. */
export const MAX_LISTED_PROBLEMS = 100;
