import { CommandIds } from '../commands/commandIds';
import { hasConflictMarkers } from '../core/conflictMarkers';
import { findNextTask } from '../core/nextTask';
import { selectTag, type Plan, type PlanProblem, type TagView, type TaskNode } from '../core/plan';
import { unmetDependencies } from '../core/taskOrder';
import { JsonSyntaxError } from '../store/jsonText';
import type { LoadedPlan } from '../store/planReader';
import type { Project } from '../workspace/projects';
import { matchesFilter, visibleSubtasks, type TaskFilter } from './taskFilter';
import { tagRowKey, tagsCurrentFirst } from './tagOrder';
import { taskProblems, tasksWithOtherProblems } from './taskProblems';

/**
 * The tree's elements. One object per `key` for as long as the row exists: VS Code knows an element
 * by its identity (a targeted refresh, reveal), so a reload updates the object in place.
 */
export type TreeElement =
  | { kind: 'project'; key: string; project: Project }
  | { kind: 'tag'; key: string; project: Project; tag: string; current: boolean }
  /** `waitingOn`: the unfinished dependencies of a pending task (it is blocked), else empty. */
  | { kind: 'task'; key: string; project: Project; tag: string; task: TaskNode; isNext: boolean; waitingOn: string[] }
  | { kind: 'error'; key: string; project: Project; message: string; line?: number; column?: number }
  /** `command`: what a click on the row runs, with the project as its argument. */
  | { kind: 'message'; key: string; project?: Project; text: string; command?: { id: string; title: string } }
  /**
   * The last row of a list longer than a page: a tag's tasks, or the subtasks of task `parentId`.
   * `shown` of its `total` rows are shown, Show More adds `step`. `list` names the list (listKey).
   * `nextId`: the tag's next task, when the rows not shown hold it (a long-lived plan's first page
   * may be all done work).
   */
  | { kind: 'more'; key: string; project: Project; tag: string; parentId?: string; list: string; shown: number; total: number; step: number; nextId: string | undefined };

export type TaskElement = Extract<TreeElement, { kind: 'task' }>;
export type MoreElement = Extract<TreeElement, { kind: 'more' }>;

/** Whether a command's argument is a task's row (a command from the palette has none). */
export function isTaskElement(value: unknown): value is TaskElement {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'task' && 'task' in value && 'project' in value;
}

/** Whether a command's argument is a Show More row (the commands are also reachable without one). */
export function isMoreElement(value: unknown): value is MoreElement {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'more';
}

/** What the rows changed into after the plan, the filter or the folders changed. */
export interface RowChange {
  /** The elements whose row (label, icons, tooltip) or list of children differs. */
  changed: TreeElement[];
  /** The top-level rows differ, or the filter changed: only a refresh of the whole tree will do. */
  all: boolean;
}

/** What the elements are made from; `Projects` and the model provide it in the extension. */
export interface TreeSource {
  readonly withPlan: Project[];
  /** The filter the rows obey: the user's, and Hide Done. */
  readonly shown: TaskFilter;
  /**
   * Whether the rows of `plan` show its problems yet. Checking a large plan costs about as much as
   * loading it, so a project's first plan is shown first and checked a moment later (FirstCheck).
   */
  problemsDue(project: Project, plan: Plan): boolean;
  /**
   * How many rows a list of tasks shows before a Show More row; 0 shows them all. VS Code makes
   * every row of a list it is given, on screen or not: at 10,000 tasks that is seconds and megabytes.
   */
  readonly pageSize: number;
}

interface Known {
  element: TreeElement;
  /** Everything the row shows, tooltip included (see rowState). */
  state: unknown[];
}

/**
 * Builds the tree's elements on demand (a task's subtasks only when it is expanded) and, after a
 * change, tells which of the rows VS Code holds differ, so only those are rendered again. Kept
 * apart from VS Code so it can be checked with plain Node tests.
 */
