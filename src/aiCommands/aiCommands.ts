import * as vscode from 'vscode';
import { CancelledError, OllamaUnreachableError } from '../ai/aiErrors';
import type { AiOutcome, AiService } from '../ai/aiService';
import type { InferenceOptions } from '../ai/ollamaInference';
import { withCancellableProgress } from '../commands/cancellableProgress';
import { announceTask, type TaskToShow } from '../commands/announceTask';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { showError } from '../messages';
import { repairSummary } from '../core/generatedTasks';
import { DEFAULT_SCOPE_STRENGTH, SCOPE_STRENGTHS, type ScopeDirection, type ScopeStrength } from '../core/scopePrompts';
import { plural } from '../core/text';
import { isProject, loadedTag, pickProject, resolveTarget } from '../commands/taskPicker';
import { defaultSubtaskCount } from '../config';
import { readComplexityReport } from '../store/complexityReport';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { markdownCell } from '../core/markdown';
import { showMarkdown } from './markdownView';
import { ollamaReadyForCommand } from './ollamaConnection';
import { applyProjectSettings } from './projectAiSettings';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

export interface AiCommandServices {
  model: TaskTreeModel;
  ai: AiService;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}

/** The AI commands on the plan: each asks what it needs, runs the one AI service under a cancellable progress. */
export function registerAiCommands(context: vscode.ExtensionContext, services: AiCommandServices): void {
  const { model, ai, log, secrets } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);
  /** A command that needs the model: Ollama's reachability is checked before it asks anything. */
  const registerAi = (id: string, handler: (...args: unknown[]) => unknown) =>
    register(id, async (...args) => ((await ollamaReadyForCommand(services, args[0])) ? handler(...args) : undefined));

  /** A result message, with the log one click away when something was dropped or failed. */
  const report = (message: string, withLog: boolean, shows?: TaskToShow) =>
    void announceTask(message, shows, ...(withLog ? ['Show Log'] : [])).then((choice) => choice === 'Show Log' && log.show());

  /**
   * Says what an AI change did, with Undo and Try Again. Try Again undoes the change and asks the
   * model afresh: after an Undo the service skips the cache, so the undone answer is not replayed.
   */
  const reportChange = (message: string, withLog: boolean, project: Project, tag: string, again: () => Promise<void>, shownId?: string) =>
    void announceTask(message, shownId ? { project, tag, id: shownId } : undefined, 'Undo', 'Try Again', ...(withLog ? ['Show Log'] : [])).then(async (choice) => {
      if (choice === 'Show Log') log.show();
      if (choice === 'Undo') await vscode.commands.executeCommand(CommandIds.undoAiChange, project, tag);
      if (choice !== 'Try Again') return;
      try {
        await ai.undoLastChange(project.store, tag);
        await again();
      } catch (error) {
        await showError(error, log);
      }
    });

  /** Applies the project's settings, then runs the work with progress, cancellation and logging. */
  const run = async (project: Project, title: string, work: (options: InferenceOptions) => Promise<AiOutcome>): Promise<{ outcome: AiOutcome; note: string }> => {
    const settings = await applyProjectSettings(ai, secrets, project);
    let outcome: AiOutcome;
    try {
      outcome = await withCancellableProgress(title, (progress, signal) => {
        progress.report({ message: `asking ${settings.model}…` });
        return work({
          signal,
          onProgress: (p) => progress.report({ message: `${p.tokens} tokens from ${p.model}, ${(p.elapsedMs / 1000).toFixed(1)} s` }),
          log: (line) => log.info(line),
        });
      });
    } catch (error) {
      if (!OllamaUnreachableError.is(error)) throw error;
      const choice = await showErrorMessage(error.message, 'Retry', 'Open Settings');
      if (choice === 'Retry') return run(project, title, work);
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'taskmaster.ollama');
      throw new CancelledError();
    }
    for (const warning of outcome.warnings) log.warn(warning);
    return { outcome, note: repairSummary(outcome.warnings) };
  };

  registerAi(CommandIds.expandTask, async (element) => {
    const target = await resolveTarget(model, element, 'Expand which task into subtasks?', (task) => task.parentId === undefined);
    if (!target) return;
    let force = false;
    if (target.task.subtasks.length) {
      const choice = await vscode.window.showQuickPick(['Add to the existing subtasks', 'Replace the existing subtasks'], { placeHolder: `${target.task.id} already has ${plural(target.task.subtasks.length, 'subtask')}` });
      if (!choice) return;
      force = choice.startsWith('Replace');
    }
    const countText = await vscode.window.showInputBox({
      title: `Expand ${target.task.id} ${target.task.title}: how many subtasks?`,
      value: String(defaultSubtaskCount(target.project.folder.uri)),
      validateInput: (text) => (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 20 ? undefined : 'A number from 1 to 20.'),
    });
    if (!countText) return;
    const expand = async (): Promise<void> => {
      const { outcome, note } = await run(target.project, `Expanding ${target.task.id}`, (options) =>
        ai.expandTask(target.project.store, { id: target.task.id, count: Number(countText), force, tag: target.tag.name }, options),
      );
      reportChange(`Added ${plural(outcome.ids.length, 'subtask')} to ${target.task.id} (${outcome.model}${outcome.cached ? ', cached' : ''}).${note}`, outcome.warnings.length > 0, target.project, target.tag.name, expand);
    };
    await expand();
  });

  registerAi(CommandIds.expandAll, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const candidates = loaded.tag.tasks.filter((task) => task.status === 'pending');
    const withoutSubtasks = candidates.filter((task) => task.subtasks.length === 0).length;
    const choice = await vscode.window.showQuickPick(
      [`Expand ${withoutSubtasks === 1 ? 'the pending task that has' : `the ${withoutSubtasks} pending tasks that have`} no subtasks`, `Re-expand ${candidates.length === 1 ? 'the pending task' : `all ${candidates.length} pending tasks`} (replaces their subtasks)`],
      { placeHolder: `Expand all in tag "${loaded.tag.name}"` },
    );
    if (!choice) return;
    const force = choice.startsWith('Re-expand');
    const settings = await applyProjectSettings(ai, secrets, project);
    const result = await withCancellableProgress('Expanding tasks', (progress, signal) => {
      const total = force ? candidates.length : withoutSubtasks;
      let finished = 0;
      progress.report({ message: `0 of ${total} on ${settings.endpoints.length} host${settings.endpoints.length === 1 ? '' : 's'}` });
      return ai.expandAll(project.store, { tag: loaded.tag.name, force, count: defaultSubtaskCount(project.folder.uri) }, { signal, log: (line) => log.info(line) }, (id) =>
        progress.report({ message: `${++finished} of ${total} (last: ${id})`, increment: 100 / Math.max(total, 1) }),
      );
    });
    for (const failure of result.failed) log.warn(`Expand ${failure.id} failed: ${failure.error}`);
    const failed = result.failed.length ? ` ${result.failed.length} failed.` : '';
    report(`Expanded ${plural(result.expanded.length, 'task')}.${failed}`, result.failed.length > 0);
  });

  registerAi(CommandIds.parsePrd, async (arg) => {
    // A first PRD is how many plans start: a folder without tasks.json gets one.
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    const missing = project.store.state.kind === 'missing';
    const loaded = missing ? undefined : loadedTag(model, project);
    if (!missing && !loaded) return;
    const text = await readPrd(project, arg instanceof vscode.Uri ? arg : undefined);
    if (text === undefined) return;
    let replace = false;
    if (loaded?.tag.tasks.length) {
      const choice = await vscode.window.showQuickPick(['Append to the current tasks', 'Replace the current tasks (a backup is kept)'], { placeHolder: `Tag "${loaded.tag.name}" has ${plural(loaded.tag.tasks.length, 'task')}` });
      if (!choice) return;
      replace = choice.startsWith('Replace');
    }
    const countText = await vscode.window.showInputBox({ title: 'About how many tasks?', value: '10', validateInput: (t) => (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 50 ? undefined : 'A number from 1 to 50.') });
    if (!countText) return;
    const parse = async (): Promise<void> => {
      const { outcome, note } = await run(project, 'Parsing the PRD', (options) => ai.parsePrd(project.store, { text, count: Number(countText), replace, tag: loaded?.tag.name }, options));
      const message = `Added ${plural(outcome.ids.length, 'task')} from the PRD (${outcome.model}${outcome.cached ? ', cached' : ''}).${note}`;
      const first = outcome.ids[0];
      // A plan the PRD started has nothing to go back to: Undo and Try Again need one that existed.
      if (loaded) reportChange(message, outcome.warnings.length > 0, project, loaded.tag.name, parse, first);
      else report(message, outcome.warnings.length > 0, outcome.tag && first ? { project, tag: outcome.tag, id: first } : undefined);
    };
    await parse();
  });

  registerAi(CommandIds.addTaskWithAi, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    // Prompts stay open while text is copied into them from elsewhere (here and in the updates below).
    const prompt = await vscode.window.showInputBox({ title: 'Add a task with AI', ignoreFocusOut: true, placeHolder: 'What should be done? e.g. "rate-limit the public API"' });
    if (!prompt?.trim()) return;
    const add = async (): Promise<void> => {
      const { outcome, note } = await run(project, 'Writing the task', (options) => ai.addTaskFromPrompt(project.store, { prompt, tag: loaded.tag.name }, options));
      reportChange(`Added task ${outcome.ids[0]} (${outcome.model}).${note}`, outcome.warnings.length > 0, project, loaded.tag.name, add, outcome.ids[0]);
    };
    await add();
  });

  registerAi(CommandIds.analyzeComplexity, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    await applyProjectSettings(ai, secrets, project);
    const result = await withCancellableProgress(`Rating the tasks of "${loaded.tag.name}"`, (progress, signal) => {
      return ai.analyzeComplexity(project.store, { tag: loaded.tag.name }, { signal, log: (line) => log.info(line), onProgress: (p) => progress.report({ message: `${p.model}: ${p.tokens} tokens` }) });
    });
    for (const warning of result.warnings) log.warn(warning);
    const choice = await showInformationMessage(`Rated ${plural(result.entries.length, 'task')} (${result.model}).`, 'Show Report');
    if (choice) await vscode.commands.executeCommand(CommandIds.showComplexityReport, project);
  });

  register(CommandIds.showComplexityReport, async (arg) => {
    const project = isProject(arg) ? arg : await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const report = await readComplexityReport(project.store.location, loaded.tag.name);
    if (!report) {
      const choice = await showInformationMessage(`No complexity report for tag "${loaded.tag.name}" yet.`, 'Analyze Complexity');
      if (choice) await vscode.commands.executeCommand(CommandIds.analyzeComplexity);
      return;
    }
    const rows = [...report.complexityAnalysis].sort((a, b) => b.complexityScore - a.complexityScore);
    const content = [
      `# Task complexity: ${loaded.tag.name}`,
      '',
      `Generated ${report.meta.generatedAt}; ${plural(report.meta.analysisCount, 'task')} rated.`,
      '',
      '| Task | Title | Complexity | Subtasks | How to split | Why |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map((e) => `| ${e.taskId} | ${markdownCell(e.taskTitle)} | ${e.complexityScore} | ${e.recommendedSubtasks} | ${markdownCell(e.expansionPrompt)} | ${markdownCell(e.reasoning)} |`),
    ].join('\n');
    await showMarkdown(content);
  });

  const promptedChange = async (element: unknown, kind: 'task' | 'note') => {
    const target = await resolveTarget(model, element, kind === 'task' ? 'Update which task?' : 'Add a note to which task or subtask?');
    if (!target) return;
    const prompt = await vscode.window.showInputBox({
      title: kind === 'task' ? `What changed for ${target.task.id} ${target.task.title}?` : `What should the note on ${target.task.id} say?`,
      placeHolder: kind === 'task' ? 'e.g. "we use PostgreSQL instead of SQLite"' : 'e.g. "the retry logic lives in client.ts"',
      ignoreFocusOut: true,
    });
    if (!prompt?.trim()) return;
    const request = { id: target.task.id, prompt, tag: target.tag.name };
    const change = async (): Promise<void> => {
      const { outcome, note } = await run(target.project, kind === 'task' ? `Updating ${target.task.id}` : `Writing a note on ${target.task.id}`, (options) =>
        kind === 'task' ? ai.updateTask(target.project.store, request, options) : ai.updateSubtask(target.project.store, request, options),
      );
      const message = kind === 'task' ? `Updated ${target.task.id} (${outcome.model}).${note}` : `Added a note to ${target.task.id} (${outcome.model}).${note}`;
      reportChange(message, outcome.warnings.length > 0, target.project, target.tag.name, change);
    };
    await change();
  };
  registerAi(CommandIds.updateTaskWithAi, (element) => promptedChange(element, 'task'));
  registerAi(CommandIds.updateFromWithAi, async (element) => {
    const target = await resolveTarget(model, element, 'Update every open task from which one onward?', (task) => task.parentId === undefined);
    if (!target) return;
    const prompt = await vscode.window.showInputBox({ title: `What changed? Tasks ${target.task.id} and later that are not done are rewritten.`, ignoreFocusOut: true, placeHolder: 'e.g. "we deploy with NixOS modules, not Docker"' });
    if (!prompt?.trim()) return;
    const update = async (): Promise<void> => {
      const { outcome, note } = await run(target.project, `Updating tasks from ${target.task.id}`, (options) =>
        ai.updateFrom(target.project.store, { fromId: target.task.id, prompt, tag: target.tag.name }, options),
      );
      reportChange(`Updated ${plural(outcome.ids.length, 'task')} (${outcome.ids.join(', ')}).${note}`, outcome.warnings.length > 0, target.project, target.tag.name, update);
    };
    await update();
  });
  registerAi(CommandIds.addNoteWithAi, (element) => promptedChange(element, 'note'));

  /** Scope Up / Scope Down: the strength to change by, optional instructions, then the rescoping. */
  const rescope = async (element: unknown, direction: ScopeDirection) => {
    const verb = direction === 'up' ? 'Scope up' : 'Scope down';
    const target = await resolveTarget(model, element, `${verb} which task?`, (task) => task.parentId === undefined);
    if (!target) return;
    // The default first, so Enter takes it, as task-master's --strength does when left out.
    const strengths = [DEFAULT_SCOPE_STRENGTH, ...SCOPE_STRENGTHS.filter((strength) => strength !== DEFAULT_SCOPE_STRENGTH)];
    const items = strengths.map((strength) => ({ label: strength, description: STRENGTH_HINTS[direction][strength], strength }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `${verb} ${target.task.id} ${target.task.title}: by how much? Pending subtasks are replaced; the others are kept.` });
    if (!picked) return;
    const prompt = await vscode.window.showInputBox({
      title: `${verb} ${target.task.id}: any instructions? (optional)`,
      placeHolder: direction === 'up' ? 'e.g. "add metrics and a load test"' : 'e.g. "drop the admin UI"',
      ignoreFocusOut: true,
    });
    if (prompt === undefined) return;
    const request = { ids: [target.task.id], direction, strength: picked.strength, prompt: prompt.trim() || undefined, tag: target.tag.name };
    const scope = async (): Promise<void> => {
      const { outcome, note } = await run(target.project, `Scoping ${direction} ${target.task.id}`, (options) => ai.scopeTasks(target.project.store, request, options));
      reportChange(`Scoped ${direction} ${target.task.id} (${picked.strength}, ${outcome.model}).${note}`, outcome.warnings.length > 0, target.project, target.tag.name, scope);
    };
    await scope();
  };
  registerAi(CommandIds.scopeUpTask, (element) => rescope(element, 'up'));
  registerAi(CommandIds.scopeDownTask, (element) => rescope(element, 'down'));

  register(CommandIds.undoAiChange, async (arg, tagArg) => {
    const project = isProject(arg) ? arg : await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    // The tag the change was made in (a chat proposal names it); else the tag being worked in.
    const tag = typeof tagArg === 'string' ? tagArg : loaded.tag.name;
    const change = ai.lastChange(project.store, tag);
    if (!change) {
      void showInformationMessage(`No AI change to undo in tag "${tag}" in this session.`);
      return;
    }
    const confirm = await showWarningMessage(
      `Undo "${change.operation}" from ${change.at.toLocaleTimeString()}?`,
      { modal: true, detail: `Tag "${change.tag}" goes back to how it was before; changes made to it since then are lost. Other tags are not touched. The backup is ${change.backupFile}.` },
      'Undo',
    );
    if (confirm !== 'Undo') return;
    await ai.undoLastChange(project.store, tag);
    void showInformationMessage(`Undid "${change.operation}".`);
  });
}

