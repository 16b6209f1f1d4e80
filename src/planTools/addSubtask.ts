import { commaList } from '../core/ids';
import { addSubtask as addSubtaskOperation } from '../core/operations';
import type { TaskStatus } from '../core/task';
import { makeSubtask } from '../core/taskStructure';
import { ToolInputError, type PlanTool } from './planTool';
import { DEPENDENCIES_ARGUMENT, inTag, quoted, SKIP_GENERATE_ARGUMENT, TAG_ARGUMENT, TASK_STATUS_ARGUMENT } from './toolArguments';
import { readTag, readTaskDetail } from './toolContext';

type AddSubtaskInput = {
  id: string;
  taskId?: string;
  title?: string;
  description?: string;
  details?: string;
  status?: TaskStatus;
  dependencies?: string;
  skipGenerate?: boolean;
  tag?: string;
};

export const addSubtask: PlanTool<AddSubtaskInput> = {
  name: 'add_subtask',
  title: 'Add subtask',
  description:
    'Add a subtask, as written, to a top-level task (subtasks are one level deep). It gets the next free subtask id, e.g. "12.4". ' +
    'Dependencies may name sibling subtasks by number ("1") or any task or subtask by id ("3", "12.2"). ' +
    'With `taskId`, an existing task (without subtasks) becomes the subtask instead, keeping its fields. Returns the new subtask.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, description: 'Id of the parent task, e.g. "12".' },
      taskId: { type: 'string', minLength: 1, description: 'Id of an existing task to make the subtask, e.g. "15"; the fields below are then not used.' },
      title: { type: 'string', minLength: 1, description: 'Title of the subtask (required without `taskId`).' },
      description: { type: 'string', description: 'What the subtask is.' },
      details: { type: 'string', description: 'How to implement it.' },
      status: { ...TASK_STATUS_ARGUMENT, description: 'Initial status; default pending.' },
      dependencies: DEPENDENCIES_ARGUMENT,
      skipGenerate: SKIP_GENERATE_ARGUMENT,
      tag: TAG_ARGUMENT,
    },
    required: ['id'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    input.taskId ? `Make task ${input.taskId} a subtask of task ${input.id}${inTag(input.tag)}` : `Add subtask ${quoted(input.title ?? '')} to task ${input.id}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    let id = '';
    if (input.taskId) {
      await context.store.edit(makeSubtask(input.id, input.taskId, (newId) => (id = newId)), tag.name);
      return { tag: tag.name, from: input.taskId, task: await readTaskDetail(context, tag.name, id) };
    }
    const { title, description, details, status } = input;
    if (!title) throw new ToolInputError('`title` is required to add a new subtask; or give `taskId` to make an existing task the subtask.');
    const dependencies = commaList(input.dependencies);
    // One edit, status included: a retry after a failure can never add the subtask twice.
    await context.store.edit(addSubtaskOperation(input.id, { title, description, details, dependencies, status }, (newId) => (id = newId)), tag.name);
    return { tag: tag.name, task: await readTaskDetail(context, tag.name, id) };
  },
};