export class TreeElements {
  private readonly known = new Map<string, Known>();
  /** The children each element was asked for (VS Code expanded it), by the element's key. */
  private readonly fetched = new Map<string, string[]>();
  private rootKeys: string[] | undefined;
  /** Elements made during the current changes() pass: their state was just taken, nothing to compare. */
  private readonly made = new Set<string>();
  private readonly nextCache = new WeakMap<TagView, TaskNode | undefined>();
  /** Whether the view is on screen; VS Code renders a hidden view's rows only when it shows again. */
  private shown = true;
  /** What changed while the view was hidden: whether the whole tree must be refreshed. */
  private missed: { all: boolean } | undefined;
  /** By project folder: the last plan checked for the rows, whose problems they show until the next is. */
  private readonly checkedPlans = new Map<string, Plan>();
  /** By list key: how far Show More (or a reveal) has extended the list beyond its first page. */
  private readonly pageLimits = new Map<string, number>();

  constructor(private readonly source: TreeSource) {}

  /**
   * The rows a change makes differ (`reorder`: the filter changed, so every list). While the view
   * is hidden nothing is compared (at 10,000 tasks a pass costs hundreds of milliseconds at every
   * save); the change is kept for when the view shows again.
   */
  update(reorder: boolean): RowChange | undefined {
    if (!this.shown) {
      // Rows never asked for are built fresh when they are: nothing to catch up on.
      if (this.rootKeys) this.missed = { all: reorder || (this.missed?.all ?? false) };
      return undefined;
    }
    const change = this.changes();
    return reorder ? { ...change, all: true } : change;
  }

  /**
   * The rows that changed while the view was hidden, now (VS Code's copy of the rows must hold a
   * row before it can reveal it); undefined when nothing was missed.
   */
  catchUp(): RowChange | undefined {
    const missed = this.missed;
    if (!missed) return undefined;
    this.missed = undefined;
    const change = this.changes();
    return missed.all ? { ...change, all: true } : change;
  }

  /** Told when the view is shown or hidden; once shown, the rows that changed meanwhile. */
  setShown(shown: boolean): RowChange | undefined {
    this.shown = shown;
    return shown ? this.catchUp() : undefined;
  }

  /**
   * Extends a list by a page (`all`: to its end); the caller publishes the rows (update). Returns
   * the first row it adds, for the keyboard focus to move to.
   */
  showMore(more: MoreElement, all: boolean): TaskElement | undefined {
    this.pageLimits.set(more.list, all ? Infinity : more.shown + more.step);
    const view = this.viewOf(more.project, more.tag);
    const parent = more.parentId === undefined ? undefined : view?.byId.get(more.parentId);
    const first = view && this.shownList(view, parent)[more.shown];
    return view && first ? this.taskElement(more.project, view, first) : undefined;
  }

  /** Every list back to its first page (the page size changed). */
  resetPages(): void {
    this.pageLimits.clear();
  }

  /**
   * Extends the lists that hold a task (its own, and its parent's for a subtask) so it has a row:
   * a reveal needs one. Says whether a list was extended; the caller then publishes the rows.
   */
  include(project: Project, view: TagView, task: TaskNode): boolean {
    const pageSize = this.source.pageSize;
    if (pageSize <= 0) return false;
    const { parent } = task;
    const extendedParent = parent ? this.include(project, view, parent) : false;
    const list = listKey(project, view, parent);
    const index = this.shownList(view, parent).indexOf(task);
    if (index < this.limitOf(list)) return extendedParent;
    this.pageLimits.set(list, Math.ceil((index + 1) / pageSize) * pageSize);
    return true;
  }

  /** The next task of a tag, computed once per loaded plan. */
  nextTask(tag: TagView): TaskNode | undefined {
    if (!this.nextCache.has(tag)) this.nextCache.set(tag, findNextTask(tag));
    return this.nextCache.get(tag);
  }

  /**
   * The problems a task's row shows (errors and warnings): those of the plan last checked for the
   * rows (checkProblems), so a row keeps its marker while a change is being checked.
   */
  problems(element: TaskElement): PlanProblem[] {
    const state = element.project.store.state;
    if (state.kind !== 'loaded' || !this.source.problemsDue(element.project, state.plan)) return [];
    const checked = this.checkedPlans.get(`${element.project.folder.uri}`);
    return checked ? taskProblems(checked, element.tag, element.task.id) : [];
  }

