import { appendNote } from '../core/operations';
import type { PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS, quoted, TASK_ID_ARGUMENT } from './toolArguments';
import { inferenceOptions, readTag, readTaskDetail } from './toolContext';
import { modelFields } from './taskViews';

type UpdateTaskInput = { id: string; prompt: string; append: boolean; tag?: string };

export const updateTask: PlanTool<UpdateTaskInput> = {
  name: 'update_task',
  title: 'Update task',
  description:
    'Rewrite one task or subtask (title, description, details, test strategy) with the local Ollama model for a change described in ' +
    '`prompt`; its id, status, dependencies and subtasks stay. With `append` nothing is rewritten: `prompt` is added to the details ' +
    'verbatim as a timestamped note. Returns the task as it is now.',
  inputSchema: {
    type: 'object',
    properties: {
      id: TASK_ID_ARGUMENT,
      prompt: { type: 'string', minLength: 1, description: 'What changed, e.g. "use PostgreSQL instead of SQLite".' },
      append: { type: 'boolean', default: false, description: 'Append `prompt` to the details as a note instead of rewriting the task.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    required: ['id', 'prompt'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    input.append ? `Append a note to ${input.id}${inTag(input.tag)}: ${quoted(input.prompt)}` : `Rewrite task ${input.id} with the local model for ${quoted(input.prompt)}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    if (input.append) {
      await context.store.edit(appendNote(input.id, input.prompt), tag.name);
      return { tag: tag.name, task: await readTaskDetail(context, tag.name, input.id) };
    }
    const outcome = await context.ai.updateTask(context.store, { id: input.id, prompt: input.prompt, tag: tag.name }, inferenceOptions(context));
    return { tag: tag.name, task: await readTaskDetail(context, tag.name, outcome.ids[0]), ...modelFields(outcome) };
  },
};
