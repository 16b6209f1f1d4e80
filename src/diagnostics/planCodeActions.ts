import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { fixesFor, fixOperation, type PlanFix } from '../core/planFixes';
import type { Project, Projects } from '../workspace/projects';
import { DIAGNOSTIC_SOURCE, type PlanDiagnostics } from './planDiagnostics';

/**
 * Quick fixes for the Problems of a tasks.json: remove a missing dependency, break a cycle at a
 * chosen link, renumber a duplicate id. Each runs as a store operation (re-read under the lock,
 * written atomically), never as a text edit of the open document.
 */
export class PlanCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly projects: Projects,
    private readonly diagnostics: PlanDiagnostics,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
    const project = ours.length ? this.projects.all.find((candidate) => candidate.store.location.tasksFile === document.uri.fsPath) : undefined;
    const state = project?.store.state;
    if (!project || state?.kind !== 'loaded') return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const problem = this.diagnostics.problemOf(document.uri, diagnostic);
      if (!problem) continue;
      fixesFor(state.plan, problem).forEach(({ title, fix }, index) => {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = index === 0 && problem.code !== 'dependency-cycle';
        action.command = { title, command: CommandIds.applyPlanFix, arguments: [project.folder.uri.toString(), fix] };
        actions.push(action);
      });
    }
    return actions;
  }
}

export function registerPlanCodeActions(context: vscode.ExtensionContext, projects: Projects, diagnostics: PlanDiagnostics, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.json' }, new PlanCodeActions(projects, diagnostics), PlanCodeActions.metadata));
  registerCommand(context, log, CommandIds.applyPlanFix, async (folder, fix) => {
    const project: Project | undefined = typeof folder === 'string' ? projects.byFolder(vscode.Uri.parse(folder)) : undefined;
    if (!project) return;
    const planFix = fix as PlanFix;
    await project.store.edit(fixOperation(planFix), planFix.tag);
  });
}