  /**
   * Checks each plan whose rows still show an older plan's problems (checking 10,000 tasks costs
   * about as much as comparing every row, so a change's rows are compared first and checked just
   * after) and says which of the rows VS Code holds now show other problems.
   */
  checkProblems(): RowChange | undefined {
    if (!this.shown || !this.rootKeys) return undefined;
    const changed: TreeElement[] = [];
    const uris = new Set<string>();
    for (const project of this.source.withPlan) {
      const uri = `${project.folder.uri}`;
      uris.add(uri);
      const state = project.store.state;
      const before = this.checkedPlans.get(uri);
      if (state.kind !== 'loaded' || before === state.plan || !this.source.problemsDue(project, state.plan)) continue;
      const after = state.plan;
      this.checkedPlans.set(uri, after);
      for (const { tag, taskId } of tasksWithOtherProblems(before, after)) {
        const known = this.known.get(`${uri}|${tag}|${taskId}`);
        if (!known) continue;
        const row = this.rowState(known.element);
        if (sameState(known.state, row)) continue;
        known.state = row;
        changed.push(known.element);
      }
    }
    for (const uri of this.checkedPlans.keys()) if (!uris.has(uri)) this.checkedPlans.delete(uri);
    return changed.length ? { changed, all: false } : undefined;
  }

  /** The tag a project is working in: state.json's current tag, else the first tag of the file. */
  currentTag(plan: LoadedPlan): TagView | undefined {
    return selectTag(plan.plan, plan.currentTag) ?? plan.plan.tags.values().next().value;
  }

  roots(): TreeElement[] {
    const projects = this.source.withPlan;
    const roots = projects.length === 1 ? this.projectChildren(projects[0]) : projects.map((project) => this.intern({ kind: 'project', key: projectKey(project), project }));
    this.rootKeys = roots.map((element) => element.key);
    return roots;
  }

  children(element: TreeElement): TreeElement[] {
    const children = this.childrenOf(element);
    this.fetched.set(element.key, children.map((child) => child.key));
    return children;
  }

  parent(element: TreeElement): TreeElement | undefined {
    if (element.kind === 'project' || element.kind === 'message' || !element.project) return undefined;
    if (element.kind === 'task' || element.kind === 'more') {
      const view = this.viewOf(element.project, element.tag);
      const owner = element.kind === 'task' ? element.task.parent : element.parentId === undefined ? undefined : view?.byId.get(element.parentId);
      if (owner && view) return this.taskElement(element.project, view, owner);
      if (this.showsTags(element.project)) return this.tagElement(element.project, element.tag);
    }
    return this.source.withPlan.length > 1 ? this.intern({ kind: 'project', key: projectKey(element.project), project: element.project }) : undefined;
  }

  taskElement(project: Project, view: TagView, task: TaskNode): TaskElement {
    return this.intern({
      kind: 'task',
      key: `${project.folder.uri}|${view.name}|${task.id}`,
      project,
      tag: view.name,
      task,
      isNext: this.nextTask(view) === task,
      waitingOn: task.status === 'pending' ? unmetDependencies(task, view) : [],
    });
  }

