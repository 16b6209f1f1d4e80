import { addDependency as addDependencyOperation, requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT, TASK_ID_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type AddDependencyInput = { id: string; dependsOn: string; tag?: string };

export const addDependency: PlanTool<AddDependencyInput> = {
  name: 'add_dependency',
  title: 'Add dependency',
  description:
    'Make a task or subtask wait on another. Refused, with nothing written, when the other task does not exist, is the task itself, ' +
    'or would close a cycle. Returns the task\'s dependencies after the change.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { ...TASK_ID_ARGUMENT, description: 'The task that waits, e.g. "12" or "12.3".' },
      dependsOn: { ...TASK_ID_ARGUMENT, description: 'The task it waits on, e.g. "7" or "12.1".' },
      tag: TAG_ARGUMENT,
    },
    required: ['id', 'dependsOn'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Make ${input.id} depend on ${input.dependsOn}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    await context.store.edit(addDependencyOperation(input.id, input.dependsOn), tag.name);
    const task = requireTask(await readTag(context, tag.name), input.id);
    return { tag: tag.name, id: task.id, dependencies: [...task.dependencies] };
  },
};
