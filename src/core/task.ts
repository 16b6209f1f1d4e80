/**
 * Task Master's task model as it appears in tasks.json. Only the fields the extension reads are
 * typed; every other field stays in the parsed object and in the file text untouched.
 */
export const TASK_STATUSES = ['pending', 'in-progress', 'review', 'done', 'deferred', 'cancelled', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export type RawId = number | string;

export interface RawSubtask {
  id: RawId;
  title?: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  status?: string;
  priority?: string;
  dependencies?: RawId[];
  [key: string]: unknown;
}

export interface RawTask extends RawSubtask {
  subtasks?: RawSubtask[];
}

export interface RawTagBlock {
  tasks: RawTask[];
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}

export function isTaskPriority(value: unknown): value is TaskPriority {
  return typeof value === 'string' && (TASK_PRIORITIES as readonly string[]).includes(value);
}

/** The status the extension works with: `completed` is Task Master's old spelling of `done`. */
export function effectiveStatus(raw: unknown): TaskStatus {
  if (raw === 'completed') return 'done';
  return isTaskStatus(raw) ? raw : 'pending';
}

export function isClosedStatus(status: TaskStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

export function effectivePriority(raw: unknown): TaskPriority {
  return isTaskPriority(raw) ? raw : 'medium';
}
