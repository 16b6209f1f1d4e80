import * as vscode from 'vscode';
import type { PlanProblem, ProblemSeverity } from '../core/plan';
import { FirstCheck } from '../core/firstCheck';
import { validatePlan } from '../core/validation';
import { JsonLocator, JsonSyntaxError, type TextPosition } from '../store/jsonText';
import { CHECK_AFTER_CHANGE_MS, folderKey, type Project, type Projects } from '../workspace/projects';

/** The Problems panel's name for what Taskmaster reports; quick fixes answer only these. */
export const DIAGNOSTIC_SOURCE = 'Taskmaster';

const SEVERITY: Record<ProblemSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function range(start: TextPosition, end: TextPosition): vscode.Range {
  return new vscode.Range(start.line - 1, start.column - 1, end.line - 1, end.column - 1);
}

/** Where a problem sits in the file's text, as the Problems panel shows it. */
function problemRange(locator: JsonLocator, problem: PlanProblem): vscode.Range {
  const { start, end } = locator.locate(problem.path);
  return range(start, end);
}

/** A Problems entry and the problem it was made from. */
interface PlacedProblem {
  problem: PlanProblem;
  diagnostic: vscode.Diagnostic;
}

/** Problems of each tasks.json (syntax, shape, ids, dependencies) in the Problems panel, with positions. */
export class PlanDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE.toLowerCase());
  /** By tasks.json URI: what its entries were made from, for the quick fixes. */
  private readonly placed = new Map<string, PlacedProblem[]>();
  /** By tasks.json URI: bumped by every update, so a placement that finishes after a newer one is dropped. */
  private readonly generations = new Map<string, number>();
  private readonly subscription: vscode.Disposable;
  private readonly firstCheck = new FirstCheck<Project>(folderKey, (project) => this.update(project));
  /** The projects changed since the last update (undefined: the list of projects changed). */
  private readonly due = new Set<Project | undefined>();
  private dueTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly projects: Projects) {
    // Problems follow a change once the views have taken it: checking the plan is the costliest
    // part of a change (20 ms at 1,000 tasks), and the Problems panel is not where the user looks.
    this.subscription = projects.onDidChange((project) => {
      this.due.add(project);
      this.dueTimer ??= setTimeout(() => this.updateDue(), CHECK_AFTER_CHANGE_MS);
    });
    this.updateAll();
  }

  private updateDue(): void {
    this.dueTimer = undefined;
    const due = [...this.due];
    this.due.clear();
    if (due.includes(undefined)) this.updateAll();
    else for (const project of due) if (project) this.update(project);
  }

  /** The problem a Problems entry of `uri` shows (VS Code hands back copies: matched by code, message and range). */
  problemOf(uri: vscode.Uri, diagnostic: vscode.Diagnostic): PlanProblem | undefined {
    const entry = this.placed.get(uri.toString())?.find(({ diagnostic: shown }) => shown.code === diagnostic.code && shown.message === diagnostic.message && shown.range.isEqual(diagnostic.range));
    return entry?.problem;
  }

  /** Every project again; the files of projects gone (a folder removed) lose their entries. */
  private updateAll(): void {
    const files = new Set(this.projects.all.map((project) => vscode.Uri.file(project.store.location.tasksFile).toString()));
    const gone: vscode.Uri[] = [];
    this.collection.forEach((uri) => {
      if (!files.has(uri.toString())) gone.push(uri);
    });
    for (const uri of gone) {
      this.supersede(uri);
      this.show(uri, undefined);
    }
    for (const project of this.projects.all) this.update(project);
  }

  private update(project: Project): void {
    const state = project.store.state;
    const uri = vscode.Uri.file(state.location.tasksFile);
    const generation = this.supersede(uri);
    if (state.kind === 'missing') {
      this.show(uri, undefined);
      return;
    }
    if (state.kind === 'unreadable') {
      const error = state.error;
      const position = JsonSyntaxError.is(error) ? error.position : { line: 1, column: 1 };
      const message = JsonSyntaxError.is(error) ? `${error.reason}. Taskmaster will not write to this file until it parses.` : error.message;
      this.show(uri, [], [Object.assign(new vscode.Diagnostic(range(position, position), message, vscode.DiagnosticSeverity.Error), { source: DIAGNOSTIC_SOURCE })]);
      return;
    }
    if (!this.firstCheck.ready(project, state.plan)) return;
    const { problems } = validatePlan(state.plan);
    // The entries shown stay until the new ones are placed: no flicker while the text is read.
    if (problems.length) void this.place(project, uri, generation, problems);
    else this.show(uri, []);
  }

  /** Starts a new generation of `uri`'s entries: a placement still running for an older one is dropped. */
  private supersede(uri: vscode.Uri): number {
    const generation = (this.generations.get(uri.toString()) ?? 0) + 1;
    this.generations.set(uri.toString(), generation);
    return generation;
  }

  /**
   * Sets the problems at their places in the text the plan was read from (read only when there are
   * problems: the text is not kept). A file changed since gives no places: the entries then point
   * at its start until the reload that follows places them again.
   */
  private async place(project: Project, uri: vscode.Uri, generation: number, problems: PlanProblem[]): Promise<void> {
    const text = await project.store.loadedText().catch(() => undefined);
    if (this.generations.get(uri.toString()) !== generation) return;
    const locator = text === undefined ? undefined : new JsonLocator(text);
    const placed = problems.map((problem) => {
      const diagnostic = new vscode.Diagnostic(locator ? problemRange(locator, problem) : new vscode.Range(0, 0, 0, 0), problem.message, SEVERITY[problem.severity]);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = problem.code;
      return { problem, diagnostic };
    });
    this.show(uri, placed);
  }

  /** Sets a file's entries (`undefined` removes the file); `others` are entries no problem made (a syntax error). */
  private show(uri: vscode.Uri, placed: PlacedProblem[] | undefined, others: vscode.Diagnostic[] = []): void {
    const key = uri.toString();
    if (placed === undefined) {
      this.placed.delete(key);
      this.collection.delete(uri);
    } else {
      this.placed.set(key, placed);
      this.collection.set(uri, [...others, ...placed.map(({ diagnostic }) => diagnostic)]);
    }
  }

  dispose(): void {
    clearTimeout(this.dueTimer);
    this.generations.clear();
    this.firstCheck.dispose();
    this.subscription.dispose();
    this.collection.dispose();
  }
}
