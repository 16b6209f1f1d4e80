import * as vscode from 'vscode';
import { findNextTask } from '../core/nextTask';
import { selectTag, type TagView, type TaskNode } from '../core/plan';
import { unmetDependencies } from '../core/taskOrder';
import { JsonSyntaxError } from '../store/jsonText';
import type { LoadedPlan } from '../store/planReader';
import type { Project, Projects } from '../workspace/projects';
import { ContextKeys } from '../commands/commandIds';
import { describeFilter, isFilterActive, isShown, matchesFilter, visibleSubtasks, type TaskFilter } from './taskFilter';
import { tagRowKey, tagsCurrentFirst } from './tagOrder';

/** The tree's elements. Rebuilt on every change; `key` keeps identity (expansion, selection) stable. */
export type TreeElement =
  | { kind: 'project'; key: string; project: Project }
  | { kind: 'tag'; key: string; project: Project; tag: string; current: boolean }
  /** `waitingOn`: the unfinished dependencies of a pending task (it is blocked), else empty. */
  | { kind: 'task'; key: string; project: Project; tag: string; task: TaskNode; isNext: boolean; waitingOn: string[] }
  | { kind: 'error'; key: string; project: Project; message: string; line?: number; column?: number }
  | { kind: 'message'; key: string; project?: Project; text: string };

export type TaskElement = Extract<TreeElement, { kind: 'task' }>;

const HIDE_DONE_KEY = 'taskmasterLocal.hideDone';

/**
 * What the tree shows, independent of rendering: projects, tags, tasks, the filter, and which task
 * is next in each tag. The provider renders it; commands and the status bar read it.
 */
