import * as vscode from 'vscode';
import { FirstCheck } from '../core/firstCheck';
import type { PlanProblem, TagView, TaskNode } from '../core/plan';
import type { LoadedPlan } from '../store/planReader';
import { CHECK_AFTER_CHANGE_MS, folderKey, type Project, type Projects } from '../workspace/projects';
import { ContextKeys } from '../commands/commandIds';
import { affectsTreeSettings, treePageSize } from '../config';
import { describeFilter, isFilterActive, isShown, type TaskFilter } from './taskFilter';
import { isMoreElement, isTaskElement, TreeElements, type MoreElement, type RowChange, type TaskElement, type TreeElement } from './treeElements';

export { isMoreElement, isTaskElement };
export type { MoreElement, RowChange, TaskElement, TreeElement };

const HIDE_DONE_KEY = 'taskmasterLocal.hideDone';

/**
 * What the tree shows, independent of rendering: projects, tags, tasks, the filter, and which task
 * is next in each tag. The provider renders it; commands and the status bar read it.
 */
export class TaskTreeModel implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  /** Which rows to render again: fired before onDidChange, with only the rows that differ. */
  private readonly _onDidChangeRows = new vscode.EventEmitter<RowChange>();
  readonly onDidChangeRows = this._onDidChangeRows.event;
  private readonly subscriptions: vscode.Disposable[] = [this._onDidChange, this._onDidChangeRows];
  private readonly elements: TreeElements;
  /**
   * When a project's first plan has been checked, the rows with problems are marked (only those
   * refresh). Only rows: the plan itself did not change, so onDidChange's listeners have nothing new.
   */
  private readonly firstCheck = new FirstCheck<Project>(folderKey, () => this.checkNow());
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private _filter: TaskFilter = {};
  private pageSize = treePageSize();

  constructor(
    readonly projects: Projects,
    /** Where Hide Done is remembered: the workspace's state. */
    private readonly workspaceState: vscode.Memento,
  ) {
    const model = this;
    this.elements = new TreeElements({
      get withPlan() {
        return projects.withPlan;
      },
      get shown() {
        return model.shown;
      },
      problemsDue: (project, plan) => this.firstCheck.ready(project, plan),
      get pageSize() {
        return model.pageSize;
      },
    });
    this.subscriptions.push(
      projects.onDidChange(() => this.planChanged()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        const pageSize = affectsTreeSettings(event) ? treePageSize() : this.pageSize;
        if (pageSize === this.pageSize) return;
        this.pageSize = pageSize;
        this.elements.resetPages();
        this.publishRows(this.elements.update(true));
      }),
    );
    this.publishFilterState();
  }

  /** The user's filter (statuses, text); Clear Filter clears it. */
  get filter(): TaskFilter {
    return this._filter;
  }

  setFilter(filter: TaskFilter): void {
    this._filter = { statuses: filter.statuses, text: filter.text };
    this.publishFilterState();
    this.changed(true);
  }

  get hideDone(): boolean {
    return this.workspaceState.get<boolean>(HIDE_DONE_KEY, false);
  }

  async setHideDone(hide: boolean): Promise<void> {
    await this.workspaceState.update(HIDE_DONE_KEY, hide);
    this.publishFilterState();
    this.changed(true);
  }

  /** What the tree leaves out, in words for the view's title; undefined when it shows everything. */
  get filterDescription(): string | undefined {
    return describeFilter(this.shown);
  }

  /** Whether a task has a row under the filter and Hide Done (reveal needs one). */
  isShown(task: TaskNode): boolean {
    return isShown(task, this.shown);
  }

  /** The filter the rows obey: the user's, and Hide Done. */
  private get shown(): TaskFilter {
    return { ...this._filter, hideDone: this.hideDone };
  }

  private publishFilterState(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, isFilterActive(this._filter));
    void vscode.commands.executeCommand('setContext', ContextKeys.doneHidden, this.hideDone);
  }

  /**
   * A plan change reaches the rows (and this model's listeners: the badge, the status bar items)
   * two timer turns later. VS Code sends what an extension posts to the window in one batch, one
   * timer turn after the first message. The board posts its update in the turn of the change
   * (its complexity report is kept), but this model hears of the change before the board does, so
   * a timer set here, even for one turn, would run before that batch left: the rows' pass, and the
   * window drawing the rows, would go first. Measured in code-server with 1,000 tasks: a card
   * shows an outside edit about 25 ms sooner, the rows a few ms later. rowOf, which needs the
   * rows at once, brings a pending change in first.
   */
  private planChanged(): void {
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = setTimeout(() => {
        this.changeTimer = undefined;
        this.changed(false);
      });
    });
  }

  /** A filter change reorders every list, so it refreshes the whole tree; a plan change only the rows that differ. */
  private changed(filterChanged: boolean): void {
    this.publishRows(this.elements.update(filterChanged));
    this.scheduleCheck();
    this._onDidChange.fire();
  }

  /** Whether the Tasks view is on screen: the rows of a hidden view are compared when it shows again. */
  setShown(shown: boolean): void {
    this.publishRows(this.elements.setShown(shown));
    this.scheduleCheck();
  }

  /** Shows the next page of a long list (`all`: the rest of it); returns the first row it adds. */
  showMore(more: MoreElement, all: boolean): TaskElement | undefined {
    const first = this.elements.showMore(more, all);
    this.publishRows(this.elements.update(false));
    return first;
  }

  /**
   * The task's row, made sure to exist: the page of its list that holds it is shown, and a hidden
   * view's rows are caught up (VS Code can reveal only a row it was told of).
   */
  rowOf(project: Project, view: TagView, task: TaskNode): TaskElement {
    if (this.changeTimer) {
      clearTimeout(this.changeTimer);
      this.changeTimer = undefined;
      this.changed(false);
    }
    if (this.elements.include(project, view, task)) this.publishRows(this.elements.update(false));
    this.publishRows(this.elements.catchUp());
    return this.taskElement(project, view, task);
  }

  /** The rows' problems follow a change once every view has taken it (see TreeElements.checkProblems). */
  private scheduleCheck(): void {
    if (this.disposed) return;
    this.checkTimer ??= setTimeout(() => {
      this.checkTimer = undefined;
      // Rows are compared before they are checked; the pending change schedules the check again.
      if (!this.changeTimer) this.checkNow();
    }, CHECK_AFTER_CHANGE_MS);
  }

  private checkNow(): void {
    if (!this.disposed) this.publishRows(this.elements.checkProblems());
  }

  private publishRows(change: RowChange | undefined): void {
    if (change) this._onDidChangeRows.fire(change);
  }

  /** The next task of a tag, computed once per loaded plan. */
  nextTask(tag: TagView): TaskNode | undefined {
    return this.elements.nextTask(tag);
  }

  /** The problems a task's row shows: errors and warnings from the Problems panel's checks. */
  problems(element: TaskElement): PlanProblem[] {
    return this.elements.problems(element);
  }

  /** The tag a project is working in: state.json's current tag, else the first tag of the file. */
  currentTag(plan: LoadedPlan): TagView | undefined {
    return this.elements.currentTag(plan);
  }

  roots(): TreeElement[] {
    // Rows built afresh show the last checked plan's problems: the plan they show may be newer.
    this.scheduleCheck();
    return this.elements.roots();
  }

  /** Built when asked for (VS Code asks when a row is expanded). */
  children(element: TreeElement): TreeElement[] {
    return this.elements.children(element);
  }

  parent(element: TreeElement): TreeElement | undefined {
    return this.elements.parent(element);
  }

  taskElement(project: Project, view: TagView, task: TaskNode): TaskElement {
    return this.elements.taskElement(project, view, task);
  }

  /** Open (not done, not cancelled) top-level tasks in each project's current tag: the view badge. */
  openTaskCount(): number {
    let count = 0;
    for (const project of this.projects.withPlan) {
      const state = project.store.state;
      if (state.kind !== 'loaded') continue;
      const view = this.currentTag(state);
      for (const task of view?.tasks ?? []) if (task.status !== 'done' && task.status !== 'cancelled') count++;
    }
    return count;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.checkTimer);
    clearTimeout(this.changeTimer);
    this.firstCheck.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
