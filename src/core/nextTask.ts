import type { TagView, TaskNode } from './plan';
import type { TaskPriority } from './task';

/**
 * The task to work on next, with exactly `task-master next`'s answer (task-master-ai 0.43):
 *
 * 1. Only tasks that are pending, in-progress or done take part; deferred, cancelled, blocked and
 *    review tasks drop out with their subtasks. A dependency is met only by status `done`.
 * 2. Subtasks (pending or in-progress) of in-progress tasks whose dependencies are met come first,
 *    even before a critical top-level task. A subtask's plain dependency (a number, or a string
 *    without a dot) names a sibling; a dotted string names any subtask.
 * 3. Otherwise pending or in-progress top-level tasks whose dependencies are met.
 *
 * Both are ranked by priority (TaskNode.priority: critical, high, medium, low; anything else counts
 * as medium; a subtask without one takes its parent's), then by fewer dependencies, then by numeric
 * id, then by file order. Ids are compared as Task Master compares them: as written, without
 * normalising.
 *
 * Where Task Master refuses a plan (a top-level task without a priority, with an unknown status),
 * this still answers: the missing priority counts as medium, `completed` as done and any other
 * unknown status as pending (the validator reports them).
 */
const PRIORITY_WEIGHT: Record<TaskPriority, number> = { critical: 4, high: 3, medium: 2, low: 1 };

interface Candidate {
  node: TaskNode;
  /** The id as Task Master forms it: String(id) of a task, "<parent>.<sub>" of a subtask. */
  id: string;
  weight: number;
  dependencyCount: number;
}

/** A subtask candidate with its id's parts as numbers, split once rather than in every comparison. */
interface SubtaskCandidate extends Candidate {
  parentNumber: number;
  subNumber: number;
}

export function findNextTask(tag: TagView): TaskNode | undefined {
  const active = tag.tasks.filter((task) => task.status === 'pending' || task.status === 'in-progress' || task.status === 'done');
  const done = new Set<string>();
  for (const task of active) {
    const id = String(task.raw.id);
    if (task.status === 'done') done.add(id);
    for (const sub of task.subtasks) if (sub.raw.status === 'done') done.add(`${id}.${String(sub.raw.id)}`);
  }

  const subtasks: SubtaskCandidate[] = [];
  for (const parent of active) {
    if (parent.status !== 'in-progress') continue;
    const parentId = String(parent.raw.id);
    for (const sub of parent.subtasks) {
      const status = typeof sub.raw.status === 'string' && sub.raw.status ? sub.raw.status.toLowerCase() : 'pending';
      if (status !== 'pending' && status !== 'in-progress') continue;
      const dependencies = rawList(sub.raw.dependencies).map((dep) =>
        typeof dep === 'string' && dep.includes('.') ? dep : `${parentId}.${String(dep)}`,
      );
      if (!dependencies.every((dep) => done.has(dep))) continue;
      const id = `${parentId}.${String(sub.raw.id)}`;
      const [parentNumber, subNumber] = id.split('.').map(Number);
      subtasks.push({ node: sub, id, weight: PRIORITY_WEIGHT[sub.priority], dependencyCount: dependencies.length, parentNumber, subNumber });
    }
  }
  if (subtasks.length > 0) return subtasks.sort(compareSubtasks)[0].node;

  const tasks: Candidate[] = [];
  for (const task of active) {
    if (task.status === 'done') continue;
    const dependencies = rawList(task.raw.dependencies).map(String);
    if (!dependencies.every((dep) => done.has(dep))) continue;
    tasks.push({ node: task, id: String(task.raw.id), weight: PRIORITY_WEIGHT[task.priority], dependencyCount: dependencies.length });
  }
  return tasks.sort(compareTasks)[0]?.node;
}

function rawList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// The comparators keep Task Master's arithmetic, NaN included: a non-numeric id compares as a
// tie, and Array.prototype.sort (stable in V8, as in Task Master's Node) then keeps file order.
function compareTasks(a: Candidate, b: Candidate): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (a.dependencyCount !== b.dependencyCount) return a.dependencyCount - b.dependencyCount;
  return Number(a.id) - Number(b.id);
}

function compareSubtasks(a: SubtaskCandidate, b: SubtaskCandidate): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (a.dependencyCount !== b.dependencyCount) return a.dependencyCount - b.dependencyCount;
  return a.parentNumber === b.parentNumber ? a.subNumber - b.subNumber : a.parentNumber - b.parentNumber;
}

/** Why `task` is the next one, in a sentence a user (or a model) can check against the plan. */
export function nextTaskReason(task: TaskNode): string {
  const dependencies = task.dependencies.length ? `its dependencies (${task.dependencies.join(', ')}) are done` : 'it has no dependencies';
  if (task.parent) {
    return `Subtask of task ${task.parent.id}, which is in progress: open subtasks of started tasks come first; ${dependencies}; priority ${task.priority}${task.raw.priority ? '' : ` (task ${task.parent.id}'s)`}.`;
  }
  return `${task.status === 'in-progress' ? 'Already in progress' : 'Ready to start'}: ${dependencies}; among the tasks ready to start it ranks first by priority (${task.priority}), then fewer dependencies, then lower id.`;
}

/** Why no task is eligible: nothing open, or everything open waits on unfinished work. */
export function noNextTaskReason(tag: TagView): string {
  const open = tag.tasks.filter((task) => task.status === 'pending' || task.status === 'in-progress');
  if (open.length === 0) {
    const counts = new Map<string, number>();
    for (const task of tag.tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
    const summary = [...counts].map(([status, count]) => `${count} ${status}`);
    return `Nothing eligible: no pending or in-progress tasks in tag "${tag.name}"${summary.length ? ` (${summary.join(', ')})` : ' (it has no tasks)'}.`;
  }
  const first = open[0];
  const unmet = first.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
  return `Nothing eligible: every pending or in-progress task waits on a dependency that is not done (task ${first.id} waits on ${unmet.join(', ') || 'its dependencies'}).`;
}
