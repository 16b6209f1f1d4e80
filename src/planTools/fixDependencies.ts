import { fixDependencies as fixDependenciesOperation, type RemovedDependency } from '../core/dependencyRepair';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';
import { MAX_LISTED_PROBLEMS } from './taskViews';

type FixDependenciesInput = { tag?: string };

export const fixDependencies: PlanTool<FixDependenciesInput> = {
  name: 'fix_dependencies',
  title: 'Fix dependencies',
  description:
    'Remove the dependencies of a tag that cannot be right: on a missing task, on the task itself, or listed twice. Cycles stay, since ' +
    'which link to cut is a judgement (validate_dependencies lists them). Returns how many were removed and the first 100.',
  inputSchema: { type: 'object', properties: { tag: TAG_ARGUMENT }, additionalProperties: false },
  mutates: true,
  describeCall: (input) => `Remove missing, self and duplicate dependencies${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    let removed: RemovedDependency[] = [];
    await context.store.edit(fixDependenciesOperation((found) => (removed = found)), tag.name);
    return { tag: tag.name, total: removed.length, removed: removed.slice(0, MAX_LISTED_PROBLEMS) };
  },
};
