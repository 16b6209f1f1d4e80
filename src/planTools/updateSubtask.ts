import { appendNote } from '../core/operations';
import { ToolInputError, type PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS, quoted, TASK_ID_ARGUMENT } from './toolArguments';
import { readTag, readTaskDetail } from './toolContext';

type UpdateSubtaskInput = { id: string; prompt: string; tag?: string };

const NOTE_START = '<info added on ';

export const updateSubtask: PlanTool<UpdateSubtaskInput> = {
  name: 'update_subtask',
  title: 'Add note to subtask',
  description:
    'Append a timestamped note to a subtask\'s details (a task\'s also works), keeping everything already there: progress, findings, ' +
    'decisions, what worked and what did not. Unlike Task Master, no model rewrites it: `prompt` is stored verbatim, so write the note ' +
    'itself. Uses Task Master\'s <info added on …> block format. To change status, use set_task_status.',
  inputSchema: {
    type: 'object',
    properties: {
      id: TASK_ID_ARGUMENT,
      prompt: { type: 'string', minLength: 1, description: 'The note to append, exactly as it should be kept.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    required: ['id', 'prompt'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Append a note to ${input.id}${inTag(input.tag)}: ${quoted(input.prompt)}`,
  async run(input, context) {
    if (!input.prompt.trim()) throw new ToolInputError('`prompt` is blank: write the note to append.');
    const tag = await readTag(context, input.tag);
    await context.store.edit(appendNote(input.id, input.prompt), tag.name);
    const task = await readTaskDetail(context, tag.name, input.id);
    return { tag: tag.name, id: task.id, appended: task.details.slice(task.details.lastIndexOf(NOTE_START)) };
  },
};
