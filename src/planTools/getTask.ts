import { requireTask } from '../core/operations';
import { ToolInputError, type PlanTool } from './planTool';
import { inTag, splitList, statusFilter, TAG_ARGUMENT } from './toolArguments';
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
      id: { type: 'string', minLength: 1, description: 'Task id ("12"), subtask id ("12.3"), or several, comma-separated ("12,14.2").' },
      status: { type: 'string', description: 'Only list subtasks with these statuses, comma-separated, e.g. "pending".' },
      tag: TAG_ARGUMENT,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: false,
  describeCall: (input) => `Read task ${splitList(input.id).join(', ')}${inTag(input.tag)}`,
  async run(input, context) {
    const ids = splitList(input.id);
    if (ids.length === 0) throw new ToolInputError('`id` names no task: give an id such as "12" or "12.3".');
    const tag = await readTag(context, input.tag);
    const statuses = statusFilter(input.status);
    const tasks = ids.map((id) => requireTask(tag, id));
    return { tag: tag.name, tasks: tasks.map((task) => taskDetail(task, tag, (sub) => !statuses || statuses.has(sub.status))) };
  },
};
