import type { PlanOperation } from '../core/operations';
import { applyJsonEdits, verifyJsonEdits } from './jsonText';
import { parsePlanText, type LoadedPlan } from './planReader';

/**
 * The plan an operation makes of `current`, edited in place in its text so everything else in the
 * file stays byte for byte; undefined when the operation changes nothing. The one way every plan
 * store (the local file, a plan server) turns an operation into new tasks.json text.
 */
export function applyOperation(current: LoadedPlan, operation: PlanOperation, tag: string, now = new Date()): LoadedPlan | undefined {
  const edits = operation({ plan: current.plan, tag, now });
  if (edits.length === 0) return undefined;
  const updated = parsePlanText(current.location, applyJsonEdits(current.text, edits), current.currentTag);
  // An edit that breaks the JSON would be a bug here: it is never saved.
  if (updated.kind !== 'loaded') throw new Error('Internal error: the edit produced invalid JSON; nothing was written.');
  verifyJsonEdits(current.text, edits, updated.plan.data);
  return updated;
}
