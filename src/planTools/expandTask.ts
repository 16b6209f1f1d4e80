import { requireTask } from '../core/operations';
import type { PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS } from './toolArguments';
import { inferenceOptions, readTag } from './toolContext';
import { modelFields, subtaskRow } from './taskViews';

type ExpandTaskInput = { id: string; num?: number; prompt?: string; force: boolean; tag?: string };

export const expandTask: PlanTool<ExpandTaskInput> = {
  name: 'expand_task',
  title: 'Expand task',
  description:
    'Break a top-level task into subtasks with the local Ollama model. The count and guidance come from the complexity report when ' +
    'the task was analysed (analyze_project_complexity), else 5; `num` and `prompt` override them. New subtasks are added after ' +
    'existing ones unless `force` replaces them. Returns the new subtasks as rows.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, description: 'Id of the top-level task to expand, e.g. "12".' },
      num: { type: 'integer', minimum: 1, maximum: 50, description: 'How many subtasks to ask for.' },
      prompt: { type: 'string', description: 'Extra guidance for the breakdown, e.g. "split by API endpoint".' },
      force: { type: 'boolean', default: false, description: 'Replace the task\'s existing subtasks instead of adding after them.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    `Break task ${input.id} into ${input.num ?? 'its recommended number of'} subtasks with the local model${input.force ? ', replacing its subtasks' : ''}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const request = { id: input.id, count: input.num, prompt: input.prompt, force: input.force, tag: tag.name };
    const outcome = await context.ai.expandTask(context.store, request, inferenceOptions(context));
    const after = await readTag(context, tag.name);
    return {
      tag: tag.name,
      id: requireTask(after, input.id).id,
      subtasks: outcome.ids.map((id) => subtaskRow(requireTask(after, id))),
      ...modelFields(outcome),
    };
  },
};
