import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import type { Projects } from '../workspace/projects';

/** "Board" beside the next task, shown while the workspace has a plan; a click opens the board. */
export class BoardStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskmasterLocal.board', vscode.StatusBarAlignment.Left, 49);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly projects: Projects) {
    this.item.name = 'Taskmaster: Board';
    this.item.text = '$(project) Board';
    this.item.tooltip = 'Open the Taskmaster board: kanban, dependency graph and progress.';
    this.item.command = CommandIds.openBoard;
    this.subscription = projects.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    if (this.projects.withPlan.length > 0) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
