import * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { isOllamaReachable, PROBE_TIMEOUT_MS } from '../ai/ollamaReachability';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { pickProject } from '../commands/taskPicker';
import { allowCopilotFallback, saveEndpoint } from '../config';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { applyProjectSettings } from './projectAiSettings';
import { showInformationMessage, showWarningMessage } from '../notifications';

/** The extension's Getting Started walkthrough, as `workbench.action.openWalkthrough` names it. */
export const WALKTHROUGH_ID = 'taskmaster-local.taskmaster-local#taskmasterLocal.gettingStarted';

/** The ways out when Ollama does not answer, offered by the model status item and by the AI commands. */
export const OLLAMA_FIXES: Array<vscode.Command & { detail: string }> = [
  { title: 'Set Ollama Endpoint…', command: CommandIds.setOllamaEndpoint, detail: 'Point Taskmaster at a running Ollama server, such as http://my-gpu-box:11434' },
  { title: 'Test Connection', command: CommandIds.testOllamaConnection, detail: 'Ask every configured host again' },
  { title: 'Get Started', command: 'workbench.action.openWalkthrough', arguments: [WALKTHROUGH_ID, false], detail: 'The walkthrough: install or reach Ollama, pick a model' },
  { title: 'Open Log', command: CommandIds.showOllamaStatus, detail: 'What each host answered, in the Taskmaster log' },
];

export interface OllamaConnectionServices {
  model: TaskTreeModel;
  ai: AiService;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}

export interface OllamaConnectionCommandServices extends OllamaConnectionServices {
  /** Told after Test Connection, so the status item shows the new answer at once. */
  onTested: () => void;
}

/** Says Ollama does not answer, with the fixes as buttons; resolves once the user chose (or closed it). */
export async function offerOllamaFixes(message: string): Promise<void> {
  const choice = await showWarningMessage(message, ...OLLAMA_FIXES.map((fix) => fix.title));
  const fix = OLLAMA_FIXES.find((candidate) => candidate.title === choice);
  if (fix) await vscode.commands.executeCommand(fix.command, ...(fix.arguments ?? []));
}

/**
 * Whether an AI command can go on: checked before it asks anything, from the cached health or a
 * short probe. When no host answers (and Copilot may not stand in), says so with the fixes.
 */
export async function ollamaReadyForCommand(services: OllamaConnectionServices, element?: unknown): Promise<boolean> {
  const project = projectOf(element) ?? services.model.projects.current;
  // Without a project there are no settings to check yet; the command picks one and fails later if need be.
  if (!project) return true;
  const settings = await applyProjectSettings(services.ai, services.secrets, project);
  if ((await isOllamaReachable(services.ai, settings.endpoints)) || allowCopilotFallback()) return true;
  void offerOllamaFixes(`Ollama is not reachable at ${settings.endpoints.join(', ')}. Start it, or point Taskmaster at a running server; nothing was asked or changed.`);
  return false;
}

/** The project a command's argument names (a tree element or a task reference carries it). */
function projectOf(element: unknown): Project | undefined {
  const project = (element as { project?: unknown } | undefined)?.project;
  return typeof project === 'object' && project !== null && 'store' in project ? (project as Project) : undefined;
}

/** Fix Ollama Connection…, Set Ollama Endpoint…, Test Ollama Connection. */
export function registerOllamaConnectionCommands(context: vscode.ExtensionContext, services: OllamaConnectionCommandServices): void {
  const { model, ai, log, secrets } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  register(CommandIds.fixOllamaConnection, async () => {
    const project = model.projects.current;
    const endpoints = project ? (await applyProjectSettings(ai, secrets, project)).endpoints : [];
    const picked = await vscode.window.showQuickPick(
      OLLAMA_FIXES.map((fix) => ({ label: fix.title, detail: fix.detail, fix })),
      { title: endpoints.length ? `Ollama is not reachable at ${endpoints.join(', ')}` : 'Ollama connection', placeHolder: 'What would you like to do?' },
    );
    if (picked) await vscode.commands.executeCommand(picked.fix.command, ...(picked.fix.arguments ?? []));
  });

  register(CommandIds.setOllamaEndpoint, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const endpoint = await vscode.window.showInputBox({
      title: 'Ollama endpoint',
      ignoreFocusOut: true,
      prompt: 'The server Taskmaster asks, as http://host:11434 (saved in the setting taskmaster.ollama.endpoint).',
      value: settings.endpoints[0],
      validateInput: (text) => (isHttpUrl(text.trim()) ? undefined : 'An http:// or https:// address, for example http://localhost:11434.'),
    });
    if (!endpoint) return;
    await saveEndpoint(endpoint.trim(), project.folder.uri);
    await vscode.commands.executeCommand(CommandIds.testOllamaConnection);
  });

  register(CommandIds.testOllamaConnection, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const hosts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Asking ${settings.endpoints.join(', ')}…` }, () =>
      Promise.all(settings.endpoints.map((host) => ai.models.health(host, AbortSignal.timeout(PROBE_TIMEOUT_MS * 2)))),
    );
    for (const health of hosts) ai.inference.noteHealth(health.host, health.reachable);
    services.onTested();
    const up = hosts.filter((health) => health.reachable);
    for (const health of hosts) log.info(health.reachable ? `${health.host}: Ollama ${health.version}` : `${health.host}: not reachable (${health.error})`);
    if (up.length) {
      void showInformationMessage(`Ollama ${up[0].version} answers at ${up.map((health) => health.host).join(', ')}.`);
      return;
    }
    await offerOllamaFixes(`Ollama does not answer at ${hosts.map((health) => `${health.host} (${health.error})`).join(', ')}.`);
  });
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
