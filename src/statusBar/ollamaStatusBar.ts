import * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import { CommandIds } from '../commands/commandIds';
import { affectsAiSettings } from '../config';
import type { Projects } from '../workspace/projects';

/** How often Ollama's health is checked in the background. */
const CHECK_INTERVAL_MS = 60_000;

/**
 * The active model and whether its Ollama answers. A click shows the full status, or, while no host
 * answers, offers the fixes. It is warning-coloured only when a host that answered in this window
 * stops answering: a machine without Ollama is a setup step, not an alarm.
 */
export class OllamaStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskmasterLocal.ollama', vscode.StatusBarAlignment.Left, 49);
  private readonly timer: NodeJS.Timeout;
  private readonly subscriptions: vscode.Disposable[] = [];
  private answeredBefore = false;

  constructor(
    private readonly ai: AiService,
    private readonly projects: Projects,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.item.name = 'Taskmaster: Ollama';
    this.timer = setInterval(() => void this.refresh(), CHECK_INTERVAL_MS);
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => affectsAiSettings(event) && void this.refresh()),
      projects.onDidChange((project) => project === undefined && void this.refresh()),
      projects.onDidChangeCurrent(() => void this.refresh()),
    );
    void this.refresh();
  }

  /** Asks every host of the current project again and shows the answer. */
  async refresh(): Promise<void> {
    const project = this.projects.current;
    if (!project) {
      this.item.hide();
      return;
    }
    const settings = await applyProjectSettings(this.ai, this.secrets, project);
    // Every host is checked, so a host that failed earlier is used again as soon as it is back.
    const hosts = await Promise.all(settings.endpoints.map((host) => this.ai.models.health(host)));
    for (const entry of hosts) this.ai.inference.noteHealth(entry.host, entry.reachable);
    const health = hosts.find((entry) => entry.reachable) ?? hosts[0];
    this.item.text = `${health.reachable ? '$(hubot)' : '$(debug-disconnect)'} ${settings.model}`;
    this.item.tooltip = health.reachable
      ? `Ollama ${health.version} at ${health.host}. Loaded: ${health.loaded?.join(', ') || 'none'}.${hosts.length > 1 ? ` ${hosts.filter((h) => h.reachable).length} of ${hosts.length} hosts up.` : ''} Click for details.`
      : `Ollama is not reachable at ${settings.endpoints.join(', ')}. Click to set the endpoint, test the connection or get started.`;
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
