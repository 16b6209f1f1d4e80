import { requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { ID_LIST_ARGUMENT, idList, inTag, statusFilter, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';
import { taskDetail } from './taskViews';

type GetTaskInput = { id: string; status?: string; tag?: string };

export const getTask: PlanTool<GetTaskInput> = {
  name: 'get_task',
  title: 'Get task',
  description:
    'Read one or more tasks or subtasks in full: title, status, priority, description, details (with appended notes), test strategy, ' +
    'dependencies, the dependencies not yet done (`waitingOn`) and the subtasks as rows. An unknown id is answered with the closest ids.',
  inputSchema: {
    type: 'object',
    properties: {
      id: ID_LIST_ARGUMENT,
      status: { type: 'string', description: 'Only list subtasks with these statuses, comma-separated, e.g. "pending".' },
      tag: TAG_ARGUMENT,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: false,
  describeCall: (input) => `Read task ${idList(input.id).join(', ')}${inTag(input.tag)}`,
  async run(input, context) {
    const ids = idList(input.id);
    const tag = await readTag(context, input.tag);
    const statuses = statusFilter(input.status);
    const tasks = ids.map((id) => requireTask(tag, id));
    return { tag: tag.name, tasks: tasks.map((task) => taskDetail(task, tag, (sub) => !statuses || statuses.has(sub.status))) };
  },
};
