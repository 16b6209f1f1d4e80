import type { PlanTool } from './planTool';
import { tagCounts } from './taskViews';

type ListTagsInput = { showMetadata: boolean };

export const listTags: PlanTool<ListTagsInput> = {
  name: 'list_tags',
  title: 'List tags',
  description:
    'List the tags (separate task lists, e.g. one per feature branch) of tasks.json with their task counts and which one is current. ' +
    'Tools without a `tag` argument work in the current tag; use_tag switches it.',
  inputSchema: {
    type: 'object',
    properties: { showMetadata: { type: 'boolean', default: false, description: 'Also give each tag\'s metadata (created, description, ...).' } },
    additionalProperties: false,
  },
  mutates: false,
  describeCall: () => 'List the tags',
  async run(input, context) {
    const state = await context.store.load();
    const tags = [...state.plan.tags.values()].map((tag) => ({
      name: tag.name,
      current: tag.name === state.currentTag,
      ...tagCounts(tag),
      ...(input.showMetadata ? { metadata: tag.metadata ?? {} } : {}),
    }));
    return { currentTag: state.currentTag, tags };
  },
};
