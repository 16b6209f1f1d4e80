import * as vscode from 'vscode';
import type { PlanProblem, ProblemSeverity } from '../core/plan';
import { FirstCheck } from '../core/firstCheck';
import { validatePlan } from '../core/validation';
import { JsonLocator, JsonSyntaxError, type TextPosition } from '../store/jsonText';
import type { LoadedPlan } from '../store/planReader';
import { folderKey, type Project, type Projects } from '../workspace/projects';

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
export function problemRange(locator: JsonLocator, problem: PlanProblem): vscode.Range {
  const { start, end } = locator.locate(problem.path);
  return range(start, end);
}

/** Problems of each tasks.json (syntax, shape, ids, dependencies) in the Problems panel, with positions. */
export class PlanDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE.toLowerCase());
  private readonly subscription: vscode.Disposable;
  private disposed = false;
  private readonly firstCheck = new FirstCheck<Project>(folderKey, (project) => this.update(project));

  constructor(private readonly projects: Projects) {
    this.subscription = projects.onDidChange((project) => (project ? this.update(project) : this.updateAll()));
    this.updateAll();
  }

  private updateAll(): void {
    this.collection.clear();
    for (const project of this.projects.all) this.update(project);
  }

  private update(project: Project): void {
    const state = project.store.state;
    const uri = vscode.Uri.file(state.location.tasksFile);
    if (state.kind === 'missing') {
      this.collection.delete(uri);
      return;
    }
    if (state.kind === 'unreadable') {
      const error = state.error;
      const position = JsonSyntaxError.is(error) ? error.position : { line: 1, column: 1 };
      const message = JsonSyntaxError.is(error) ? `${error.reason}. Taskmaster will not write to this file until it parses.` : error.message;
      this.collection.set(uri, [Object.assign(new vscode.Diagnostic(range(position, position), message, vscode.DiagnosticSeverity.Error), { source: DIAGNOSTIC_SOURCE })]);
      return;
    }
    if (!this.firstCheck.ready(project, state.plan)) return;
    const { problems } = validatePlan(state.plan);
    if (problems.length === 0) this.collection.set(uri, []);
    else void this.place(project, state, uri, problems);
  }

  /** Sets the problems at their places in the text `state` was read from; a newer state places its own. */
  private async place(project: Project, state: LoadedPlan, uri: vscode.Uri, problems: PlanProblem[]): Promise<void> {
    const text = await project.store.loadedText();
    if (text === undefined || project.store.state !== state || this.disposed) return;
    const locator = new JsonLocator(text);
    this.collection.set(
      uri,
      problems.map((problem) => {
        const diagnostic = new vscode.Diagnostic(problemRange(locator, problem), problem.message, SEVERITY[problem.severity]);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = problem.code;
        return diagnostic;
      }),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.firstCheck.dispose();
    this.subscription.dispose();
    this.collection.dispose();
  }
}
