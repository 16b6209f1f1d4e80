import { CancelledError, InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from '../ai/aiErrors';
import { OperationError } from '../core/operations';
import { ReadOnlyFileError } from '../store/atomicWrite';
import { LockTimeoutError } from '../store/fileLock';
import { PlanMissingError, PlanUnreadableError } from '../store/planReader';
import { validateInput } from './inputValidation';
import { ToolInputError, type PlanTool, type PlanToolContext } from './planTool';

/** What a bridge gets from a call: the result, or a message that says what went wrong and what to do. */
export type PlanToolOutcome = { ok: true; result: unknown } | { ok: false; message: string };

/** Failures whose own message already tells a model or a user what happened and what to do. */
const EXPECTED_FAILURES = [
  ToolInputError,
  OperationError,
  PlanMissingError,
  PlanUnreadableError,
  ReadOnlyFileError,
  LockTimeoutError,
  OllamaUnreachableError,
  ModelNotFoundError,
  InvalidReplyError,
  CancelledError,
];

/**
 * Runs a call the way every bridge should: arguments checked against the tool's schema first,
 * and every failure turned into a readable message. It never throws.
 */
export async function runPlanTool(tool: PlanTool, rawInput: unknown, context: PlanToolContext): Promise<PlanToolOutcome> {
  try {
    return { ok: true, result: await tool.run(validateInput(tool, rawInput), context) };
  } catch (error) {
    if (EXPECTED_FAILURES.some((kind) => error instanceof kind)) return { ok: false, message: (error as Error).message };
    // Anything else is a bug: the model gets one line, the log gets the stack.
    context.log?.(`${tool.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    return { ok: false, message: `${tool.name} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The confirmation sentence for a call, or undefined when its arguments do not validate: such a
 * call is refused before it touches anything, so there is nothing to confirm.
 */
export function describePlanToolCall(tool: PlanTool, rawInput: unknown): string | undefined {
  try {
    return tool.describeCall(validateInput(tool, rawInput));
  } catch {
    return undefined;
  }
}
