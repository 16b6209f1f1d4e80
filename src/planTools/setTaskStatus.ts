import { requireTask, setStatus } from '../core/operations';
import type { TaskStatus } from '../core/task';
import type { PlanTool } from './planTool';
import { ID_LIST_ARGUMENT, idList, inTag, TAG_ARGUMENT, TASK_STATUS_ARGUMENT } from './toolArguments';
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
      id: ID_LIST_ARGUMENT,
      status: { ...TASK_STATUS_ARGUMENT, description: 'The new status.' },
      tag: TAG_ARGUMENT,
    },
    required: ['id', 'status'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Set ${idList(input.id).join(', ')} to ${input.status}${inTag(input.tag)}`,
  async run(input, context) {
    const ids = idList(input.id);
    const tag = await readTag(context, input.tag);
    const before = ids.map((id) => requireTask(tag, id));
    await context.store.edit(setStatus(ids, input.status), tag.name);
    return { tag: tag.name, status: input.status, tasks: before.map((task) => ({ id: task.id, previousStatus: task.status })) };
  },
};
