import type { PlanOperation } from '../core/operations';
import { applyJsonEdits, verifyJsonEdits } from './jsonText';
import { parseNewPlanText, type LoadedPlan } from './planReader';

/** A plan an operation made, and the bytes of its tasks.json. */
export interface EditedPlan {
  state: LoadedPlan;
  bytes: Buffer;
}

/**
 * The plan an operation makes of `current` (read from `text`), edited in place in the text so
 * everything else in the file stays byte for byte; undefined when the operation changes nothing.
 * The one way every plan store (the local file, a plan server) turns an operation into new
 * tasks.json bytes.
 */
export function applyOperation(current: LoadedPlan, text: string, operation: PlanOperation, tag: string, now = new Date()): EditedPlan | undefined {
  const edits = operation({ plan: current.plan, tag, now, text });
  if (edits.length === 0) return undefined;
  const { state, bytes } = parseNewPlanText(current.location, applyJsonEdits(text, edits), current.currentTag);
  // An edit that breaks the JSON would be a bug here: it is never saved.
  if (state.kind !== 'loaded') throw new Error('Internal error: the edit produced invalid JSON; nothing was written.');
  verifyJsonEdits(text, edits, state.plan.data);
  return { state, bytes };
}