/** What each strength means in the quick pick. */
const STRENGTH_HINTS: Record<ScopeDirection, Record<ScopeStrength, string>> = {
  up: { light: 'a few more details and edge cases', regular: 'more steps, error handling and tests', heavy: 'advanced features, extensive handling and tests' },
  down: { light: 'trim a few non-essentials', regular: 'core functionality only', heavy: 'the bare minimum that works' },
};

/** The PRD text: a given file, the active editor's document, or a file the user picks. */
async function readPrd(project: Project, uri: vscode.Uri | undefined): Promise<string | undefined> {
  if (!uri) {
    const active = vscode.window.activeTextEditor?.document;
    const items = [
      ...(active && !active.uri.fsPath.endsWith('tasks.json') ? [{ label: `Active editor: ${vscode.workspace.asRelativePath(active.uri)}`, uri: active.uri }] : []),
      { label: 'Choose a file…', uri: undefined },
    ];
    const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Which requirements document?' });
    if (!picked) return undefined;
    uri = picked.uri;
    if (!uri) {
      const chosen = await vscode.window.showOpenDialog({
        defaultUri: vscode.Uri.joinPath(project.folder.uri, '.taskmaster', 'docs'),
        filters: { 'Requirements': ['md', 'txt'], 'All files': ['*'] },
        openLabel: 'Parse PRD',
      });
      uri = chosen?.[0];
      if (!uri) return undefined;
    }
  }
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri!.toString());
  return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
