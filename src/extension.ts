import * as vscode from 'vscode';
import { CHAT_PARTICIPANT_ID, ContextKeys, ViewIds } from './commands/commandIds';
import { registerCommandsLoadedLater } from './commands/registerCommand';
import type { Plan, TaskNode } from './core/plan';
import { registerMcpServerProvider } from './agentTools/mcpServerProvider';
import { PlanDiagnostics } from './diagnostics/planDiagnostics';
import type { ActivityService } from './activity/activityService';
import type { ActivatedCore, Features } from './features';
import { lazy, type Lazy } from './lazy';
import { showErrorMessage } from './notifications';
import { TaskStatusBar } from './statusBar/taskStatusBar';
import { TaskDocuments } from './tree/taskDocuments';
import { describeFilter, isFilterActive } from './tree/taskFilter';
import { TaskTreeModel, type TreeElement } from './tree/taskTreeModel';
import { TaskTreeProvider } from './tree/taskTreeProvider';
import { registerPlanServerCommands } from './workspace/planServerCommands';
import { Projects, type Project } from './workspace/projects';

/** The public surface returned by activate(), used by the extension-host tests. */
export interface TaskmasterApi {
  projects: Projects;
  model: TaskTreeModel;
  activity: ActivityService;
}

/** How long after activation the features load if nothing needed them sooner: the first view comes first. */
const FEATURES_WHEN_IDLE_MS = 3000;
/** How long the tree's row requests must have paused before the features load on their own. */
const ROWS_QUIET_MS = 1000;

let features: Lazy<Features> = lazy(() => {
  throw new Error('Taskmaster is not activated.');
});

/**
 * Composition root: build what the first view needs (the plan, the Tasks tree, the status bar,
 * Problems), and register every other entry point (commands, chat, tools, the board's restore) to
 * load the rest from dist/features.js on first use.
 */
export async function activate(context: vscode.ExtensionContext): Promise<TaskmasterApi> {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Taskmaster Local', { log: true });
  context.subscriptions.push(log);

  const projects = new Projects(log, context.secrets, String(context.extension.packageJSON.version));
  context.subscriptions.push(projects);

  const model = new TaskTreeModel(projects, context.workspaceState);
  context.subscriptions.push(model);

  const history = (project: Project, task: TaskNode, tag: string) => features().activity.historyLines(project, task, tag);
  const taskDocuments = new TaskDocuments(projects, history);
  context.subscriptions.push(taskDocuments);
  const treeDataProvider = new TaskTreeProvider(model, history, (line) => log.info(line));
  context.subscriptions.push(treeDataProvider);
  const treeView = vscode.window.createTreeView<TreeElement>(ViewIds.tasks, {
    treeDataProvider,
    showCollapseAll: true,
    // Remove Task and Move to Tag act on every selected row.
    canSelectMany: true,
  });
  model.setShown(treeView.visible);
  context.subscriptions.push(treeView, treeView.onDidChangeVisibility(({ visible }) => model.setShown(visible)));
  const diagnostics = new PlanDiagnostics(projects);
  context.subscriptions.push(new TaskStatusBar(model), diagnostics);

  const plansAtActivation = new Map<Project, Plan | undefined>();
  const core: ActivatedCore = { context, log, model, treeView, taskDocuments, diagnostics, plansAtActivation };
  features = lazy(() => {
    const loadStarted = performance.now();
    const loaded = (require('./features.js') as typeof import('./features')).activateFeatures(core);
    log.info(`Features loaded in ${(performance.now() - loadStarted).toFixed(1)} ms`);
    return loaded;
  });
  registerEntryPoints(context, log, features);
  registerMcpServerProvider(context, projects, context.secrets);
  // The plan server's state shows above the rows from the start, so its commands load with the tree.
  const planServerView = registerPlanServerCommands(context, projects, log, () => updateView());

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
  for (const project of projects.all) plansAtActivation.set(project, project.store.state.kind === 'loaded' ? project.store.state.plan : undefined);
  // A plan changed (by another program) is a first use: the ledger records the change.
  const firstChange = projects.onDidChange(() => {
    firstChange.dispose();
    features();
  });
  // Not while VS Code is still asking for the tree's rows: loading would hold their answers up.
  const loadWhenIdle = () => {
    const sinceRows = performance.now() - treeDataProvider.lastRequestAt;
    if (sinceRows < ROWS_QUIET_MS) idle = setTimeout(loadWhenIdle, ROWS_QUIET_MS - sinceRows);
    else features();
  };
  let idle = setTimeout(loadWhenIdle, FEATURES_WHEN_IDLE_MS);
  context.subscriptions.push(firstChange, { dispose: () => clearTimeout(idle) });
  void vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
  // The bench reads this line; the features (commands, ledger, AI, git, board) load later, on first use.
  // CPU time too: on a busy machine the wall time is mostly waiting for a core.
  const cpu = process.cpuUsage(startedCpu);
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms, ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU (services, plan loaded)`);
  return {
    projects,
    model,
    get activity() {
      return features().activity;
    },
  };
}

/** The entry points VS Code may call before the features load: each loads them first. */
function registerEntryPoints(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, load: () => Features): void {
  const contributes = context.extension.packageJSON.contributes as { commands: Array<{ command: string }>; languageModelTools: Array<{ name: string }> };
  registerCommandsLoadedLater(
    context,
    log,
    contributes.commands.map(({ command }) => command),
    load,
  );
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, (...request) => load().chat.handler(...request));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'resources', 'taskmaster.svg');
  participant.followupProvider = { provideFollowups: (...followup) => load().chat.followupProvider.provideFollowups(...followup) };
  context.subscriptions.push(participant);
  for (const { name } of contributes.languageModelTools) {
    const tool = () => {
      const found = load().tools.get(name);
      if (!found) throw new Error(`Taskmaster has no tool ${name}: reinstall the extension.`);
      return found;
    };
    context.subscriptions.push(
      vscode.lm.registerTool<Record<string, unknown>>(name, {
        prepareInvocation: (...invocation) => tool().prepareInvocation?.(...invocation),
        invoke: (...invocation) => tool().invoke(...invocation),
      }),
    );
  }
  // The restored webview reloads and says `ready`; the panel then sends it everything afresh. VS Code
  // restores the panel with the options it was created with (its context retained while hidden);
  // one saved before the board retained it comes back without, and the panel copes (see `ready`).
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(ViewIds.board, { deserializeWebviewPanel: async (panel) => load().attachBoard(panel) }));
}

/**
 * Records the saves still waiting for their batch, then flushes the activity ledger: VS Code waits
 * for this, so an acknowledged event is not lost.
 */
export async function deactivate(): Promise<void> {
  const loaded = features.loaded;
  await loaded?.progressWatcher.flushPendingSaves();
  await loaded?.activity.close();
}
