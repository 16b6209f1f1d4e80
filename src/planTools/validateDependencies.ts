import { requireTag } from '../core/operations';
import { validatePlan } from '../core/validation';
import type { PlanTool } from './planTool';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { MAX_LISTED_PROBLEMS } from './taskViews';

type ValidateDependenciesInput = { tag?: string };

export const validateDependencies: PlanTool<ValidateDependenciesInput> = {
  name: 'validate_dependencies',
  title: 'Validate dependencies',
  description:
    'Check a tag for dependency problems (dependencies on missing tasks, on the task itself, cycles) and other errors and warnings ' +
    'in tasks.json (duplicate ids, unknown statuses or priorities, empty titles), without changing anything. `ok` is false when there are errors.',
  inputSchema: { type: 'object', properties: { tag: TAG_ARGUMENT }, additionalProperties: false },
  mutates: false,
  describeCall: (input) => `Check the task dependencies${inTag(input.tag)}`,
  async run(input, context) {
    const state = await context.store.load();
    const tag = requireTag(state.plan, input.tag ?? state.currentTag);
    const problems = validatePlan(state.plan).problems.filter((problem) => problem.severity !== 'info' && (problem.tag === undefined || problem.tag === tag.name));
    return {
      tag: tag.name,
      ok: !problems.some((problem) => problem.severity === 'error'),
      total: problems.length,
      problems: problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => ({ severity: problem.severity, ...(problem.taskId ? { taskId: problem.taskId } : {}), message: problem.message })),
    };
  },
};
