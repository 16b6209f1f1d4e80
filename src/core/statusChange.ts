import { OperationError, requireTag, requireTask, touchTag, type JsonEdit, type PlanOperation } from './operations';
import type { TagView, TaskNode } from './plan';
import type { TaskStatus } from './task';

/**
 * Status changes as `task-master set-status` (0.43) makes them, one id after the other:
 * - a task or subtask whose status changes gets `updatedAt`;
 * - after a subtask changes, its parent follows its subtasks: all done → done; any in progress or
 *   done → in-progress; all pending → pending; otherwise it keeps its status. The parent's
 *   `updatedAt` is stamped either way;
 * - a task set to done leaves its subtasks as they are.
 * Unlike Task Master, which writes the ids before a missing one and then fails, every id is checked
 * first: a missing id changes nothing.
 */
export function setStatuses(ids: string[], status: TaskStatus): PlanOperation {
  return changeStatuses(ids.map((id) => ({ id, status })));
}

/** A status for one task or subtask. */
export interface StatusChange {
  id: string;
  status: TaskStatus;
}

/**
 * Several tasks, each to its own status, in one write with setStatuses' semantics (applied in the
 * order given): how a sync that closes some tasks and cancels others changes them.
 */
export function changeStatuses(changes: StatusChange[]): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    if (changes.length === 0) throw new OperationError('Name at least one task id.', 'invalid');
    const targets = changes.map((change) => ({ task: requireTask(view, change.id), status: change.status }));
    const statuses = new Map<TaskNode, string | undefined>();
    const stamped = new Set<TaskNode>();
    const statusOf = (task: TaskNode) => (statuses.has(task) ? statuses.get(task) : rawStatus(task));
    for (const { task, status } of targets) {
      if (statusOf(task) === status) continue;
      statuses.set(task, status);
      stamped.add(task);
      if (task.parent) {
        const parentStatus = statusFromSubtasks(task.parent.subtasks.map((sub) => statusOf(sub) ?? 'pending'));
        if (parentStatus) statuses.set(task.parent, parentStatus);
        stamped.add(task.parent);
      }
    }
    if (stamped.size === 0) return [];
    const stamp = now.toISOString();
    const edits: JsonEdit[] = [];
    for (const task of stamped) {
      if (statusOf(task) !== rawStatus(task)) edits.push({ kind: 'set', path: [...task.path, 'status'], value: statusOf(task) });
      edits.push({ kind: 'set', path: [...task.path, 'updatedAt'], value: stamp });
    }
    const done = view.tasks.filter((task) => statusOf(task) === 'done').length;
    return [...edits, ...touchTag(view, now), ...refreshTagCounts(view, done)];
  };
}

function rawStatus(task: TaskNode): string | undefined {
  return typeof task.raw.status === 'string' ? task.raw.status : undefined;
}

/** The parent's status its subtasks imply, or undefined when they imply none. */
function statusFromSubtasks(statuses: string[]): TaskStatus | undefined {
  const isDone = (status: string) => status === 'done' || status === 'completed';
  if (statuses.every(isDone)) return 'done';
  if (statuses.some((status) => status === 'in-progress' || isDone(status))) return 'in-progress';
  if (statuses.every((status) => status === 'pending')) return 'pending';
  return undefined;
}

/**
 * Task Master's newer core keeps `taskCount` and `completedCount` in a tag's metadata; keep them
 * true where the file has them, add none.
 */
export function refreshTagCounts(view: TagView, completed: number, taskCount = view.tasks.length): JsonEdit[] {
  const counts: Record<string, number> = { taskCount, completedCount: completed };
  return Object.entries(counts)
    .filter(([key, value]) => view.metadata && key in view.metadata && view.metadata[key] !== value)
    .map(([key, value]) => ({ kind: 'set', path: [...view.path, 'metadata', key], value }));
}
