import { allTasks, type Plan } from '../core/plan';
import type { TaskStatus } from '../core/task';

export interface StatusChange {
  tag: string;
  taskId: string;
  title: string;
  from: TaskStatus | undefined;
  to: TaskStatus;
}

/**
 * The status changes between two versions of the plan, whatever made them: this extension, the
 * task-master CLI, a hand edit or a git checkout. A task that appears is a change from undefined.
 */
export function diffStatuses(before: Plan | undefined, after: Plan): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const [name, tag] of after.tags) {
    const previous = before?.tags.get(name);
    for (const task of allTasks(tag)) {
      const old = previous?.byId.get(task.id)?.status;
      if (old !== task.status && (old !== undefined || before !== undefined)) {
        changes.push({ tag: name, taskId: task.id, title: task.title, from: old, to: task.status });
      }
    }
  }
  return changes;
}
