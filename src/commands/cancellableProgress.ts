import * as vscode from 'vscode';
import { CancelledError } from '../ai/aiErrors';

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Runs work that can take a while under a notification with Cancel. Cancel aborts the signal the
 * work passes on to its requests; whatever the aborted work then throws becomes a CancelledError,
 * which the error helper keeps quiet about. The window stays usable: progress never blocks it.
 */
export function withCancellableProgress<T>(title: string, work: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancelling = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(progress, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw new CancelledError();
      throw error;
    } finally {
      cancelling.dispose();
    }
  });
}
