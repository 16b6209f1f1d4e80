import * as vscode from 'vscode';
import { showError } from '../messages';

/** Registers a command whose failures reach the user through the one error helper, never as a crash dialog. */
export function registerCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, id: string, handler: (...args: unknown[]) => unknown): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        await showError(error, log);
      }
    }),
  );
}
