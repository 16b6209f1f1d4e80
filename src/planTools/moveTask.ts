import { planMove, type MoveArguments } from '../core/taskStructure';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type MoveTaskInput = MoveArguments & { from: string; tag?: string };

export const moveTask: PlanTool<MoveTaskInput> = {
  name: 'move_task',
  title: 'Move task',
  description:
    'Give tasks or subtasks new ids within a tag (`from` "5" to `to` "9"; a task becomes a subtask with "7.3", a subtask a task with "9"), ' +
    'or move tasks to another tag with `toTag`, keeping their ids. Dependencies on what moved follow it.',
  inputSchema: {
    type: 'object',
    properties: {
      from: { type: 'string', minLength: 1, description: 'The ids to move, comma-separated, e.g. "5", "5.2" or "5,6".' },
      to: { type: 'string', description: 'Where each goes, pairwise with `from`, e.g. "9" or "7.3,10". Not used with `toTag`.' },
      tag: TAG_ARGUMENT,
      fromTag: { ...TAG_ARGUMENT, description: 'The tag to move tasks out of, with `toTag`. Default: `tag`, else the current tag.' },
      toTag: { ...TAG_ARGUMENT, description: 'Move the tasks to this tag (created if missing), keeping their ids.' },
      withDependencies: { type: 'boolean', description: 'With `toTag`: also move the tasks they depend on.' },
      ignoreDependencies: { type: 'boolean', description: 'With `toTag`: drop their dependencies on tasks that stay behind.' },
    },
    required: ['from'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    input.toTag ? `Move ${input.from} to tag "${input.toTag}"` : `Move ${input.from} to ${input.to ?? '?'}${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const move = planMove(input, tag.name);
    if (move.kind === 'within') {
      await context.store.edit(move.operation, move.tag);
      const { from, to } = move.request;
      return { tag: tag.name, moved: from.map((id, i) => ({ from: id, to: to[i] })) };
    }
    const { fromTag, toTag } = move.request;
    const before = (await readTag(context, fromTag)).tasks.map((task) => task.id);
    await context.store.edit(move.operation, move.tag);
    const after = new Set((await readTag(context, fromTag)).tasks.map((task) => task.id));
    // With dependencies, more tasks go than were named: list what went.
    return { fromTag, toTag, moved: before.filter((id) => !after.has(id)) };
  },
};
