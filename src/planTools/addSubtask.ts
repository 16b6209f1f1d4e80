import { commaList } from '../core/ids';
import { addSubtask as addSubtaskOperation } from '../core/operations';
import type { TaskStatus } from '../core/task';
import type { PlanTool } from './planTool';
import { DEPENDENCIES_ARGUMENT, inTag, quoted, TAG_ARGUMENT, TASK_STATUS_ARGUMENT } from './toolArguments';
import { readTag, readTaskDetail } from './toolContext';

type AddSubtaskInput = { id: string; title: string; description?: string; details?: string; status?: TaskStatus; dependencies?: string; tag?: string };

export const addSubtask: PlanTool<AddSubtaskInput> = {
  name: 'add_subtask',
  title: 'Add subtask',
  description:
    'Add a subtask, as written, to a top-level task (subtasks are one level deep). It gets the next free subtask id, e.g. "12.4". ' +
    'Dependencies may name sibling subtasks by number ("1") or any task or subtask by id ("3", "12.2"). Returns the new subtask.',
  inputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, description: 'Id of the parent task, e.g. "12".' },
      title: { type: 'string', minLength: 1, description: 'Title of the subtask.' },
      description: { type: 'string', description: 'What the subtask is.' },
      details: { type: 'string', description: 'How to implement it.' },
      status: { ...TASK_STATUS_ARGUMENT, description: 'Initial status; default pending.' },
      dependencies: DEPENDENCIES_ARGUMENT,
      tag: TAG_ARGUMENT,
    },
    required: ['id', 'title'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Add subtask ${quoted(input.title)} to task ${input.id}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    let id = '';
    const { title, description, details, status } = input;
    const dependencies = commaList(input.dependencies);
    // One edit, status included: a retry after a failure can never add the subtask twice.
    await context.store.edit(addSubtaskOperation(input.id, { title, description, details, dependencies, status }, (newId) => (id = newId)), tag.name);
    return { tag: tag.name, task: await readTaskDetail(context, tag.name, id) };
  },
};
