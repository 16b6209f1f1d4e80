import { requireTask } from '../core/operations';
import { removeTasks } from '../core/taskStructure';
import type { PlanTool } from './planTool';
import { ID_LIST_ARGUMENT, idList, inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type RemoveTaskInput = { id: string; confirm?: boolean; tag?: string };

export const removeTask: PlanTool<RemoveTaskInput> = {
  name: 'remove_task',
  title: 'Remove task',
  description:
    'Delete tasks or subtasks for good; a task goes with its subtasks, and dependencies on what went are dropped. ' +
    'Every id must exist, else nothing is removed. To keep the work as a task, use remove_subtask with `convert` instead.',
  inputSchema: {
    type: 'object',
    properties: {
      id: ID_LIST_ARGUMENT,
      confirm: { type: 'boolean', description: 'Accepted as Task Master takes it; the call removes either way (the client confirms it).' },
      tag: TAG_ARGUMENT,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Remove ${idList(input.id).join(', ')} and their subtasks${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const named = [...new Set(idList(input.id).map((id) => requireTask(tag, id)))];
    await context.store.edit(removeTasks(named.map((task) => task.id)), tag.name);
    return { tag: tag.name, removed: named.map((task) => ({ id: task.id, title: task.title, subtasks: task.subtasks.length })) };
  },
};
