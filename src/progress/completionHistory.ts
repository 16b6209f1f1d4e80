import type { ActivityLedger, EventScope } from '../ledger';

/** Completions recorded in the activity ledger for one tag. */
export interface CompletionHistory {
  /** Tasks marked done per local day, oldest first, every day present. */
  completion: Array<{ day: string; done: number }>;
  /** Ids marked done since Monday (local); the board counts those still done. */
  doneThisWeek: string[];
}

/** The days the completion chart covers, today included. */
const COMPLETION_DAYS = 28;

/** What the ledger says about a tag's completions (of one project): per day over four weeks, and this week's. */
export function completionHistory(ledger: Pick<ActivityLedger, 'velocity' | 'completedBetween'>, scope: EventScope & { tag: string }, now: Date): CompletionHistory {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const firstDay = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (COMPLETION_DAYS - 1));
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
  return {
    completion: ledger.velocity(firstDay, tomorrow, 'day', scope).map((bucket) => ({ day: bucket.label, done: bucket.done })),
    doneThisWeek: ledger
      .completedBetween(monday, tomorrow, scope)
      .filter((event) => event.taskId !== null)
      .map((event) => event.taskId!),
  };
}
