import { requireTag } from '../core/operations';
import type { PlanTool } from './planTool';
import { EXISTING_TAG_ARGUMENT } from './toolArguments';
import { tagCounts } from './taskViews';

type UseTagInput = { name: string };

export const useTag: PlanTool<UseTagInput> = {
  name: 'use_tag',
  title: 'Use tag',
  description:
    'Make a tag the current one (.taskmaster/state.json), as `task-master use-tag` does: tools without a `tag` argument then work in it. ' +
    'Returns the tag with its task counts.',
  inputSchema: { type: 'object', properties: { name: EXISTING_TAG_ARGUMENT }, required: ['name'], additionalProperties: false },
  mutates: true,
  describeCall: (input) => `Switch the current tag to "${input.name}"`,
  async run(input, context) {
    const tag = requireTag((await context.store.load()).plan, input.name);
    await context.store.setCurrentTag(tag.name);
    return { currentTag: tag.name, ...tagCounts(tag) };
  },
};
