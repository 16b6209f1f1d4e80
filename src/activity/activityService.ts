import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OllamaInference } from '../ai/ollamaInference';
import { completionHistory, type CompletionHistory } from '../progress/completionHistory';
import type { Plan, TaskNode } from '../core/plan';
import { ActivityLedger, locateSqlWasm, type LedgerEvent } from '../ledger';
import { ActivityRecorder } from '../progress/activityRecorder';
import { summarizeHistory } from '../progress/progressReport';
import type { Project, Projects } from '../workspace/projects';
import { showWarningMessage } from '../notifications';

/**
 * The activity ledger of this workspace, in the extension's storage (per machine, never in the
 * repository): opened after activation, fed by plan changes and AI calls, closed (flushed) on
 * deactivate so no acknowledged event is lost.
 */
export class ActivityService {
  private recorder: ActivityRecorder | undefined;
  private ledger: ActivityLedger | undefined;
  private readonly previous = new Map<Project, Plan | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly ready: Promise<ActivityLedger | undefined>;

  constructor(
    readonly ledgerFile: string,
    private readonly projects: Projects,
    inference: OllamaInference,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.ready = this.open();
    inference.onRecord = (record) => this.recorder?.recordAiCall(record);
    this.subscriptions.push(projects.onDidChange((project) => (project ? this.planChanged(project) : this.baseline())));
  }

  private async open(): Promise<ActivityLedger | undefined> {
    try {
      const ledger = await ActivityLedger.open(this.ledgerFile, (file) => locateSqlWasm(file), {
        onNotice: (notice) => {
          this.log.warn(`Activity ledger: ${notice.message}`);
          if (notice.kind === 'recovered') void showWarningMessage(`Taskmaster: ${notice.message}`);
        },
      });
      this.recorder = new ActivityRecorder(ledger);
      this.ledger = ledger;
      this.baseline();
      return ledger;
    } catch (error) {
      this.log.error(`The activity ledger could not start: ${(error as Error).message}. History and reports are unavailable in this window.`);
      return undefined;
    }
  }

  /** What each plan looks like now: later changes are compared with it. */
  private baseline(): void {
    for (const project of this.projects.all) {
      const state = project.store.state;
      if (!this.previous.has(project)) this.previous.set(project, state.kind === 'loaded' ? state.plan : undefined);
    }
  }

  private planChanged(project: Project): void {
    const state = project.store.state;
    if (state.kind !== 'loaded' || !this.recorder) return;
    const before = this.previous.get(project);
    this.previous.set(project, state.plan);
    if (!before) return;
    const recorded = this.recorder.recordPlanChange(state.location, before, state.plan, state.text, 'tasks.json');
    if (recorded) this.log.debug(`Recorded ${recorded} status change(s) in ${path.basename(state.location.tasksFile)}`);
  }

  /** A task's recorded history in a few lines (nothing while the ledger is still opening). */
  historyLines(project: Project, task: TaskNode, tag: string): string[] {
    return this.ledger ? summarizeHistory(this.ledger.history(task.id, { tag, folder: project.store.location.root, includeSubtasks: true }), task.status) : [];
  }

  /** A tag's completions for the board's dashboard; none while the ledger is still opening. */
  completionHistory(project: Project, tag: string): CompletionHistory | undefined {
    return this.ledger && completionHistory(this.ledger, { tag, folder: project.store.location.root }, new Date());
  }

  /** A project's events since `at` (ms), oldest first; none while the ledger is still opening. */
  eventsSince(project: Project, at: number, limit = 500): LedgerEvent[] {
    return (this.ledger?.recent(limit, { folder: project.store.location.root }) ?? []).filter((event) => event.at >= at).reverse();
  }

  async close(): Promise<void> {
    vscode.Disposable.from(...this.subscriptions).dispose();
    await (await this.ready)?.close();
  }
}
