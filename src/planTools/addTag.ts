import { createTag } from '../core/tagOperations';
import { createBranchTag, currentGitBranch } from '../store/gitBranch';
import { ToolInputError, type PlanTool } from './planTool';
import { EXISTING_TAG_ARGUMENT, NEW_TAG_ARGUMENT } from './toolArguments';

type AddTagInput = { name?: string; copyFromCurrent: boolean; copyFromTag?: string; fromBranch: boolean; description?: string };

export const addTag: PlanTool<AddTagInput> = {
  name: 'add_tag',
  title: 'Add tag',
  description:
    'Create a tag: a separate task list in the same tasks.json, empty or with a copy of another tag\'s tasks. `fromBranch` names it ' +
    'after the current git branch and maps the branch to it in state.json, so checking the branch out switches to it. The current tag ' +
    'stays as it is (use_tag switches). Returns the new tag.',
  inputSchema: {
    type: 'object',
    properties: {
      name: NEW_TAG_ARGUMENT,
      copyFromCurrent: { type: 'boolean', default: false, description: 'Start with a copy of the current tag\'s tasks.' },
      copyFromTag: { ...EXISTING_TAG_ARGUMENT, description: 'Start with a copy of this tag\'s tasks.' },
      fromBranch: { type: 'boolean', default: false, description: 'Name the tag after the current git branch instead of `name`.' },
      description: { type: 'string', description: 'What the tag is for.' },
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => {
    const name = input.fromBranch ? 'named after the git branch' : `"${input.name ?? ''}"`;
    const copy = input.copyFromTag ? ` with the tasks of "${input.copyFromTag}"` : input.copyFromCurrent ? ' with the tasks of the current tag' : '';
    return `Create tag ${name}${copy}`;
  },
  async run(input, context) {
    if (input.copyFromCurrent && input.copyFromTag) throw new ToolInputError('Give `copyFromCurrent` or `copyFromTag`, not both.');
    if (!input.fromBranch && !input.name) throw new ToolInputError('Give `name` for the new tag, or `fromBranch: true` to name it after the git branch.');
    const copyFrom = input.copyFromCurrent ? (await context.store.load()).currentTag : input.copyFromTag;
    let name: string;
    if (input.fromBranch) name = await createBranchTag(context.store, await currentBranch(context.projectRoot), { copyFrom, description: input.description });
    else {
      name = input.name!;
      await context.store.edit(createTag({ name, copyFrom, description: input.description }));
    }
    const created = (await context.store.load()).plan.tags.get(name);
    return { name, copiedFrom: copyFrom ?? null, tasks: created?.tasks.length ?? 0 };
  },
};

async function currentBranch(projectRoot: string): Promise<string> {
  const branch = await currentGitBranch(projectRoot);
  if (!branch) throw new ToolInputError(`\`fromBranch\` needs a git branch: ${projectRoot} is not on one (not a repository, or a detached HEAD). Give \`name\` instead.`);
  return branch;
}
