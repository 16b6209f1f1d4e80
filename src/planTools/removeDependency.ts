import { canonicalId } from '../core/ids';
import { removeDependency as removeDependencyOperation, requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { DEPENDENCY_LINK_SCHEMA, inTag } from './toolArguments';
import { readTag } from './toolContext';

type RemoveDependencyInput = { id: string; dependsOn: string; tag?: string };

export const removeDependency: PlanTool<RemoveDependencyInput> = {
  name: 'remove_dependency',
  title: 'Remove dependency',
  description:
    'Stop a task or subtask waiting on another. A dependency that is not there changes nothing (`removed` is false), as in Task Master. ' +
    'Returns the task\'s dependencies after the change.',
  inputSchema: DEPENDENCY_LINK_SCHEMA,
  mutates: true,
  describeCall: (input) => `Make ${input.id} no longer depend on ${input.dependsOn}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const task = requireTask(tag, input.id);
    const target = canonicalId(input.dependsOn);
    // In a subtask "2" names its sibling as written in tasks.json, so both spellings count.
    const present = task.dependencies.includes(target) || task.dependencies.includes(`${task.parentId}.${target}`);
    if (present) await context.store.edit(removeDependencyOperation(task.id, input.dependsOn), tag.name);
    const after = requireTask(await readTag(context, tag.name), task.id);
    return { tag: tag.name, id: after.id, removed: present, dependencies: [...after.dependencies] };
  },
};
