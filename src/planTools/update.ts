import { requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS, quoted } from './toolArguments';
import { inferenceOptions, readTag } from './toolContext';
import { modelFields, taskRow } from './taskViews';

type UpdateInput = { from: string; prompt: string; tag?: string };

export const update: PlanTool<UpdateInput> = {
  name: 'update',
  title: 'Update tasks from an id on',
  description:
    'Rewrite every open top-level task (not done or cancelled) with an id from `from` upward with the local Ollama model, for a change ' +
    'of direction described in `prompt`, one task after another. Returns the rewritten tasks as rows.',
  inputSchema: {
    type: 'object',
    properties: {
      from: { type: 'string', pattern: '^\\s*\\d+\\s*$', description: 'Top-level task id to start from, e.g. "5".' },
      prompt: { type: 'string', minLength: 1, description: 'What changed, e.g. "the API is now GraphQL".' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    required: ['from', 'prompt'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Rewrite the open tasks from ${input.from} on with the local model for ${quoted(input.prompt)}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const outcome = await context.ai.updateFrom(context.store, { fromId: input.from.trim(), prompt: input.prompt, tag: tag.name }, inferenceOptions(context));
    const after = await readTag(context, tag.name);
    return { tag: tag.name, tasks: outcome.ids.map((id) => taskRow(requireTask(after, id))), ...modelFields(outcome) };
  },
};
