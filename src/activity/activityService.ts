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

/** How long after activation the ledger opens if nothing needed it sooner: the first view comes first. */
const OPEN_WHEN_IDLE_MS = 3000;

/**
 * The activity ledger of this workspace, in the extension's storage (per machine, never in the
 * repository): opened on first use (a change to record, a report) or shortly after activation, fed
 * by plan changes and AI calls, closed (flushed) on deactivate so no acknowledged event is lost.
 */
export class ActivityService {
  private recorder: ActivityRecorder | undefined;
  private ledger: ActivityLedger | undefined;
  private readonly previous = new Map<Project, Plan | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private opening: Promise<ActivityLedger | undefined> | undefined;
  private readonly openTimer: NodeJS.Timeout;
  private readonly _onDidOpen = new vscode.EventEmitter<ActivityLedger>();
  /** Fires once the ledger is open; listening does not open it. */
  readonly onDidOpen = this._onDidOpen.event;

  constructor(
    readonly ledgerFile: string,
    private readonly projects: Projects,
    inference: OllamaInference,
    private readonly log: vscode.LogOutputChannel,
    plansAtActivation: ReadonlyMap<Project, Plan | undefined>,
  ) {
    // Made after activation (on first use): changes since then are compared with the plans it loaded.
    for (const [project, plan] of plansAtActivation) this.previous.set(project, plan);
    for (const [project, plan] of plansAtActivation) if (project.store.state.kind === 'loaded' && project.store.state.plan !== plan) this.planChanged(project);
    inference.onRecord = (record) => void this.ready.then(() => this.recorder?.recordAiCall(record));
    this.subscriptions.push(this._onDidOpen, projects.onDidChange((project) => (project ? this.planChanged(project) : this.baseline())));
    this.openTimer = setTimeout(() => void this.ready, OPEN_WHEN_IDLE_MS);
  }

  /** The ledger, opened by this first call (sql.js and the database load here); undefined when it cannot open. */
  get ready(): Promise<ActivityLedger | undefined> {
    clearTimeout(this.openTimer);
    return (this.opening ??= this.open());
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
      this._onDidOpen.fire(ledger);
      return ledger;
    } catch (error) {
      this.log.error(`The activity ledger could not start: ${(error as Error).message}. History and reports are unavailable in this window.`);
      return undefined;
    }
  }

  /** The ledger if it is open; asking starts opening it, for the next time. */
  private get openLedger(): ActivityLedger | undefined {
    if (!this.ledger) void this.ready;
    return this.ledger;
  }

  /** What each plan looks like now: later changes are compared with it. */
  private baseline(): void {
    for (const project of this.projects.all) {
      const state = project.store.state;
      if (!this.previous.has(project)) this.previous.set(project, state.kind === 'loaded' ? state.plan : undefined);
    }
  }

  /** Recorded once the ledger is open (the first change opens it), in the order the changes came. */
  private planChanged(project: Project): void {
    const state = project.store.state;
    if (state.kind !== 'loaded') return;
    const before = this.previous.get(project);
    this.previous.set(project, state.plan);
    if (!before) return;
    void this.ready.then(() => {
      const recorded = this.recorder?.recordPlanChange(state.location, before, state.plan, state.fingerprint, 'tasks.json');
      if (recorded) this.log.debug(`Recorded ${recorded} status change(s) in ${path.basename(state.location.tasksFile)}`);
    });
  }

  /** A task's recorded history in a few lines (nothing while the ledger is still opening). */
  historyLines(project: Project, task: TaskNode, tag: string): string[] {
    const ledger = this.openLedger;
    return ledger ? summarizeHistory(ledger.history(task.id, { tag, folder: project.store.location.root, includeSubtasks: true }), task.status) : [];
  }

  /** A tag's completions for the board's dashboard; none while the ledger is still opening. */
  completionHistory(project: Project, tag: string): CompletionHistory | undefined {
    const ledger = this.openLedger;
    return ledger && completionHistory(ledger, { tag, folder: project.store.location.root }, new Date());
  }

  /** A project's events since `at` (ms), oldest first; none while the ledger is still opening. */
  eventsSince(project: Project, at: number, limit = 500): LedgerEvent[] {
    return (this.openLedger?.recent(limit, { folder: project.store.location.root }) ?? []).filter((event) => event.at >= at).reverse();
  }

  /** Flushes the ledger if it was opened; one never used is not opened just to close it. */
  async close(): Promise<void> {
    clearTimeout(this.openTimer);
    vscode.Disposable.from(...this.subscriptions).dispose();
    await (await this.opening)?.close();
  }
}
