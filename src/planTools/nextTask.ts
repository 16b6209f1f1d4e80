import { findNextTask, nextTaskReason, noNextTaskReason } from '../core/nextTask';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';
import { taskDetail } from './taskViews';

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
    if (!next) return { tag: tag.name, task: null, reason: noNextTaskReason(tag) };
    return { tag: tag.name, task: taskDetail(next, tag), reason: nextTaskReason(next) };
  },
};

