import type { TaskNode } from '../core/plan';
import type { PlanTool } from './planTool';
import { inTag, PAGE_ARGUMENTS, statusFilter, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';
import { page, statusCounts, subtaskRow, taskRow } from './taskViews';

type GetTasksInput = { status?: string; withSubtasks: boolean; query?: string; offset: number; limit: number; tag?: string };

export const getTasks: PlanTool<GetTasksInput> = {
  name: 'get_tasks',
  title: 'Get tasks',
  description:
    'List the tasks of a tag as compact rows: id, title, status, priority, dependency ids and subtasks done/total. ' +
    'Returns one page: `total` counts every matching task and `nextOffset` is present while more remain. ' +
    'Filter by status or by text. Use get_task for a task\'s description, details and test strategy, next_task for what to work on.',
  inputSchema: {
    type: 'object',
    properties: {
      status: { type: 'string', description: 'Only tasks with these statuses, comma-separated, e.g. "pending,in-progress". "all" or nothing: every status.' },
      withSubtasks: { type: 'boolean', default: false, description: 'Also list each task\'s subtasks as rows (`subtaskList`).' },
      query: { type: 'string', description: 'Only tasks whose title, description, details or subtask titles contain this text (any case).' },
      ...PAGE_ARGUMENTS,
      tag: TAG_ARGUMENT,
    },
    additionalProperties: false,
  },
  mutates: false,
  describeCall: (input) => `List ${input.status ? `${input.status} ` : ''}tasks${input.query ? ` mentioning "${input.query}"` : ''}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const statuses = statusFilter(input.status);
    const text = input.query?.trim().toLowerCase();
    const matching = tag.tasks.filter((task) => (!statuses || statuses.has(task.status)) && (!text || mentions(task, text)));
    const { items, ...paging } = page(matching, input.offset, input.limit);
    return {
      tag: tag.name,
      ...paging,
      statusCounts: statusCounts(tag.tasks),
      tasks: items.map((task) => (input.withSubtasks ? { ...taskRow(task), subtaskList: task.subtasks.map(subtaskRow) } : taskRow(task))),
    };
  },
};

function mentions(task: TaskNode, text: string): boolean {
  return [task.title, task.description, task.details, ...task.subtasks.map((sub) => sub.title)].some((field) => field.toLowerCase().includes(text));
}
