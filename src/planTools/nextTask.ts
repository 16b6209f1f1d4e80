import { findNextTask } from '../core/nextTask';
import type { TagView, TaskNode } from '../core/plan';
import { isTaskPriority } from '../core/task';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';
import { statusCounts, taskDetail } from './taskViews';

type NextTaskInput = { tag?: string };

export const nextTask: PlanTool<NextTaskInput> = {
  name: 'next_task',
  title: 'Next task',
  description:
    'The task to work on next, chosen as Task Master chooses it: open subtasks of in-progress tasks first, then pending tasks whose ' +
    'dependencies are all done, ranked by priority, fewer dependencies, lower id. Returns the task in full and a one-line `reason`; ' +
    '`task` is null when nothing is eligible, and `reason` then says why.',
  inputSchema: { type: 'object', properties: { tag: TAG_ARGUMENT }, additionalProperties: false },
  mutates: false,
  describeCall: (input) => `Find the next task to work on${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const next = findNextTask(tag);
    if (!next) return { tag: tag.name, task: null, reason: whyNothing(tag) };
    return { tag: tag.name, task: taskDetail(next, tag), reason: whyNext(next) };
  },
};

function whyNext(task: TaskNode): string {
  const dependencies = task.dependencies.length ? `its dependencies (${task.dependencies.join(', ')}) are done` : 'it has no dependencies';
  if (task.parent) {
    // A subtask without a priority of its own is ranked with its parent's.
    const priority = isTaskPriority(task.raw.priority) ? task.raw.priority : task.parent.priority;
    return `Subtask of task ${task.parent.id}, which is in progress: open subtasks of started tasks come first; ${dependencies}; priority ${priority}.`;
  }
  return `${task.status === 'in-progress' ? 'Already in progress' : 'Ready to start'}: ${dependencies}; among the tasks ready to start it ranks first by priority (${task.priority}), then fewer dependencies, then lower id.`;
}

function whyNothing(tag: TagView): string {
  const open = tag.tasks.filter((task) => task.status === 'pending' || task.status === 'in-progress');
  if (open.length === 0) {
    const counts = Object.entries(statusCounts(tag.tasks)).map(([status, count]) => `${count} ${status}`);
    return `Nothing eligible: no pending or in-progress tasks in tag "${tag.name}"${counts.length ? ` (${counts.join(', ')})` : ' (it has no tasks)'}.`;
  }
  const first = open[0];
  const unmet = first.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
  return `Nothing eligible: every pending or in-progress task waits on a dependency that is not done (task ${first.id} waits on ${unmet.join(', ') || 'its dependencies'}).`;
}
