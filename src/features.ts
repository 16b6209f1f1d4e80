import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ActiveTask } from './activity/activeTask';
import { registerActivityCommands } from './activity/activityCommands';
import { ActivityService } from './activity/activityService';
import { ProgressWatcher } from './activity/progressWatcher';
import { languageModelToolHandlers } from './agentTools/languageModelTools';
import { AiService } from './ai/aiService';
import { DEFAULT_AI_SETTINGS } from './ai/aiSettings';
import { OllamaInference } from './ai/ollamaInference';
import { registerAiCommands } from './aiCommands/aiCommands';
import { registerModelCommands } from './aiCommands/modelCommands';
import { registerOllamaConnectionCommands } from './aiCommands/ollamaConnection';
import { registerResearchCommands } from './aiCommands/researchCommand';
import { registerBoard } from './board/registerBoard';
import { chatParticipantHandlers } from './chat/chatParticipant';
import { ProposalStore } from './chat/proposals';
import { CommandIds } from './commands/commandIds';
import { registerMergeCommands } from './commands/mergeCommands';
import { registerCommand } from './commands/registerCommand';
import { registerStructureCommands } from './commands/structureCommands';
import { registerTaskCommands } from './commands/taskCommands';
import { copilotFallback } from './copilot/copilotFallback';
import type { Plan } from './core/plan';
import { registerPlanCodeActions } from './diagnostics/planCodeActions';
import type { PlanDiagnostics } from './diagnostics/planDiagnostics';
import { registerGitHubCommands } from './githubCommands/gitHubCommands';
import { registerGettingStarted } from './guide/gettingStarted';
import { OllamaStatusBar } from './statusBar/ollamaStatusBar';
import type { TaskDocuments } from './tree/taskDocuments';
import type { TaskTreeModel, TreeElement } from './tree/taskTreeModel';
import type { Project } from './workspace/projects';

/** What activation made that the features build on. */
export interface ActivatedCore {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  model: TaskTreeModel;
  treeView: vscode.TreeView<TreeElement>;
  taskDocuments: TaskDocuments;
  /** The Problems entries of each tasks.json: the quick fixes answer them. */
  diagnostics: PlanDiagnostics;
  /** Each project's plan as activation loaded it: the activity ledger records what changed since. */
  plansAtActivation: ReadonlyMap<Project, Plan | undefined>;
}

export type Features = ReturnType<typeof activateFeatures>;

/**
 * Everything the first view does not need, in its own bundle (dist/features.js), loaded on first
 * use: the commands, AI, the activity ledger, git, the board, chat, the plan tools and GitHub.
 */
export function activateFeatures({ context, log, model, treeView, taskDocuments, diagnostics, plansAtActivation }: ActivatedCore) {
  const projects = model.projects;
  // Settings are applied per project when a command runs (a project's Task Master config counts).
  const inference = new OllamaInference(DEFAULT_AI_SETTINGS);
  inference.externalFallback = copilotFallback(context.globalState);
  const ai = new AiService(inference);
  const storage = context.storageUri ?? context.globalStorageUri;
  const activity = new ActivityService(path.join(storage.fsPath, 'activity.sqlite'), projects, inference, log, plansAtActivation);
  const { secrets, extensionUri } = context;

  registerPlanCodeActions(context, projects, diagnostics, log);
  registerTaskCommands(context, { model, treeView, taskDocuments, log });
  registerStructureCommands(context, { model, log });
  const activeTask = new ActiveTask(model);
  const progressWatcher = new ProgressWatcher(model, activity, activeTask, ai, secrets, log);
  context.subscriptions.push(activeTask, progressWatcher);
  registerActivityCommands(context, { model, activity, activeTask, log });
  registerAiCommands(context, { model, ai, log, secrets });
  registerResearchCommands(context, { model, ai, log, secrets });
  const ollamaStatus = new OllamaStatusBar(ai, projects, secrets);
  context.subscriptions.push(ollamaStatus);
  registerModelCommands(context, { extensionUri, model, ai, ollamaStatus, log, secrets });
  registerGitHubCommands(context, { model, log });
  registerMergeCommands(context, { model, extensionUri, log });
  registerOllamaConnectionCommands(context, { model, ai, log, secrets, onTested: () => void ollamaStatus.check() });
  const chat = chatParticipantHandlers(context, { model, ai, activity, proposals: new ProposalStore(), secrets, log });
  const tools = languageModelToolHandlers({ projects, ai, secrets, log });
  const attachBoard = registerBoard(context, { extensionUri, model, ai, activity, secrets, log });
  registerCommand(context, log, CommandIds.showLog, () => log.show());
  registerGettingStarted(context, log);
  return { activity, progressWatcher, chat, tools, attachBoard };
}