export class TaskTreeModel implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly subscriptions: vscode.Disposable[] = [this._onDidChange];
  private readonly nextCache = new WeakMap<TagView, TaskNode | undefined>();
  private _filter: TaskFilter = {};

  constructor(
    readonly projects: Projects,
    /** Where Hide Done is remembered: the workspace's state. */
    private readonly workspaceState: vscode.Memento,
  ) {
    this.subscriptions.push(projects.onDidChange(() => this._onDidChange.fire()));
    this.publishFilterState();
  }

  /** The user's filter (statuses, text); Clear Filter clears it. */
  get filter(): TaskFilter {
    return this._filter;
  }

  setFilter(filter: TaskFilter): void {
    this._filter = { statuses: filter.statuses, text: filter.text };
    this.publishFilterState();
    this._onDidChange.fire();
  }

  get hideDone(): boolean {
    return this.workspaceState.get<boolean>(HIDE_DONE_KEY, false);
  }

  async setHideDone(hide: boolean): Promise<void> {
    await this.workspaceState.update(HIDE_DONE_KEY, hide);
    this.publishFilterState();
    this._onDidChange.fire();
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

  /** The next task of a tag, computed once per loaded plan. */
  nextTask(tag: TagView): TaskNode | undefined {
    if (!this.nextCache.has(tag)) this.nextCache.set(tag, findNextTask(tag));
    return this.nextCache.get(tag);
  }

  /** The tag a project is working in: state.json's current tag, else the first tag of the file. */
  currentTag(plan: LoadedPlan): TagView | undefined {
    return selectTag(plan.plan, plan.currentTag) ?? plan.plan.tags.values().next().value;
  }

  roots(): TreeElement[] {
    const projects = this.projects.withPlan;
    if (projects.length === 1) return this.projectChildren(projects[0]);
    return projects.map((project) => ({ kind: 'project', key: `project:${project.folder.uri}`, project }));
  }

  children(element: TreeElement): TreeElement[] {
    switch (element.kind) {
      case 'project':
        return this.projectChildren(element.project);
      case 'tag': {
        const state = element.project.store.state;
        const view = state.kind === 'loaded' ? state.plan.tags.get(element.tag) : undefined;
        return view ? this.taskElements(element.project, view, view.tasks) : [];
      }
      case 'task':
        return this.taskElements(element.project, this.tagOf(element), visibleSubtasks(element.task, this.shown));
      default:
        return [];
    }
  }

  parent(element: TreeElement): TreeElement | undefined {
    if (element.kind === 'project' || element.kind === 'message' || !element.project) return undefined;
    if (element.kind === 'task' && element.task.parentId !== undefined) {
      const parent = this.tagOf(element).byId.get(element.task.parentId);
      if (parent) return this.taskElement(element.project, this.tagOf(element), parent);
    }
    if (element.kind === 'task' && this.showsTags(element.project)) return this.tagElement(element.project, element.tag);
    return this.projects.withPlan.length > 1 ? { kind: 'project', key: `project:${element.project.folder.uri}`, project: element.project } : undefined;
  }

  private tagOf(element: TaskElement): TagView {
    const state = element.project.store.state as LoadedPlan;
    return state.plan.tags.get(element.tag)!;
  }

  private showsTags(project: Project): boolean {
    const state = project.store.state;
    return state.kind === 'loaded' && state.plan.tags.size > 1;
  }

  private projectChildren(project: Project): TreeElement[] {
    const state = project.store.state;
    const base = `${project.folder.uri}`;
    if (state.kind === 'unreadable') {
      const error = state.error;
      const message = JsonSyntaxError.is(error)
        ? `tasks.json line ${error.position.line}, column ${error.position.column}: ${error.reason}`
        : `tasks.json cannot be read: ${error.message}`;
      const position = JsonSyntaxError.is(error) ? error.position : undefined;
      return [{ kind: 'error', key: `${base}:error`, project, message, ...position }];
    }
    if (state.kind !== 'loaded') return [];
    const problems: TreeElement[] = [];
    if (state.plan.tags.size === 0) {
      const text = state.plan.problems[0]?.message ?? 'tasks.json has no tasks yet. Add one with "Add Task", or turn a requirements document into tasks with "Parse PRD with AI".';
      problems.push({ kind: 'message', key: `${base}:empty`, project, text });
    } else if (!selectTag(state.plan, state.currentTag)) {
      const shown = this.currentTag(state)?.name;
      problems.push({ kind: 'message', key: `${base}:tag`, project, text: `Tag "${state.currentTag}" (from state.json) does not exist; showing "${shown}". Use Switch Tag to pick one.` });
    }
    if (this.showsTags(project)) return [...problems, ...tagsCurrentFirst(state.plan.tags.keys(), this.currentTag(state)?.name).map((tag) => this.tagElement(project, tag))];
    const view = this.currentTag(state);
    // A freshly initialised plan has a tag without tasks: say what to do rather than show a blank view.
    if (view?.tasks.length === 0) problems.push({ kind: 'message', key: `${base}:no-tasks`, project, text: `Tag "${view.name}" has no tasks yet. Add one with "Add Task", or turn a requirements document into tasks with "Parse PRD with AI".` });
    return view ? [...problems, ...this.taskElements(project, view, view.tasks)] : problems;
  }

  private tagElement(project: Project, tag: string): Extract<TreeElement, { kind: 'tag' }> {
    const state = project.store.state;
    const current = state.kind === 'loaded' && this.currentTag(state)?.name === tag;
    return { kind: 'tag', key: tagRowKey(`${project.folder.uri}`, tag, current), project, tag, current };
  }

  private taskElements(project: Project, view: TagView, tasks: TaskNode[]): TreeElement[] {
    const filtered = tasks.filter((task) => task.parentId !== undefined || matchesFilter(task, this.shown));
    return filtered.map((task) => this.taskElement(project, view, task));
  }

  taskElement(project: Project, view: TagView, task: TaskNode): TaskElement {
    return {
      kind: 'task',
      key: `${project.folder.uri}|${view.name}|${task.id}`,
      project,
      tag: view.name,
      task,
      isNext: this.nextTask(view) === task,
      waitingOn: task.status === 'pending' ? unmetDependencies(task, view) : [],
    };
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
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
