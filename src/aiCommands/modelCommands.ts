import * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { endpointOrigin, parseHeaders } from '../ai/aiSettings';
import { formatSize } from '../ai/modelManager';
import { parseModelfile } from '../ai/modelfile';
import { SUBTASKS_SCHEMA } from '../core/aiSchemas';
import { benchmarkPrompt } from '../core/prompts';
import { withCancellableProgress } from '../commands/cancellableProgress';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { pickProject } from '../commands/taskPicker';
import { saveModel } from '../config';
import type { OllamaStatusBar } from '../statusBar/ollamaStatusBar';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import { markdownCell } from '../core/markdown';
import { showMarkdown } from './markdownView';
import { applyProjectSettings, HEADERS_SECRET, type StoredProxyHeaders } from './projectAiSettings';
import { plural } from '../core/text';
import { showInformationMessage, showWarningMessage } from '../notifications';

export interface ModelCommandServices {
  extensionUri: vscode.Uri;
  model: TaskTreeModel;
  ai: AiService;
  /** Checked again after a pull or a create, so the status (and the walkthrough's model step) shows the new model. */
  ollamaStatus: OllamaStatusBar;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}

/** Commands that manage Ollama itself: status, models, proxy headers, benchmarks, the cache. */
export function registerModelCommands(context: vscode.ExtensionContext, services: ModelCommandServices): void {
  const { model, ai, ollamaStatus, log, secrets, extensionUri } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  /** The models on the project's Ollama hosts; with none, says so and offers the way out. */
  const installedModels = async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return undefined;
    const settings = await applyProjectSettings(ai, secrets, project);
    const installed = await withCancellableProgress(`Listing the models on ${settings.endpoints.join(', ')}`, (_, signal) => ai.models.listModels(settings.endpoints, signal));
    if (installed.length > 0) return { project, settings, installed };
    const choice = await showWarningMessage(`No models found on ${settings.endpoints.join(', ')} (or Ollama is not reachable).`, 'Pull Model', 'Open Settings');
    if (choice === 'Pull Model') await vscode.commands.executeCommand(CommandIds.pullModel);
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'taskmaster.ollama');
    return undefined;
  };

  register(CommandIds.createOptimizedModel, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const template = parseModelfile(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'resources', 'taskmaster.Modelfile'))));
    const base = await vscode.window.showInputBox({ title: 'Base model (installed on the server)', ignoreFocusOut: true, value: settings.model === 'taskmaster-planner' ? template.from : settings.model });
    if (!base) return;
    const name = await vscode.window.showInputBox({ title: 'Name of the new model', ignoreFocusOut: true, value: 'taskmaster-planner' });
    if (!name) return;
    await withCancellableProgress(`Creating ${name} from ${base}`, (progress, signal) =>
      ai.models.create(settings.endpoints[0], name, base, template, (status) => progress.report({ message: status }), signal),
    );
    void ollamaStatus.check();
    const choice = await showInformationMessage(`Created ${name} on ${settings.endpoints[0]}.`, 'Use It');
    if (choice) await saveModel(name, project.folder.uri);
  });

  register(CommandIds.benchmarkModels, async () => {
    const found = await installedModels();
    if (!found) return;
    const { settings, installed } = found;
    const picked = await vscode.window.showQuickPick(
      installed.map((m) => ({ label: m.name, description: [formatSize(m.sizeBytes), m.parameterSize].filter(Boolean).join(' · '), detail: m.host, picked: m.name === settings.model, target: m })),
      { canPickMany: true, placeHolder: 'Benchmark which models? Each gets the same planning request.' },
    );
    if (!picked?.length) return;
    const results = await withCancellableProgress('Benchmarking models', async (progress, signal) => {
      const rows = [];
      for (const [index, item] of picked.entries()) {
        progress.report({ message: `${item.label} (${index + 1} of ${picked.length})`, increment: 100 / picked.length });
        rows.push(await ai.inference.measure(item.target.host, item.target.name, benchmarkPrompt(), SUBTASKS_SCHEMA, signal));
        // A measurement records a cancelled request as a failed row: stop at the first.
        signal.throwIfAborted();
      }
      return rows;
    });
    const seconds = (ms?: number) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
    const content = [
      '# Model benchmark',
      '',
      'One standard planning request (expand a task into 5 subtasks, schema-checked) per model. The research note\'s target: a standard analysis in under 10 s.',
      '',
      '| Model | Host | First token | Tokens/s | Total | Valid output |',
      '| --- | --- | --- | --- | --- | --- |',
      ...results.map((r) => `| ${r.model} | ${r.host} | ${seconds(r.firstTokenMs)} | ${r.tokensPerSecond?.toFixed(1) ?? '–'} | ${seconds(r.totalMs)}${r.totalMs < 10_000 ? ' ✓' : ''} | ${r.valid ? 'yes' : `no${r.error ? ` (${markdownCell(r.error)})` : ''}`} |`),
    ].join('\n');
    await showMarkdown(content);
  });

  register(CommandIds.clearAiCache, () => {
    const { size } = ai.inference.cacheStats;
    ai.inference.clearCache();
    void showInformationMessage(`Cleared ${size} cached AI answer${size === 1 ? '' : 's'}.`);
  });

  register(CommandIds.showOllamaStatus, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const lines = [`Model: ${settings.model}${settings.fallbackModels.length ? ` (fallbacks: ${settings.fallbackModels.join(', ')})` : ''}`];
    void ollamaStatus.check();
    const hosts = await withCancellableProgress(`Checking ${settings.endpoints.join(', ')}`, (_, signal) => Promise.all(settings.endpoints.map((host) => ai.models.health(host, signal))));
    for (const health of hosts) {
      lines.push(health.reachable ? `${health.host}: reachable, Ollama ${health.version}; loaded: ${health.loaded?.join(', ') || 'none'}` : `${health.host}: not reachable (${health.error})`);
    }
    const { hits, misses, size } = ai.inference.cacheStats;
    lines.push(`Cache: ${plural(size, 'answer')}, ${plural(hits, 'hit')}, ${plural(misses, 'miss', 'misses')}`);
    for (const call of ai.inference.recentCalls.slice(-10)) lines.push(`  ${call.operation} ${call.model}@${call.host}: ${call.latencyMs} ms${call.cached ? ' (cache)' : ''}${call.ok ? '' : ' FAILED'}`);
    for (const line of lines) log.info(line);
    log.show(true);
  });

  register(CommandIds.selectModel, async () => {
    const found = await installedModels();
    if (!found) return;
    const { project, settings, installed } = found;
    const picked = await vscode.window.showQuickPick(
      installed.map((m) => ({
        label: m.name,
        description: [formatSize(m.sizeBytes), m.family, m.parameterSize, m.quantization].filter(Boolean).join(' · ') + (m.name === settings.model ? ' · current' : ''),
        detail: settings.endpoints.length > 1 ? m.host : undefined,
      })),
      { placeHolder: 'Model for planning' },
    );
    if (!picked) return;
    await saveModel(picked.label, project.folder.uri);
    void showInformationMessage(`Taskmaster now plans with ${picked.label}.`);
  });

  register(CommandIds.pullModel, async (suggested) => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const value = typeof suggested === 'string' ? suggested : settings.model;
    const name = await vscode.window.showInputBox({ title: `Pull a model onto ${settings.endpoints[0]}`, ignoreFocusOut: true, value, placeHolder: 'qwen2.5-coder:7b' });
    if (!name?.trim()) return;
    await withCancellableProgress(`Pulling ${name}`, async (progress, signal) => {
      let reported = 0;
      await ai.models.pull(settings.endpoints[0], name.trim(), ({ status, fraction }) => {
        const percent = fraction === undefined ? undefined : Math.floor(fraction * 100);
        const increment = percent !== undefined && percent > reported ? percent - reported : undefined;
        if (increment) reported = percent!;
        progress.report({ message: percent === undefined ? status : `${status} ${percent}%`, increment });
      }, signal);
    });
    void ollamaStatus.check();
    void showInformationMessage(`Pulled ${name}.`, 'Use It').then((choice) => choice && saveModel(name.trim(), project.folder.uri));
  });

  register(CommandIds.setProxyHeaders, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    // The headers go to the endpoints in effect now, and to no other host later.
    const origins = [...new Set((await applyProjectSettings(ai, secrets, project)).endpoints.map(endpointOrigin))];
    const value = await vscode.window.showInputBox({
      title: `Headers for a reverse proxy in front of Ollama at ${origins.join(', ')} (stored in VS Code's secret storage)`,
      placeHolder: 'Authorization: Bearer …; X-Other: value   (empty to remove)',
      ignoreFocusOut: true,
      password: true,
      validateInput: (text) => (text.trim() === '' || parseHeaders(text) ? undefined : 'Write "Name: value" pairs separated by ";".'),
    });
    if (value === undefined) return;
    if (value.trim() === '') await secrets.delete(HEADERS_SECRET);
    else await secrets.store(HEADERS_SECRET, JSON.stringify({ headers: parseHeaders(value)!, origins } satisfies StoredProxyHeaders));
    void showInformationMessage(value.trim() ? `Proxy headers saved in secret storage, for ${origins.join(', ')} only.` : 'Proxy headers removed.');
  });
}
