import { DEFAULT_SCOPE_STRENGTH, parseScopeStrength, SCOPE_STRENGTHS, type ScopeDirection } from '../core/scopePrompts';
import type { PlanTool } from './planTool';
import { idList, inTag, MODEL_TOOL_ARGUMENTS, quoted } from './toolArguments';
import { inferenceOptions, readTag, readTaskDetail } from './toolContext';
import { modelFields } from './taskViews';

type ScopeInput = { id: string; strength?: string; prompt?: string; tag?: string };

/** scope_up_task and scope_down_task: one tool per direction, as Task Master serves them. */
export function scopeTool(direction: ScopeDirection): PlanTool<ScopeInput> {
  const more = direction === 'up' ? 'more' : 'less';
  return {
    name: `scope_${direction}_task`,
    title: `Scope ${direction} task`,
    description:
      `Rewrite tasks to be ${more} complex with the local Ollama model: title, description, details, test strategy and priority change; ` +
      'ids, status and dependencies stay. Pending subtasks are replaced by new ones sized for the new scope; subtasks with any other status ' +
      '(started, done, deferred…) are kept. Returns the tasks as they are now.',
    inputSchema: {
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, description: `Task ids to scope ${direction}, comma-separated, e.g. "1,3,5" (tasks, not subtasks).` },
        strength: { type: 'string', enum: [...SCOPE_STRENGTHS], default: DEFAULT_SCOPE_STRENGTH, description: 'How far to go: light, regular or heavy.' },
        prompt: { type: 'string', description: 'Extra instructions for the rewrite, e.g. "add rate limiting".' },
        ...MODEL_TOOL_ARGUMENTS,
      },
      required: ['id'],
      additionalProperties: false,
    },
    mutates: true,
    describeCall: (input) =>
      `Scope ${direction} task ${idList(input.id).join(', ')} (${input.strength ?? DEFAULT_SCOPE_STRENGTH}) with the local model${input.prompt ? ` for ${quoted(input.prompt)}` : ''}${inTag(input.tag)}`,
    async run(input, context) {
      const tag = await readTag(context, input.tag);
      const request = { ids: idList(input.id), direction, strength: parseScopeStrength(input.strength), prompt: input.prompt, tag: tag.name };
      const outcome = await context.ai.scopeTasks(context.store, request, inferenceOptions(context));
      const tasks = await Promise.all(outcome.ids.map((id) => readTaskDetail(context, tag.name, id)));
      return { tag: tag.name, tasks, ...modelFields(outcome) };
    },
  };
}
