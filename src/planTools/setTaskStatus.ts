import { requireTask } from '../core/operations';
import { setStatuses } from '../core/statusChange';
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
    'As in Task Master, a parent follows its subtasks: all done makes it done, any started makes it in-progress. ' +
    'Returns each named task\'s previous status and the parents that changed with them.',
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
    const named = ids.map((id) => requireTask(tag, id));
    const parents = [...new Set(named.flatMap((task) => (task.parent && !ids.includes(task.parent.id) ? [task.parent] : [])))];
    await context.store.edit(setStatuses(ids, input.status), tag.name);
    const after = await readTag(context, tag.name);
    const changedParents = parents
      .map((parent) => ({ id: parent.id, previousStatus: parent.status, status: requireTask(after, parent.id).status }))
      .filter((parent) => parent.status !== parent.previousStatus);
    return {
      tag: tag.name,
      status: input.status,
      tasks: named.map((task) => ({ id: task.id, previousStatus: task.status })),
      ...(changedParents.length ? { parents: changedParents } : {}),
    };
  },
};
