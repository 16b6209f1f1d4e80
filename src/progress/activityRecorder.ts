import type { InferenceRecord } from '../ai/ollamaInference';
import type { Plan } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import type { PlanLocation } from '../store/planLocation';
import { diffStatuses } from './statusChanges';

/**
 * Turns what happened into ledger events. Events another window may see too (a tasks.json change)
 * get a key derived from the change itself, so the ledger stores them once.
 */
export class ActivityRecorder {
  constructor(readonly ledger: ActivityLedger) {}

  /** Status changes between two versions of a project's plan file (`after` has the fingerprint given), whoever made them. */
  recordPlanChange(location: PlanLocation, before: Plan | undefined, after: Plan, afterFingerprint: string, source: string): number {
    const version = afterFingerprint.slice(0, 12);
    return this.ledger.appendMany(
      diffStatuses(before, after).map((change) => ({
        kind: 'status' as const,
        tag: change.tag,
        taskId: change.taskId,
        folder: location.root,
        source,
        data: { from: change.from, to: change.to, title: change.title },
        key: `status:${location.tasksFile}:${change.tag}:${change.taskId}:${change.from ?? ''}>${change.to}:${version}`,
      })),
    );
  }

  recordAiCall(record: InferenceRecord): void {
    this.ledger.append({
      kind: 'ai',
      source: 'extension',
      data: { operation: record.operation, model: record.model, host: record.host, latencyMs: record.latencyMs, tokens: record.tokens, cacheHit: record.cached, ok: record.ok },
    });
  }
}
