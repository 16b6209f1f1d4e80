import * as vscode from 'vscode';

/**
 * vscode.window's notifications, settled when the window goes away: a notification still open
 * when the window reloads or closes rejects ("Channel has been closed"). That is no choice made,
 * not a failure: it resolves to undefined, so no command reports it and no promise goes unhandled.
 * Every notification goes through these.
 */
function settledOnShutdown<Show extends (...args: never[]) => Thenable<unknown>>(show: Show): Show {
  return ((...args: Parameters<Show>) => Promise.resolve(show(...args)).catch(() => undefined)) as unknown as Show;
}

export const showInformationMessage = settledOnShutdown(vscode.window.showInformationMessage);
export const showWarningMessage = settledOnShutdown(vscode.window.showWarningMessage);
export const showErrorMessage = settledOnShutdown(vscode.window.showErrorMessage);
