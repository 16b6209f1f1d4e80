import type { PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS } from './toolArguments';
import { inferenceOptions, readTag } from './toolContext';

type ExpandAllInput = { num?: number; prompt?: string; force: boolean; tag?: string };

export const expandAll: PlanTool<ExpandAllInput> = {
  name: 'expand_all',
  title: 'Expand all tasks',
  description:
    'Break every pending task without subtasks into subtasks with the local Ollama model, prerequisites first, sharing the work across ' +
    'the configured Ollama hosts; with `force` every pending task is expanded again, replacing its subtasks. A task that fails does ' +
    'not stop the others. Returns the ids expanded and those that failed, with why.',
  inputSchema: {
    type: 'object',
    properties: {
      num: { type: 'integer', minimum: 1, maximum: 50, description: 'Subtasks per task; default: the complexity report\'s recommendation, else 5.' },
      prompt: { type: 'string', description: 'Extra guidance for every breakdown.' },
      force: { type: 'boolean', default: false, description: 'Also expand pending tasks that have subtasks, replacing them.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Break every pending task into subtasks with the local model${input.force ? ', replacing existing subtasks' : ''}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const result = await context.ai.expandAll(context.store, { tag: tag.name, force: input.force, count: input.num, prompt: input.prompt }, inferenceOptions(context));
    return { tag: tag.name, ...result };
  },
};
