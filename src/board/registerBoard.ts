import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { isTaskRef, resolveTarget } from '../commands/taskPicker';
import { BoardStatusBar } from '../statusBar/boardStatusBar';
import { boardPanelOptions } from './boardHtml';
import { BoardPanel, type BoardServices } from './boardPanel';

/**
 * The board: one panel at a time, opened by "Open Board" (tree toolbar, palette, status bar) or
 * restored after a reload. "Open in Board" passes a task reference: the board opens on that card.
 * Returns what attaches a panel VS Code restores: the composition root registers the serializer at
 * activation, which calls it.
 */
export function registerBoard(context: vscode.ExtensionContext, services: BoardServices): (panel: vscode.WebviewPanel) => void {
  // Not closed on deactivation: on a window reload VS Code restores the panel through the serializer.
  let board: BoardPanel | undefined;
  const attach = (panel: vscode.WebviewPanel) => {
    board?.dispose();
    const attached = new BoardPanel(panel, services);
    attached.onDidDispose(() => board === attached && (board = undefined));
    board = attached;
  };
  context.subscriptions.push(new BoardStatusBar(services.model.projects));
  registerCommand(context, services.log, CommandIds.openBoard, async (focus?: unknown) => {
    const target = isTaskRef(focus) ? await resolveTarget(services.model, focus, 'Open which task in the board?') : undefined;
    if (isTaskRef(focus) && !target) return;
    if (board) board.reveal();
    else attach(vscode.window.createWebviewPanel(BoardPanel.viewType, BoardPanel.title, vscode.ViewColumn.Active, boardPanelOptions(services.extensionUri)));
    if (target) await board?.focusTask(target);
  });
  return attach;
}