  /**
   * Brings every known element up to date with the plans and says which rows changed: the roots and
   * the children VS Code asked for are built again, and an element whose row or children differ
   * from before is changed. Elements no longer reachable are forgotten.
   */
  changes(): RowChange {
    const before = this.rootKeys;
    // Nothing shown yet (the view was never opened): nothing to build or compare.
    if (!before) return { changed: [], all: true };
    // An empty tree (the plan was still loading): VS Code asks for every row anew, so build them
    // then, once, rather than here too (at 10,000 tasks this pass was half of activation).
    if (before.length === 0) {
      this.rootKeys = undefined;
      this.known.clear();
      this.fetched.clear();
      return { changed: [], all: true };
    }
    const changed = new Set<TreeElement>();
    const reached = new Set<string>();
    this.made.clear();
    const visit = (element: TreeElement) => {
      reached.add(element.key);
      const known = this.known.get(element.key)!;
      const state = this.made.has(element.key) ? known.state : this.rowState(element);
      if (!sameState(known.state, state)) {
        known.state = state;
        changed.add(element);
      }
      const shownBefore = this.fetched.get(element.key);
      if (!shownBefore) return;
      const children = this.children(element);
      if (!sameKeys(shownBefore, this.fetched.get(element.key)!)) changed.add(element);
      children.forEach(visit);
    };
    const roots = this.roots();
    roots.forEach(visit);
    for (const key of [...this.known.keys()]) {
      if (reached.has(key)) continue;
      this.known.delete(key);
      this.fetched.delete(key);
    }
    this.made.clear();
    return { changed: [...changed], all: !sameKeys(before, this.rootKeys!) };
  }

  /**
   * Everything an element's row and tooltip are made of, as values compared one by one (no copies:
   * this runs for every known row on every change). A task's own fields (its subtasks are rows of
   * their own), whether it is next or blocked, how many subtasks it has, its GitHub metadata, and
   * its dependencies' states and titles, which the tooltip lists.
   */
  private rowState(element: TreeElement): unknown[] {
    switch (element.kind) {
      case 'project':
        return [element.project.folder.name];
      case 'tag': {
        const view = this.viewOf(element.project, element.tag);
        const done = view?.tasks.filter((task) => task.status === 'done').length;
        return [element.current, done, view?.tasks.length, view?.metadata?.description];
      }
      case 'task': {
        const { task } = element;
        const row: unknown[] = [task.title, task.status, task.priority, task.description, task.details, task.testStrategy, element.isNext, element.waitingOn.join(','), task.subtasks.length];
        const metadata = task.raw.metadata;
        row.push(metadata === undefined ? undefined : JSON.stringify(metadata));
        const view = this.viewOf(element.project, element.tag);
        for (const id of task.dependencies) {
          const node = view?.byId.get(id);
          row.push(id, node?.status, node?.title);
        }
        // A change elsewhere (a task removed, a cycle closed) can give this unchanged row a problem.
        row.push(...this.problems(element).map((problem) => problem.message));
        return row;
      }
      case 'error':
        return [element.message, element.line, element.column];
      case 'message':
        return [element.text];
      case 'more':
        return [element.shown, element.total, element.step, element.nextId];
    }
  }

  private childrenOf(element: TreeElement): TreeElement[] {
    switch (element.kind) {
      case 'project':
        return this.projectChildren(element.project);
      case 'tag': {
        const view = this.viewOf(element.project, element.tag);
        return view ? this.taskElements(element.project, view) : [];
      }
      case 'task': {
        const view = this.viewOf(element.project, element.tag);
        return view ? this.taskElements(element.project, view, element.task) : [];
      }
      default:
        return [];
    }
  }

  /** The same object for the same key: the known one, updated in place with what `fresh` says. */
  private intern<T extends TreeElement>(fresh: T): T {
    const known = this.known.get(fresh.key);
    if (known && known.element.kind === fresh.kind) return Object.assign(known.element, fresh) as T;
    this.known.set(fresh.key, { element: fresh, state: this.rowState(fresh) });
    this.made.add(fresh.key);
    return fresh;
  }

