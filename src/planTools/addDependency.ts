import { addDependency as addDependencyOperation, requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { DEPENDENCY_LINK_SCHEMA, inTag } from './toolArguments';
import { readTag } from './toolContext';

type AddDependencyInput = { id: string; dependsOn: string; tag?: string };

export const addDependency: PlanTool<AddDependencyInput> = {
  name: 'add_dependency',
  title: 'Add dependency',
  description:
    'Make a task or subtask wait on another. Refused, with nothing written, when the other task does not exist, is the task itself, ' +
    'or would close a cycle. Returns the task\'s dependencies after the change.',
  inputSchema: DEPENDENCY_LINK_SCHEMA,
  mutates: true,
  describeCall: (input) => `Make ${input.id} depend on ${input.dependsOn}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    await context.store.edit(addDependencyOperation(input.id, input.dependsOn), tag.name);
    const task = requireTask(await readTag(context, tag.name), input.id);
    return { tag: tag.name, id: task.id, dependencies: [...task.dependencies] };
  },
};
