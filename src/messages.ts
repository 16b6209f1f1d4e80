import * as vscode from 'vscode';
import { CancelledError, InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from './ai/aiErrors';
import { OperationError } from './core/operations';
import { ReadOnlyFileError } from './store/atomicWrite';
import { LockTimeoutError } from './store/fileLock';
import { JsonSyntaxError } from './store/jsonText';
import { PlanMissingError, PlanUnreadableError } from './store/taskStore';
import { CommandIds } from './commands/commandIds';
import { GitHubError } from './github/gitHubError';

/**
 * The one place that turns errors into what the user sees: what happened, what to do, and a
 * button where one helps.
 */
export async function showError(error: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  // The user cancelled: nothing was changed, and nothing needs saying.
  if (CancelledError.is(error)) return;
  if (OperationError.is(error)) {
    await vscode.window.showWarningMessage(message);
    return;
  }
  log.error(message);
  if (PlanUnreadableError.is(error) || ReadOnlyFileError.is(error)) {
    const position = PlanUnreadableError.is(error) && JsonSyntaxError.is(error.cause) ? error.cause.position : undefined;
    const choice = await vscode.window.showErrorMessage(message, 'Open tasks.json');
    if (choice) await openFileAt(vscode.Uri.file(error.file), position?.line, position?.column);
    return;
  }
  if (PlanMissingError.is(error)) {
    const choice = await vscode.window.showErrorMessage(message, 'Initialize Taskmaster');
    if (choice) await vscode.commands.executeCommand(CommandIds.initialize);
    return;
  }
  if (ModelNotFoundError.is(error)) {
    const pull = `Pull ${error.models[0]}`;
    const choice = await vscode.window.showErrorMessage(message, pull, 'Select Model');
    if (choice === pull) await vscode.commands.executeCommand(CommandIds.pullModel, error.models[0]);
    if (choice === 'Select Model') await vscode.commands.executeCommand(CommandIds.selectModel);
    return;
  }
  if (OllamaUnreachableError.is(error)) {
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Ollama Status');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'taskmaster.ollama');
    if (choice === 'Show Ollama Status') await vscode.commands.executeCommand(CommandIds.showOllamaStatus);
    return;
  }
  if (InvalidReplyError.is(error)) {
    log.error(`Raw reply from ${error.model}:\n${error.rawReply}`);
    const choice = await vscode.window.showErrorMessage(message, 'Show Raw Reply');
    if (choice) log.show();
    return;
  }
  if (GitHubError.is(error)) {
    const settingsHelp = error.kind === 'api-url' || error.kind === 'unreachable';
    const choice = await vscode.window.showErrorMessage(message, ...(settingsHelp ? ['Open Settings'] : []));
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'taskmaster.github');
    return;
  }
  if (LockTimeoutError.is(error)) {
    await vscode.window.showErrorMessage(message);
    return;
  }
  await vscode.window.showErrorMessage(`Taskmaster: ${message}`, 'Show Log').then((choice) => choice && log.show());
}

/** "1 task", "3 tasks": a count with its noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export async function openFileAt(uri: vscode.Uri, line?: number, column?: number): Promise<void> {
  const position = new vscode.Position(Math.max((line ?? 1) - 1, 0), Math.max((column ?? 1) - 1, 0));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
}
