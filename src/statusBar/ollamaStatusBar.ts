import * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import { sameModel } from '../ai/modelRoles';
import { CommandIds, ContextKeys } from '../commands/commandIds';
import { affectsAiSettings } from '../config';
import type { Projects } from '../workspace/projects';

/** How often Ollama's health is checked in the background. */
const CHECK_INTERVAL_MS = 60_000;

/**
 * The active model and whether its Ollama answers. A click shows the full status, or, while no host
 * answers, offers the fixes. It is warning-coloured only when a host that answered in this window
 * stops answering: a machine without Ollama is a setup step, not an alarm. It also sets the context
 * keys the Getting Started walkthrough completes its Ollama and model steps on, and offers the
 * walkthrough while either is missing.
 */
export class OllamaStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskmasterLocal.ollama', vscode.StatusBarAlignment.Left, 49);
  private readonly timer: NodeJS.Timeout;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The project the last check was for: a plan that appears (Initialize) or goes changes it. */
  private checked: Projects['current'];
  private answeredBefore = false;

  constructor(
    private readonly ai: AiService,
    private readonly projects: Projects,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.item.name = 'Taskmaster: Ollama';
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => affectsAiSettings(event) && void this.check()),
      projects.onDidChange((project) => (project === undefined || projects.current !== this.checked) && void this.check()),
      projects.onDidChangeCurrent(() => void this.check()),
    );
    void this.check();
  }

  /** Checks every host now (after a pull or a create, when the user asks for the status). */
  async check(): Promise<void> {
    const project = this.projects.current;
    this.checked = project;
    if (!project) {
      this.item.hide();
      return;
    }
    const settings = await applyProjectSettings(this.ai, this.secrets, project);
    // Every host is checked, so a host that failed earlier is used again as soon as it is back.
    const [hosts, installed] = await Promise.all([Promise.all(settings.endpoints.map((host) => this.ai.models.health(host))), this.ai.models.listModels(settings.endpoints)]);
    for (const entry of hosts) this.ai.inference.noteHealth(entry.host, entry.reachable);
    const health = hosts.find((entry) => entry.reachable) ?? hosts[0];
    const modelInstalled = installed.some((entry) => sameModel(entry.name, settings.model));
    void vscode.commands.executeCommand('setContext', ContextKeys.ollamaReachable, health.reachable);
    void vscode.commands.executeCommand('setContext', ContextKeys.modelInstalled, modelInstalled);
    this.item.text = `${health.reachable ? '$(hubot)' : '$(debug-disconnect)'} ${settings.model}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: [CommandIds.openWalkthrough] };
    if (!health.reachable) tooltip.appendText(`Ollama is not reachable at ${settings.endpoints.join(', ')}. Click to set the endpoint, test the connection or get started.`);
    else {
      tooltip.appendText(`Ollama ${health.version} at ${health.host}. Loaded: ${health.loaded?.join(', ') || 'none'}.${hosts.length > 1 ? ` ${hosts.filter((h) => h.reachable).length} of ${hosts.length} hosts up.` : ''}`);
      tooltip.appendText(modelInstalled ? ' Click for details.' : ` ${settings.model} is not installed there. Click for details.`);
    }
    if (!health.reachable || !modelInstalled) tooltip.appendMarkdown(`\n\n[$(rocket) Get Started](command:${CommandIds.openWalkthrough}): connect a host and pick a model, step by step.`);
    this.item.tooltip = tooltip;
    this.item.command = health.reachable ? CommandIds.showOllamaStatus : CommandIds.fixOllamaConnection;
    this.item.backgroundColor = !health.reachable && this.answeredBefore ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.answeredBefore ||= health.reachable;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.item.dispose();
  }
}
