import { copyTag as copyTagOperation } from '../core/tagOperations';
import type { PlanTool } from './planTool';
import { EXISTING_TAG_ARGUMENT, NEW_TAG_ARGUMENT } from './toolArguments';

type CopyTagInput = { sourceName: string; targetName: string; description?: string };

export const copyTag: PlanTool<CopyTagInput> = {
  name: 'copy_tag',
  title: 'Copy tag',
  description: 'Create a tag holding a copy of another tag\'s tasks, e.g. to try a different plan. The current tag stays as it is.',
  inputSchema: {
    type: 'object',
    properties: {
      sourceName: { ...EXISTING_TAG_ARGUMENT, description: 'The tag to copy.' },
      targetName: NEW_TAG_ARGUMENT,
      description: { type: 'string', description: 'What the copy is for.' },
    },
    required: ['sourceName', 'targetName'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Copy tag "${input.sourceName}" to "${input.targetName}"`,
  async run(input, context) {
    await context.store.edit(copyTagOperation(input.sourceName, input.targetName, input.description));
    const copy = (await context.store.load()).plan.tags.get(input.targetName);
    return { source: input.sourceName, target: input.targetName, tasks: copy?.tasks.length ?? 0 };
  },
};
