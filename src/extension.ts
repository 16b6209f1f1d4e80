import * as path from 'node:path';
import * as vscode from 'vscode';
import { ActiveTask } from './activity/activeTask';
import { registerActivityCommands } from './activity/activityCommands';
import { ProgressWatcher } from './activity/progressWatcher';
import { ActivityService } from './activity/activityService';
import { AiService } from './ai/aiService';
import { DEFAULT_AI_SETTINGS } from './ai/aiSettings';
import { OllamaInference } from './ai/ollamaInference';
import { registerAiCommands } from './aiCommands/aiCommands';
import { registerResearchCommands } from './aiCommands/researchCommand';
import { registerModelCommands } from './aiCommands/modelCommands';
import { registerOllamaConnectionCommands } from './aiCommands/ollamaConnection';
import { registerBoard } from './board/registerBoard';
import { copilotFallback } from './copilot/copilotFallback';
import { registerStructureCommands } from './commands/structureCommands';
import { registerTaskCommands } from './commands/taskCommands';
import { registerLanguageModelTools } from './agentTools/languageModelTools';
import { registerMcpServerProvider } from './agentTools/mcpServerProvider';
import { registerPlanServerCommands } from './workspace/planServerCommands';
import { registerChatParticipant } from './chat/chatParticipant';
import { ProposalStore } from './chat/proposals';
import { CommandIds, ContextKeys, ViewIds } from './commands/commandIds';
import { registerCommand } from './commands/registerCommand';
import { registerMergeCommands } from './commands/mergeCommands';
import { registerGitHubCommands } from './githubCommands/gitHubCommands';
import { registerGettingStarted } from './guide/gettingStarted';
import { PlanDiagnostics } from './diagnostics/planDiagnostics';
import { registerPlanCodeActions } from './diagnostics/planCodeActions';
import { OllamaStatusBar } from './statusBar/ollamaStatusBar';
import { TaskStatusBar } from './statusBar/taskStatusBar';
import { TaskTreeModel, type TreeElement } from './tree/taskTreeModel';
import { TaskTreeProvider } from './tree/taskTreeProvider';
import { TaskDocuments } from './tree/taskDocuments';
import { describeFilter, isFilterActive } from './tree/taskFilter';
import type { TaskNode } from './core/plan';
import { Projects, type Project } from './workspace/projects';
import { showErrorMessage } from './notifications';

/** The public surface returned by activate(), used by the extension-host tests. */
export interface TaskmasterApi {
  projects: Projects;
  model: TaskTreeModel;
  activity: ActivityService;
}

let activity: ActivityService | undefined;
let progressWatcher: ProgressWatcher | undefined;

/** Composition root: build the services, register the surfaces, push every disposable at once. */
export async function activate(context: vscode.ExtensionContext): Promise<TaskmasterApi> {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Taskmaster Local', { log: true });
  context.subscriptions.push(log);

  const projects = new Projects(log, context.secrets, String(context.extension.packageJSON.version));
  context.subscriptions.push(projects);

  const model = new TaskTreeModel(projects, context.workspaceState);
  context.subscriptions.push(model);

  // Settings are applied per project when a command runs (a project's Task Master config counts).
  const inference = new OllamaInference(DEFAULT_AI_SETTINGS);
  inference.externalFallback = copilotFallback(context.globalState);
  const ai = new AiService(inference);
  const storage = context.storageUri ?? context.globalStorageUri;
  activity = new ActivityService(path.join(storage.fsPath, 'activity.sqlite'), projects, inference, log);
  const activityService = activity;

  const history = (project: Project, task: TaskNode, tag: string) => activityService.historyLines(project, task, tag);
  const taskDocuments = new TaskDocuments(projects, history);
  context.subscriptions.push(taskDocuments);
  const treeDataProvider = new TaskTreeProvider(model, history);
  context.subscriptions.push(treeDataProvider);
  const treeView = vscode.window.createTreeView<TreeElement>(ViewIds.tasks, {
    treeDataProvider,
    showCollapseAll: true,
    // Remove Task and Move to Tag act on every selected row.
    canSelectMany: true,
  });
  context.subscriptions.push(treeView);

  context.subscriptions.push(new TaskStatusBar(model), new PlanDiagnostics(projects));
  registerPlanCodeActions(context, projects, log);
  registerTaskCommands(context, { model, treeView, taskDocuments, log });
  registerStructureCommands(context, { model, log });
  const activeTask = new ActiveTask(model);
  progressWatcher = new ProgressWatcher(model, activity, activeTask, ai, context.secrets, log);
  context.subscriptions.push(activeTask, progressWatcher);
  registerActivityCommands(context, { model, activity, activeTask, log });
  registerAiCommands(context, { model, ai, log, secrets: context.secrets });
  registerResearchCommands(context, { model, ai, log, secrets: context.secrets });
  const ollamaStatus = new OllamaStatusBar(ai, projects, context.secrets);
  context.subscriptions.push(ollamaStatus);
  registerModelCommands(context, { extensionUri: context.extensionUri, model, ai, ollamaStatus, log, secrets: context.secrets });
  registerGitHubCommands(context, { model, log });
  registerMergeCommands(context, { model, extensionUri: context.extensionUri, log });
  registerOllamaConnectionCommands(context, { model, ai, log, secrets: context.secrets, onTested: () => void ollamaStatus.check() });
  registerChatParticipant(context, { model, ai, activity, proposals: new ProposalStore(), secrets: context.secrets, log });
  registerLanguageModelTools(context, { projects, ai, secrets: context.secrets, log });
  registerMcpServerProvider(context, projects, context.secrets);
  const planServerView = registerPlanServerCommands(context, projects, log, () => updateView());
  registerBoard(context, { extensionUri: context.extensionUri, model, ai, activity, secrets: context.secrets, log });
  registerCommand(context, log, CommandIds.showLog, () => log.show());
  registerGettingStarted(context, log);

  const updateView = () => {
    const hasPlan = projects.withPlan.length > 0;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasPlan, hasPlan);
    const open = model.openTaskCount();
    treeView.badge = open ? { value: open, tooltip: `${open} open task${open === 1 ? '' : 's'}` } : undefined;
    // What the tree leaves out shows beside the view's title, and an active filter above the rows
    // too (a narrow sidebar cuts the title off), so a short tree never looks like the whole plan.
    treeView.description = model.filterDescription;
    treeView.message = isFilterActive(model.filter) ? `Filtered (${describeFilter(model.filter)}). Clear Filter shows every task.` : planServerView.message();
  };
  context.subscriptions.push(model.onDidChange(updateView));

  try {
    await projects.sync();
  } catch (error) {
    log.error(`Loading the plan failed: ${(error as Error).message}`);
    void showErrorMessage(`Taskmaster could not load the plan: ${(error as Error).message}`);
  }
  updateView();
  void vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
  // The bench reads this line; the ledger, AI and git load later, on first use.
  // CPU time too: on a busy machine the wall time is mostly waiting for a core.
  const cpu = process.cpuUsage(startedCpu);
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms, ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU (services, plan loaded)`);
  return { projects, model, activity };
}

/**
 * Records the saves still waiting for their batch, then flushes the activity ledger: VS Code waits
 * for this, so an acknowledged event is not lost.
 */
export async function deactivate(): Promise<void> {
  await progressWatcher?.flushPendingSaves();
  await activity?.close();
}
