import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import type { TaskNode } from '../core/plan';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';

/**
 * The task the user is working on: the one they started, else the only in-progress task. With
 * several in progress and none chosen there is none until the user picks one. Shown in the
 * status bar; saves are attributed to it.
 */
export class ActiveTask implements vscode.Disposable {
  private readonly chosen = new Map<Project, string>();
  private workingTree: { files: number; insertions: number; deletions: number } | undefined;
  private readonly item = vscode.window.createStatusBarItem('taskmasterLocal.activeTask', vscode.StatusBarAlignment.Left, 48);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly model: TaskTreeModel) {
    this.item.name = 'Taskmaster: Active Task';
    this.item.command = CommandIds.selectActiveTask;
    this.subscriptions = [model.onDidChange(() => this.update()), model.projects.onDidChangeCurrent(() => this.update())];
    this.update();
  }

  private inProgress(project: Project): TaskNode[] {
    const state = project.store.state;
    const tag = state.kind === 'loaded' ? this.model.currentTag(state) : undefined;
    if (!tag) return [];
    return [...tag.byId.values()].filter((task) => task.status === 'in-progress' && !task.subtasks.some((sub) => sub.status === 'in-progress'));
  }

  current(project: Project): TaskNode | undefined {
    const candidates = this.inProgress(project);
    const chosen = candidates.find((task) => task.id === this.chosen.get(project));
    return chosen ?? (candidates.length === 1 ? candidates[0] : undefined);
  }

  choose(project: Project, taskId: string): void {
    this.chosen.set(project, taskId);
    this.update();
  }

  /** The uncommitted change in the repository: the active task's work in progress. */
  setWorkingTree(stats: { files: number; insertions: number; deletions: number }): void {
    this.workingTree = stats;
    this.update();
  }

  candidates(project: Project): TaskNode[] {
    return this.inProgress(project);
  }

  private update(): void {
    const project = this.model.projects.current;
    const active = project && this.current(project);
    const several = project ? this.inProgress(project).length : 0;
    if (active) {
      this.item.text = `$(play) ${active.id} ${active.title.length > 30 ? `${active.title.slice(0, 29)}…` : active.title}`;
      const change = this.workingTree?.files ? ` Uncommitted: ${this.workingTree.files} file${this.workingTree.files === 1 ? '' : 's'}, +${this.workingTree.insertions} −${this.workingTree.deletions}.` : '';
      this.item.tooltip = `Active task: ${active.id} ${active.title}.${change} Saves count as work on it. Click to choose another.`;
      this.item.show();
    } else if (several > 1) {
      this.item.text = '$(play) Pick active task';
      this.item.tooltip = `${several} tasks are in progress: pick the one you are working on.`;
      this.item.show();
    } else this.item.hide();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.item.dispose();
  }
}
