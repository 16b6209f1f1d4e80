import { OperationError, type PlanOperation } from '../core/operations';
import { readPlan, type Plan, type PlanProblem } from '../core/plan';
import { validatePlan } from '../core/validation';
import { applyJsonEdits, parseJson } from '../store/jsonText';

/** An error the plan validator would report, keyed so the same problem before and after an edit matches. */
function errorKeys(plan: Plan): Map<string, PlanProblem> {
  const errors = validatePlan(plan).problems.filter((problem) => problem.severity === 'error');
  return new Map(errors.map((problem) => [`${problem.code}\n${problem.tag ?? ''}\n${problem.message}`, problem]));
}

/**
 * An AI write that the plan validator checks first: the edits are applied to a copy of the plan,
 * and when the result has an error the plan did not have before (a cycle, a duplicate id, a
 * dependency on nothing), the write is refused and nothing reaches tasks.json. Problems the plan
 * already had are not the model's doing and do not block it.
 */
export function validatedOperation(operation: PlanOperation, what: string): PlanOperation {
  return (context) => {
    const edits = operation(context);
    if (edits.length === 0) return edits;
    const before = errorKeys(context.plan);
    const after = errorKeys(readPlan(parseJson(applyJsonEdits(JSON.stringify(context.plan.data, null, 2), edits))));
    const added = [...after].filter(([key]) => !before.has(key)).map(([, problem]) => problem.message);
    if (added.length > 0) {
      throw new OperationError(`${what}: the model's answer would leave the plan invalid (${added.join(' ')}), so nothing was written. Try again, or use a larger model.`, 'invalid');
    }
    return edits;
  };
}
