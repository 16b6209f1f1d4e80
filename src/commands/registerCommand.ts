import * as vscode from 'vscode';
import { showError } from '../messages';

type Handler = (...args: unknown[]) => unknown;

/** The commands registered before their code was loaded (see registerCommandsLoadedLater), with their handlers once it is. */
const loadedLater = new Map<string, Handler | undefined>();

/** Registers a command whose failures reach the user through the one error helper, never as a crash dialog. */
export function registerCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, id: string, handler: Handler): void {
  if (loadedLater.has(id)) {
    loadedLater.set(id, handler);
    return;
  }
  context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => run(log, handler, args)));
}

/**
 * Registers commands whose code is not loaded yet: the first call runs `load`, which registers the
 * real handlers through registerCommand, then the call goes to its handler. Call it before any
 * registerCommand of the same ids.
 */
export function registerCommandsLoadedLater(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, ids: readonly string[], load: () => unknown): void {
  for (const id of ids) {
    loadedLater.set(id, undefined);
    const handler = (...args: unknown[]) => {
      // A command activation already registered (the plan server's) runs even if the features cannot load.
      if (!loadedLater.get(id)) load();
      const loaded = loadedLater.get(id);
      if (!loaded) throw new Error(`Taskmaster has no handler for the command ${id}: reinstall the extension.`);
      return loaded(...args);
    };
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => run(log, handler, args)));
  }
}

async function run(log: vscode.LogOutputChannel, handler: Handler, args: unknown[]): Promise<void> {
  try {
    await handler(...args);
  } catch (error) {
    await showError(error, log);
  }
}
