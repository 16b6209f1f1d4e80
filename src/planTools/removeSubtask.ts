import { removeSubtask as removeSubtaskOperation } from '../core/taskStructure';
import type { PlanTool } from './planTool';
import { inTag, SKIP_GENERATE_ARGUMENT, TAG_ARGUMENT } from './toolArguments';
import { readTag, readTaskDetail } from './toolContext';

type RemoveSubtaskInput = { id: string; convert?: boolean; skipGenerate?: boolean; tag?: string };

export const removeSubtask: PlanTool<RemoveSubtaskInput> = {
  name: 'remove_subtask',
  title: 'Remove subtask',
  description:
    'Delete one subtask, dropping dependencies on it; with `convert`, make it a task instead: the next free id, the parent\'s priority and a ' +
    'dependency on the parent. Returns the new task when converted.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, description: 'The subtask, as "<parent>.<subtask>", e.g. "12.3".' },
      convert: { type: 'boolean', default: false, description: 'Make it a task instead of deleting it.' },
      skipGenerate: SKIP_GENERATE_ARGUMENT,
      tag: TAG_ARGUMENT,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `${input.convert ? 'Make subtask' : 'Remove subtask'} ${input.id}${input.convert ? ' a task' : ''}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    let taskId: string | undefined;
    await context.store.edit(removeSubtaskOperation(input.id, input.convert, (id) => (taskId = id)), tag.name);
    return { tag: tag.name, removed: input.id, ...(taskId ? { task: await readTaskDetail(context, tag.name, taskId) } : {}) };
  },
};
