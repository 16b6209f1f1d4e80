import { renameTag as renameTagOperation } from '../core/tagOperations';
import type { PlanTool } from './planTool';
import { EXISTING_TAG_ARGUMENT, NEW_TAG_ARGUMENT } from './toolArguments';

type RenameTagInput = { oldName: string; newName: string };

export const renameTag: PlanTool<RenameTagInput> = {
  name: 'rename_tag',
  title: 'Rename tag',
  description: 'Rename a tag, keeping its tasks; the current tag follows the rename. The "master" tag cannot be renamed.',
  inputSchema: {
    type: 'object',
    properties: { oldName: EXISTING_TAG_ARGUMENT, newName: NEW_TAG_ARGUMENT },
    required: ['oldName', 'newName'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Rename tag "${input.oldName}" to "${input.newName}"`,
  async run(input, context) {
    const { currentTag } = await context.store.load();
    await context.store.edit(renameTagOperation(input.oldName, input.newName));
    if (currentTag === input.oldName) await context.store.setCurrentTag(input.newName);
    return { from: input.oldName, to: input.newName, currentTag: currentTag === input.oldName ? input.newName : currentTag };
  },
};
