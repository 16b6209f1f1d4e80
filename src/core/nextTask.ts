import type { TagView, TaskNode } from './plan';
import type { TaskPriority } from './task';

const PRIORITY_WEIGHT: Record<TaskPriority, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/**
 * The task to work on next, chosen as `task-master next` chooses it:
 * 1. subtasks of in-progress tasks whose dependencies are all done come first;
 * 2. otherwise top-level pending or in-progress tasks whose dependencies are all done;
 * ranked by priority, then fewest dependencies, then id.
 */
export function findNextTask(tag: TagView): TaskNode | undefined {
  const done = new Set<string>();
  for (const task of tag.tasks) {
    if (task.status === 'done') done.add(task.id);
    for (const sub of task.subtasks) if (sub.status === 'done') done.add(sub.id);
  }
  const ready = (task: TaskNode) =>
    (task.status === 'pending' || task.status === 'in-progress') && task.dependencies.every((dep) => done.has(dep));

  const subtasks: TaskNode[] = [];
  for (const parent of tag.tasks) {
    if (parent.status !== 'in-progress') continue;
    for (const sub of parent.subtasks) if (ready(sub)) subtasks.push(sub);
  }
  if (subtasks.length > 0) return best(subtasks, tag);
  return best(tag.tasks.filter(ready), tag);
}

function best(candidates: TaskNode[], tag: TagView): TaskNode | undefined {
  let winner: TaskNode | undefined;
  for (const candidate of candidates) if (!winner || compare(candidate, winner, tag) < 0) winner = candidate;
  return winner;
}

function compare(a: TaskNode, b: TaskNode, tag: TagView): number {
  return (
    weight(b, tag) - weight(a, tag) ||
    a.dependencies.length - b.dependencies.length ||
    idOrder(a.id, b.id)
  );
}

function weight(task: TaskNode, tag: TagView): number {
  const parent = task.parentId !== undefined ? tag.byId.get(task.parentId) : undefined;
  const raw = task.raw.priority ?? parent?.raw.priority;
  return PRIORITY_WEIGHT[raw as TaskPriority] ?? PRIORITY_WEIGHT.medium;
}

function idOrder(a: string, b: string): number {
  const [ap, as = '0'] = a.split('.');
  const [bp, bs = '0'] = b.split('.');
  return Number(ap) - Number(bp) || Number(as) - Number(bs);
}
