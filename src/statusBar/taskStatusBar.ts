import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import type { TaskTreeModel } from '../tree/taskTreeModel';

/** Shows the current tag and the next task; a click shows that task. */
export class TaskStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskmasterLocal.next', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly model: TaskTreeModel) {
    this.item.name = 'Taskmaster: Next Task';
    this.subscriptions = [model.onDidChange(() => this.update()), model.projects.onDidChangeCurrent(() => this.update())];
    this.update();
  }

  private update(): void {
    const project = this.model.projects.current;
    const state = project?.store.state;
    if (!project || !state) {
      this.item.hide();
      return;
    }
    if (state.kind !== 'loaded') {
      this.item.text = '$(error) Taskmaster';
      this.item.tooltip = 'tasks.json cannot be read: click for details.';
      this.item.command = { command: CommandIds.openTasksFile, title: 'Open tasks.json', arguments: [project] };
      this.item.show();
      return;
    }
    this.item.command = { command: CommandIds.showNextTask, title: 'Show Next Task', arguments: [project] };
    const tag = this.model.currentTag(state);
    const next = tag && this.model.nextTask(tag);
    const tagName = tag?.name ?? state.currentTag;
    this.item.text = next ? `$(tag) ${tagName}  $(arrow-right) ${next.id} ${truncate(next.title, 40)}` : `$(tag) ${tagName}  $(check-all) nothing ready`;
    this.item.tooltip = next ? `Next task in "${tagName}": ${next.id} ${next.title}. Click to show it.` : `No task is ready in "${tagName}".`;
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.item.dispose();
  }
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
