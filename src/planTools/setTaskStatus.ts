import { requireTask, setStatus } from '../core/operations';
import type { TaskStatus } from '../core/task';
import { ToolInputError, type PlanTool } from './planTool';
import { inTag, splitList, TAG_ARGUMENT, TASK_STATUS_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type SetTaskStatusInput = { id: string; status: TaskStatus; tag?: string };

export const setTaskStatus: PlanTool<SetTaskStatusInput> = {
  name: 'set_task_status',
  title: 'Set task status',
  description:
    'Set the status of one or more tasks or subtasks, e.g. in-progress when starting work and done when it is finished and verified. ' +
    'Only the named tasks change. Returns each task\'s previous status.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, description: 'Task id ("12"), subtask id ("12.3"), or several, comma-separated ("12.3,12.4").' },
      status: { ...TASK_STATUS_ARGUMENT, description: 'The new status.' },
      tag: TAG_ARGUMENT,
    },
    required: ['id', 'status'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Set ${splitList(input.id).join(', ')} to ${input.status}${inTag(input.tag)}`,
  async run(input, context) {
    const ids = splitList(input.id);
    if (ids.length === 0) throw new ToolInputError('`id` names no task: give an id such as "12" or "12.3".');
    const tag = await readTag(context, input.tag);
    const before = ids.map((id) => requireTask(tag, id));
    await context.store.edit(setStatus(ids, input.status), tag.name);
    return { tag: tag.name, status: input.status, tasks: before.map((task) => ({ id: task.id, previousStatus: task.status })) };
  },
};