  private viewOf(project: Project, tag: string): TagView | undefined {
    const state = project.store.state;
    return state.kind === 'loaded' ? state.plan.tags.get(tag) : undefined;
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
      const conflicted = state.text !== undefined && hasConflictMarkers(state.text);
      const row = this.intern({ kind: 'error', key: `${base}:error`, project, message: conflicted ? 'tasks.json holds git conflict markers from a merge' : message, ...position });
      if (!conflicted) return [row];
      const resolve = { id: CommandIds.resolveMergeConflict, title: 'Resolve Merge Conflict' };
      return [row, this.intern({ kind: 'message', key: `${base}:conflict`, project, text: 'Resolve Merge Conflict: merge both sides by tag and task id', command: resolve })];
    }
    if (state.kind !== 'loaded') return [];
    const problems: TreeElement[] = [];
    if (state.plan.tags.size === 0) {
      const text = state.plan.problems[0]?.message ?? 'tasks.json has no tasks yet. Add one with "Add Task", or turn a requirements document into tasks with "Parse PRD with AI".';
      problems.push(this.intern({ kind: 'message', key: `${base}:empty`, project, text }));
    } else if (!selectTag(state.plan, state.currentTag)) {
      const shown = this.currentTag(state)?.name;
      problems.push(this.intern({ kind: 'message', key: `${base}:tag`, project, text: `Tag "${state.currentTag}" (from state.json) does not exist; showing "${shown}". Use Switch Tag to pick one.` }));
    }
    if (this.showsTags(project)) return [...problems, ...tagsCurrentFirst(state.plan.tags.keys(), this.currentTag(state)?.name).map((tag) => this.tagElement(project, tag))];
    const view = this.currentTag(state);
    // A freshly initialised plan has a tag without tasks: say what to do rather than show a blank view.
    if (view?.tasks.length === 0) problems.push(this.intern({ kind: 'message', key: `${base}:no-tasks`, project, text: `Tag "${view.name}" has no tasks yet. Add one with "Add Task", or turn a requirements document into tasks with "Parse PRD with AI".` }));
    return view ? [...problems, ...this.taskElements(project, view)] : problems;
  }

  private tagElement(project: Project, tag: string): Extract<TreeElement, { kind: 'tag' }> {
    const state = project.store.state;
    const current = state.kind === 'loaded' && this.currentTag(state)?.name === tag;
    return this.intern({ kind: 'tag', key: tagRowKey(`${project.folder.uri}`, tag, current), project, tag, current });
  }

  /** The rows of a tag's tasks, or of `parent`'s subtasks: a page of them, then a Show More row. */
  private taskElements(project: Project, view: TagView, parent?: TaskNode): TreeElement[] {
    const filtered = this.shownList(view, parent);
    const list = listKey(project, view, parent);
    const limit = this.limitOf(list);
    if (filtered.length <= limit) return filtered.map((task) => this.taskElement(project, view, task));
    const rows: TreeElement[] = filtered.slice(0, limit).map((task) => this.taskElement(project, view, task));
    const step = Math.min(this.source.pageSize, filtered.length - limit);
    const nextId = this.nextBeyond(view, parent, filtered, limit);
    rows.push(this.intern({ kind: 'more', key: `${list}:more`, project, tag: view.name, parentId: parent?.id, list, shown: limit, total: filtered.length, step, nextId }));
    return rows;
  }

  /** The tag's next task when a list's rows from `limit` on hold it (as itself, or as a task above it). */
  private nextBeyond(view: TagView, parent: TaskNode | undefined, list: readonly TaskNode[], limit: number): string | undefined {
    const next = this.nextTask(view);
    let holder = next;
    while (holder && holder.parent !== parent) holder = holder.parent;
    return holder && list.indexOf(holder, limit) >= 0 ? next?.id : undefined;
  }

  /** The tasks of a tag, or the subtasks of `parent`, that the filter and Hide Done leave: a list's rows before paging. */
  private shownList(view: TagView, parent: TaskNode | undefined): TaskNode[] {
    const shown = this.source.shown;
    return parent ? visibleSubtasks(parent, shown) : view.tasks.filter((task) => matchesFilter(task, shown));
  }

  private limitOf(list: string): number {
    const pageSize = this.source.pageSize;
    return pageSize > 0 ? (this.pageLimits.get(list) ?? pageSize) : Infinity;
  }
}

/** A list of rows: a tag's tasks (at the root or under the tag's row), or a task's subtasks. */
function listKey(project: Project, view: TagView, parent: TaskNode | undefined): string {
  return `list:${project.folder.uri}|${view.name}${parent ? `|${parent.id}` : ''}`;
}

function projectKey(project: Project): string {
  return `project:${project.folder.uri}`;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function sameState(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
