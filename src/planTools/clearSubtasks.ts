import { commaList } from '../core/ids';
import { findTask, partitionIds } from '../core/plan';
import { clearSubtasks as clearSubtasksOperation } from '../core/taskStructure';
import { ToolInputError, type PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type ClearSubtasksInput = { id?: string; all?: boolean; tag?: string };

export const clearSubtasks: PlanTool<ClearSubtasksInput> = {
  name: 'clear_subtasks',
  title: 'Clear subtasks',
  description:
    'Delete all subtasks of the named tasks (or of every task, with `all`), dropping dependencies on them; e.g. before expand_task writes new ones. ' +
    'Ids the tag does not have are skipped and listed as `missing`.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'Task ids, comma-separated, e.g. "12" or "12,14".' },
      all: { type: 'boolean', description: 'Clear the subtasks of every task in the tag.' },
      tag: TAG_ARGUMENT,
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Clear the subtasks of ${input.all ? 'every task' : commaList(input.id).join(', ')}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const ids = input.all ? tag.tasks.map((task) => task.id) : commaList(input.id);
    if (ids.length === 0 && !input.all) throw new ToolInputError('Name the tasks in `id` ("12" or "12,14"), or set `all: true` for every task.');
    const { found, missing } = partitionIds(tag, ids);
    const cleared = found.map((id) => findTask(tag, id)!).map((task) => ({ id: task.id, subtasks: task.subtasks.length }));
    if (found.length) await context.store.edit(clearSubtasksOperation(input.all ? 'all' : found), tag.name);
    return { tag: tag.name, cleared, ...(missing.length ? { missing } : {}) };
  },
};
