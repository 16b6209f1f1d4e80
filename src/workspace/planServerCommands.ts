import * as vscode from 'vscode';
import { planServerSettings, planServerTokenKey } from '../config';
import { CommandIds, ContextKeys } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { showInformationMessage, showWarningMessage } from '../notifications';
import { RemotePlanStore, type PlanServerProblem } from '../remote/remotePlanStore';
import type { Projects } from './projects';

/** What the Tasks view says above a served plan that is not live, and what to do. */
const PROBLEM_MESSAGES: Record<PlanServerProblem, string> = {
  offline: 'Plan server unreachable: showing the last plan it sent. Edits are refused until it is back (Retry Plan Server Connection).',
  unauthorized: 'The plan server refused the token: Connect to Plan Server… with a token from tml token add.',
  forbidden: 'The plan server does not allow this token: Connect to Plan Server… with a write token.',
};

/** What the Tasks view shows above its rows while a served plan is not live. */
export interface PlanServerView {
  message(): string | undefined;
}

/**
 * Connect, Disconnect and Retry for a plan server, and the Tasks view's message and welcome
 * content when a served plan cannot be had (the `planServerProblem` context key).
 */
export function registerPlanServerCommands(context: vscode.ExtensionContext, projects: Projects, log: vscode.LogOutputChannel, onProblem: () => void): PlanServerView {
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);
  const secrets = context.secrets;
  let announced: string | undefined;
  let viewMessage: string | undefined;

  const showProblem = () => {
    const problem = projects.served.map((project) => project.store.connection).find((connection) => 'message' in connection);
    void vscode.commands.executeCommand('setContext', ContextKeys.planServerProblem, problem?.status);
    viewMessage = problem && 'message' in problem ? PROBLEM_MESSAGES[problem.status] : undefined;
    onProblem();
    const key = problem && 'message' in problem ? problem.message : undefined;
    if (key && key !== announced) {
      const actions = problem?.status === 'offline' ? ['Retry', 'Connect…'] : ['Connect…'];
      void showWarningMessage(`Taskmaster: ${key}`, ...actions).then((choice) => {
        if (choice === 'Retry') return vscode.commands.executeCommand(CommandIds.retryPlanServer);
        if (choice === 'Connect…') return vscode.commands.executeCommand(CommandIds.connectPlanServer);
        return undefined;
      });
    }
    announced = key;
  };
  context.subscriptions.push(projects.onDidChangeConnection(showProblem), projects.onDidChange(showProblem));

  register(CommandIds.connectPlanServer, async () => {
    const folder = await pickFolder();
    if (!folder) return;
    const current = planServerSettings(folder.uri);
    const configured = vscode.workspace.getConfiguration('taskmaster', folder.uri).get<string>('planServer.url', '');
    const url = (
      await vscode.window.showInputBox({
        title: 'Connect to Plan Server (1/3): URL',
        ignoreFocusOut: true,
        prompt: 'Where tml serve answers, e.g. https://taskmaster.home-lab (nginx in front of it)',
        value: current?.url ?? configured,
        validateInput: (text) => (/^https?:\/\/\S+$/.test(text.trim()) ? undefined : 'An http:// or https:// URL.'),
      })
    )
      ?.trim()
      .replace(/\/+$/, '');
    if (!url) return;
    const token = (
      await vscode.window.showInputBox({
        title: 'Connect to Plan Server (2/3): token',
        // Stays open while the token is copied from the server's terminal.
        ignoreFocusOut: true,
        prompt: 'A token from tml token add <name> --scope write on the server; kept in SecretStorage',
        password: true,
        value: (await secrets.get(planServerTokenKey(url))) ?? '',
        validateInput: (text) => (text.trim() ? undefined : 'The token is needed.'),
      })
    )?.trim();
    if (!token) return;
    const names = await listProjects(url, token);
    if (typeof names === 'string') {
      void showWarningMessage(`Taskmaster: ${names}`, 'Connect…').then((choice) => choice && vscode.commands.executeCommand(CommandIds.connectPlanServer));
      return;
    }
    const picked = await vscode.window.showQuickPick(
      names.map((name) => ({ label: name, description: name === current?.project ? 'current' : undefined })),
      { title: 'Connect to Plan Server (3/3): project', ignoreFocusOut: true, placeHolder: `Which of ${url}'s projects does ${folder.name} use?` },
    );
    if (!picked) return;
    // Tested: the plan itself loads with this token before anything is saved.
    const probe = new RemotePlanStore({ url, project: picked.label }, { token, localRoot: folder.uri.fsPath });
    try {
      await probe.load();
    } catch (error) {
      void showWarningMessage(`Taskmaster: nothing was saved. ${(error as Error).message}`);
      return;
    } finally {
      probe.dispose();
    }
    await secrets.store(planServerTokenKey(url), token);
    const settings = vscode.workspace.getConfiguration('taskmaster', folder.uri);
    const target = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await settings.update('planServer.url', url, target);
    await settings.update('planServer.project', picked.label, target);
    log.info(`${folder.name}: uses project "${picked.label}" of ${url}`);
    void showInformationMessage(`${folder.name} now uses the plan of "${picked.label}" on ${url}. Copilot agent mode gets its tools too.`);
  });

  register(CommandIds.disconnectPlanServer, async () => {
    const served = projects.served;
    const project = served.length <= 1 ? served[0] : (await vscode.window.showQuickPick(served.map((candidate) => ({ label: candidate.folder.name, project: candidate })), { placeHolder: 'Disconnect which folder?' }))?.project;
    if (!project) {
      void showInformationMessage('No folder of this workspace uses a plan server.');
      return;
    }
    const { url } = project.store.address;
    // Asked before the settings change: that reopens every folder's store.
    const urlStillUsed = projects.served.some((other) => other !== project && other.store.address.url === url);
    const settings = vscode.workspace.getConfiguration('taskmaster', project.folder.uri);
    for (const key of ['planServer.project', 'planServer.url']) {
      const inspected = settings.inspect(key);
      if (inspected?.workspaceFolderValue !== undefined) await settings.update(key, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      if (inspected?.workspaceValue !== undefined) await settings.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
    if (!urlStillUsed) await secrets.delete(planServerTokenKey(url));
    void showInformationMessage(`${project.folder.name} uses its own .taskmaster/tasks/tasks.json again.`);
  });

  register(CommandIds.retryPlanServer, async () => {
    const served = projects.served;
    if (served.length === 0) {
      void showInformationMessage('No folder of this workspace uses a plan server. Connect to Plan Server… sets one up.');
      return;
    }
    await Promise.all(served.map((project) => project.store.retry()));
    showProblem();
    if (served.every((project) => project.store.connection.status === 'connected')) void showInformationMessage('Connected to the plan server again.');
  });
  return { message: () => viewMessage };
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void showInformationMessage('Open a folder first: the plan server is set per workspace folder.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder uses the plan server?' });
}

/** The server's project names, or what went wrong (a sentence for a notification). */
async function listProjects(url: string, token: string): Promise<string[] | string> {
  let response: Response;
  try {
    response = await fetch(`${url}/plans`, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `cannot reach ${url} (${cause?.code ?? (error as Error).message}). Check that tml serve runs there and the URL.`;
  }
  if (response.status === 401) return `${url} refused the token (401). Make one on the server with tml token add <name> --scope write.`;
  if (!response.ok) {
    // tml serve says what to do (421: a host name it was not started to answer, --allowed-host).
    const refusal = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
    return typeof refusal?.message === 'string' ? `${url} answered ${response.status}: ${refusal.message}` : `${url}/plans answered ${response.status}; is it a tml serve?`;
  }
  const body = (await response.json().catch(() => undefined)) as { projects?: Array<{ name?: unknown }> } | undefined;
  const names = (body?.projects ?? []).map((project) => project.name).filter((name): name is string => typeof name === 'string');
  return names.length ? names : `${url} serves no project. Start tml serve with --project name=/path.`;
}
