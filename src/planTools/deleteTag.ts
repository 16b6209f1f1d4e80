import * as path from 'node:path';
import { requireTag } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { deleteTag as deleteTagOperation } from '../core/tagOperations';
import { ToolInputError, type PlanTool } from './planTool';
import { EXISTING_TAG_ARGUMENT } from './toolArguments';
import { plural } from '../core/text';

type DeleteTagInput = { name: string; yes: boolean };

export const deleteTag: PlanTool<DeleteTagInput> = {
  name: 'delete_tag',
  title: 'Delete tag',
  description:
    'Delete a tag and all its tasks (tasks.json is first copied to .taskmaster/backups). The "master" tag cannot be deleted. Deleting the current ' +
    'tag makes "master" current. Returns how many tasks went with it.',
  inputSchema: {
    type: 'object',
    properties: {
      name: EXISTING_TAG_ARGUMENT,
      yes: { type: 'boolean', default: true, description: 'Task Master\'s confirmation switch; false deletes nothing.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Delete tag "${input.name}" and its tasks`,
  async run(input, context) {
    const state = await context.store.load();
    const tag = requireTag(state.plan, input.name);
    if (!input.yes) throw new ToolInputError(`\`yes\` is false: tag "${tag.name}" and its ${plural(tag.tasks.length, 'task')} were kept. Call again with \`yes: true\` to delete them.`);
    const backup = await context.store.backup(tag.name);
    await context.store.edit(deleteTagOperation(tag.name));
    if (state.currentTag === tag.name) await context.store.setCurrentTag(DEFAULT_TAG);
    return {
      deleted: tag.name,
      tasks: tag.tasks.length,
      backup: path.relative(context.projectRoot, backup),
      currentTag: state.currentTag === tag.name ? DEFAULT_TAG : state.currentTag,
    };
  },
};
