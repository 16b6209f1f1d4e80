import { commaList } from '../core/ids';
import { addTask as addTaskOperation } from '../core/operations';
import type { TaskPriority } from '../core/task';
import { ToolInputError, type PlanTool, type PlanToolContext } from './planTool';
import { DEPENDENCIES_ARGUMENT, inTag, MODEL_TOOL_ARGUMENTS, PRIORITY_ARGUMENT, quoted } from './toolArguments';
import { inferenceOptions, readTag, readTaskDetail } from './toolContext';
import { modelFields } from './taskViews';

type AddTaskInput = {
  prompt?: string;
  title?: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  dependencies?: string;
  priority?: TaskPriority;
  tag?: string;
};

/** The fields a caller writes itself; with `prompt` the model writes them instead. */
const WRITTEN_FIELDS = ['description', 'details', 'testStrategy', 'dependencies', 'priority'] as const;

export const addTask: PlanTool<AddTaskInput> = {
  name: 'add_task',
  title: 'Add task',
  description:
    'Add a task at the end of a tag with the next free id. Give `title` (and optionally description, details, testStrategy, ' +
    'dependencies, priority) to add it exactly as written; or give only `prompt` to have the local Ollama model write the task ' +
    'from that request, with dependencies on existing tasks. Returns the new task.',
  inputSchema: {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, description: 'Title of the task, added as written (no model call).' },
      description: { type: 'string', description: 'One or two sentences: what the task is.' },
      details: { type: 'string', description: 'How to implement it.' },
      testStrategy: { type: 'string', description: 'How to verify it.' },
      dependencies: DEPENDENCIES_ARGUMENT,
      priority: PRIORITY_ARGUMENT,
      prompt: { type: 'string', minLength: 1, description: 'Instead of `title`: what the task should achieve; the local model writes the task.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    input.title !== undefined
      ? `Add task ${quoted(input.title)}${inTag(input.tag)}`
      : `Add a task written by the local model for ${quoted(input.prompt ?? '')}${inTag(input.tag)}`,
  async run(input, context) {
    const { title, prompt } = input;
    if (title !== undefined && prompt !== undefined) {
      throw new ToolInputError('Give either `title` (the task as written) or `prompt` (the local model writes it), not both.');
    }
    if (title !== undefined) return addAsWritten({ ...input, title }, context);
    if (prompt !== undefined) return addWithModel({ ...input, prompt }, context);
    throw new ToolInputError('Give `title` to add a task as written, or `prompt` to have the local model write it.');
  },
};

async function addAsWritten(input: AddTaskInput & { title: string }, context: PlanToolContext) {
  const tag = await readTag(context, input.tag);
  let id = '';
  const { title, description, details, testStrategy, priority } = input;
  const dependencies = commaList(input.dependencies);
  await context.store.edit(addTaskOperation({ title, description, details, testStrategy, priority, dependencies }, (newId) => (id = newId)), tag.name);
  return { tag: tag.name, task: await readTaskDetail(context, tag.name, id) };
}

async function addWithModel(input: AddTaskInput & { prompt: string }, context: PlanToolContext) {
  const extra = WRITTEN_FIELDS.filter((field) => input[field] !== undefined);
  if (extra.length) {
    throw new ToolInputError(`With \`prompt\` the model writes the task; ${extra.map((field) => `\`${field}\``).join(', ')} go with \`title\` instead.`);
  }
  const tag = await readTag(context, input.tag);
  const outcome = await context.ai.addTaskFromPrompt(context.store, { prompt: input.prompt, tag: tag.name }, inferenceOptions(context));
  return { tag: tag.name, task: await readTaskDetail(context, tag.name, outcome.ids[0]), ...modelFields(outcome) };
}
