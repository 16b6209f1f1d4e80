import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from './ai/aiErrors';
import { OperationError } from './core/operations';
import { ReadOnlyFileError } from './store/atomicWrite';
import { LockTimeoutError } from './store/fileLock';
import { JsonSyntaxError } from './store/jsonText';
import { PlanMissingError, PlanUnreadableError } from './store/planReader';
import { CommandIds } from './commands/commandIds';
import { GitHubError } from './github/gitHubError';
import { showErrorMessage, showWarningMessage } from './notifications';

/** What to tell the user about an error: the message and the actions that help (command buttons). */
export interface ErrorHelp {
  message: string;
  severity: 'warning' | 'error';
  actions: vscode.Command[];
  /** Worth writing to the log (everything but a plain "no such task"). */
  log: boolean;
  /** More for the log than the message shows (a model's raw reply). */
  detail?: string;
}

/**
 * The one place that decides what an error means for the user: what happened, what to do, and
 * the commands that help. Notifications (showError) and chat replies both render it.
 */
export function errorHelp(error: unknown): ErrorHelp | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // The user cancelled: nothing was changed, and nothing needs saying.
  if (CancelledError.is(error)) return undefined;
  const help = (actions: vscode.Command[], severity: ErrorHelp['severity'] = 'error'): ErrorHelp => ({ message, severity, actions, log: severity === 'error' });
  if (OperationError.is(error)) return help([], 'warning');
  if (PlanUnreadableError.is(error) || ReadOnlyFileError.is(error)) {
    const position = PlanUnreadableError.is(error) && JsonSyntaxError.is(error.cause) ? error.cause.position : undefined;
    const open = { title: `Open ${path.basename(error.file)}`, command: CommandIds.openTasksFile, arguments: [vscode.Uri.file(error.file), position?.line, position?.column] };
    if (PlanUnreadableError.is(error) && error.mergeConflict) return help([{ title: 'Resolve Merge Conflict', command: CommandIds.resolveMergeConflict, arguments: [vscode.Uri.file(error.file)] }, open]);
    return help([open]);
  }
  if (PlanMissingError.is(error)) return help([{ title: 'Initialize Taskmaster', command: CommandIds.initialize }]);
  if (ModelNotFoundError.is(error)) {
    return help([
      { title: `Pull ${error.models[0]}`, command: CommandIds.pullModel, arguments: [error.models[0]] },
      { title: 'Select Model', command: CommandIds.selectModel },
    ]);
  }
  if (OllamaUnreachableError.is(error)) {
    return help([
      { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: ['taskmaster.ollama'] },
      { title: 'Show Ollama Status', command: CommandIds.showOllamaStatus },
    ]);
  }
  if (InvalidReplyError.is(error)) return { ...help([{ title: 'Show Raw Reply', command: CommandIds.showLog }]), detail: `Raw reply from ${error.model}:
${error.rawReply}` };
  if (GitHubError.is(error)) {
    const settingsHelp = error.kind === 'api-url' || error.kind === 'unreachable';
    return help(settingsHelp ? [{ title: 'Open Settings', command: 'workbench.action.openSettings', arguments: ['taskmaster.github'] }] : []);
  }
  if (LockTimeoutError.is(error)) return help([]);
  return { ...help([{ title: 'Show Log', command: CommandIds.showLog }]), message: `Taskmaster: ${message}` };
}

/** Shows an error as a notification, its help actions as buttons. */
export async function showError(error: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const help = errorHelp(error);
  if (!help) return;
  if (help.log) log.error([help.message, help.detail].filter(Boolean).join('\n'));
  const show = help.severity === 'warning' ? showWarningMessage : showErrorMessage;
  const choice = await show(help.message, ...help.actions.map((action) => action.title));
  const action = help.actions.find((candidate) => candidate.title === choice);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.arguments ?? []));
}

export async function openFileAt(uri: vscode.Uri, line?: number, column?: number): Promise<void> {
  const position = new vscode.Position(Math.max((line ?? 1) - 1, 0), Math.max((column ?? 1) - 1, 0));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
}
