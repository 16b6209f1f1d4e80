import * as vscode from 'vscode';
import { DEFAULT_TAG, type TaskNode } from '../core/plan';
import type { TaskStatus } from '../core/task';
import { CommandIds } from '../commands/commandIds';
import { readGitHubLink } from '../github/gitHubLink';
import { escapeMarkdown as escape } from '../core/markdown';
import { gitHubTooltipSection } from './gitHubTooltip';
import type { TaskTreeModel, TreeElement } from './taskTreeModel';
import type { Project } from '../workspace/projects';
import { plural } from '../core/text';

const STATUS_ICONS: Record<TaskStatus, [string, string | undefined]> = {
  pending: ['circle-large-outline', undefined],
  'in-progress': ['play-circle', 'charts.blue'],
  review: ['eye', 'charts.purple'],
  done: ['pass-filled', 'testing.iconPassed'],
  deferred: ['clock', 'disabledForeground'],
  cancelled: ['circle-slash', 'disabledForeground'],
  blocked: ['error', 'charts.red'],
};

export function statusIcon(status: TaskStatus): vscode.ThemeIcon {
  const [id, color] = STATUS_ICONS[status];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** A task's recorded history, for its tooltip and its view (from the activity ledger, when there is one). */
export type TaskHistory = (project: Project, task: TaskNode, tag: string) => string[];

interface FirstRender {
  /** performance.now() at the first request and the last. */
  began: number;
  ended: number;
  spent: number;
  items: number;
  quiet?: ReturnType<typeof setTimeout>;
}

/**
 * Renders the model's elements as tree items. An item is made once and kept until the model says
 * its row changed; a task's tooltip is made when the row is hovered (VS Code parses every Markdown
 * tooltip it is handed, which on a large plan costs more than all the rows together).
 */
export class TaskTreeProvider implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeElement[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly items = new WeakMap<TreeElement, vscode.TreeItem>();
  private readonly subscription: vscode.Disposable;

  /** The extension's own time in the tree's first render; see measured. */
  private firstRender: FirstRender | 'logged' | undefined;
  private lastRequest = 0;

  constructor(
    private readonly model: TaskTreeModel,
    private readonly history?: TaskHistory,
    /** Told once how much of the tree's first render was the extension's own work (the log; the bench reads it). */
    private readonly onFirstRender?: (line: string) => void,
  ) {
    this.subscription = model.onDidChangeRows((change) => {
      for (const element of change.changed) this.items.delete(element);
      if (change.all) this._onDidChangeTreeData.fire(undefined);
      else if (change.changed.length) this._onDidChangeTreeData.fire(change.changed);
    });
  }

  /** When VS Code last asked for rows (performance.now()); 0 before it ever did. */
  get lastRequestAt(): number {
    return this.lastRequest;
  }

  /** On hover: the task's tooltip, with its history (started, saves, commits, time in progress). */
  resolveTreeItem(item: vscode.TreeItem, element: TreeElement): vscode.TreeItem {
    if (element.kind !== 'task') return item;
    const tooltip = this.tooltip(element);
    const lines = this.history?.(element.project, element.task, element.tag) ?? [];
    if (lines.length) tooltip.appendMarkdown(`\n\n**History**\n\n${lines.map((line) => `- ${escape(line)}`).join('\n')}\n`);
    item.tooltip = tooltip;
    return item;
  }

  getChildren(element?: TreeElement): TreeElement[] {
    return this.measured(() => (element ? this.model.children(element) : this.model.roots()), false);
  }

  getParent(element: TreeElement): TreeElement | undefined {
    return this.model.parent(element);
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    return this.measured(() => this.treeItem(element), true);
  }

  /**
   * Adds up the time VS Code's first requests for rows spend here, until they have paused for a
   * second: the rest of the time to the first row on screen is VS Code's own.
   */
  private measured<T>(work: () => T, isItem: boolean): T {
    this.lastRequest = performance.now();
    if (this.firstRender === 'logged' || !this.onFirstRender) return work();
    const render: FirstRender = typeof this.firstRender === 'object' ? this.firstRender : (this.firstRender = { began: performance.now(), ended: 0, spent: 0, items: 0 });
    const started = performance.now();
    const result = work();
    render.ended = performance.now();
    render.spent += render.ended - started;
    if (isItem) render.items++;
    clearTimeout(render.quiet);
    render.quiet = setTimeout(() => {
      this.firstRender = 'logged';
      this.onFirstRender?.(`First Tasks tree render: ${render.items} rows made in ${render.spent.toFixed(1)} ms of the extension's time, asked for over ${(render.ended - render.began).toFixed(1)} ms from ${new Date(performance.timeOrigin + render.began).toISOString()}`);
    }, 1000);
    return result;
  }

  private treeItem(element: TreeElement): vscode.TreeItem {
    let item = this.items.get(element);
    if (!item) {
      item = this.newItem(element);
      this.items.set(element, item);
    } else if (element.kind === 'task') {
      // Made again on the next hover, with the history as it is then.
      item.tooltip = undefined;
    }
    return item;
  }

  dispose(): void {
    if (typeof this.firstRender === 'object') clearTimeout(this.firstRender.quiet);
    this.subscription.dispose();
    this._onDidChangeTreeData.dispose();
  }

  private newItem(element: TreeElement): vscode.TreeItem {
    switch (element.kind) {
      case 'project': {
        const item = new vscode.TreeItem(element.project.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.key;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.contextValue = 'project';
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(element.tag, element.current ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = element.key;
        item.iconPath = new vscode.ThemeIcon('tag');
        const state = element.project.store.state;
        const view = state.kind === 'loaded' ? state.plan.tags.get(element.tag) : undefined;
        const done = view?.tasks.filter((task) => task.status === 'done').length ?? 0;
        item.description = `${done}/${view?.tasks.length ?? 0} done${element.current ? ' · current tag' : ''}`;
        const description = view?.metadata?.description;
        item.tooltip = typeof description === 'string' && description ? `${element.tag}: ${description}` : element.tag;
        // Without this, a string tooltip becomes the row's accessible name instead of what it shows.
        item.accessibilityInformation = { label: `${element.tag} ${item.description}` };
        // "tag[:master][:current]": the tag menu hides what cannot apply (renaming master, using the current tag).
        item.contextValue = `tag${element.tag === DEFAULT_TAG ? ':master' : ''}${element.current ? ':current' : ''}`;
        return item;
      }
      case 'task':
        return this.taskItem(element);
      case 'error': {
        const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
        item.id = element.key;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = `${element.message}\n\nNothing is written to tasks.json until it parses again. Click to open it at the error.`;
        item.contextValue = 'planError';
        item.command = {
          command: CommandIds.openTasksFile,
          title: 'Open tasks.json',
          arguments: [element.project, element.line, element.column],
        };
        return item;
      }
      case 'more': {
        const count = (value: number) => value.toLocaleString('en-US');
        const item = new vscode.TreeItem(`Show ${count(element.step)} More`, vscode.TreeItemCollapsibleState.None);
        item.id = element.key;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        const noun = element.parentId === undefined ? 'task' : 'subtask';
        const next = element.nextId === undefined ? '' : `, next task ${element.nextId} among the rest`;
        item.description = `${count(element.shown)} of ${count(element.total)} ${noun}s shown${next}`;
        const rest = element.total - element.shown;
        const reveal = element.nextId === undefined ? '' : ` The next task, ${element.nextId}, is among them: Reveal Next Task (the view's title bar) shows it, and Hide Done keeps done work off the first page.`;
        item.tooltip = `Shows the next ${element.step === 1 ? noun : `${count(element.step)} ${noun}s`}; Show All (the row's button or context menu) shows the other ${rest === 1 ? noun : `${count(rest)} ${noun}s`}.${reveal} The setting taskmaster.tree.pageSize sets the page.`;
        item.accessibilityInformation = { label: `${item.label}, ${item.description}` };
        item.contextValue = 'more';
        item.command = { command: CommandIds.showMoreRows, title: 'Show More', arguments: [element] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
        item.id = element.key;
        item.iconPath = new vscode.ThemeIcon(element.command ? 'git-merge' : 'info');
        item.tooltip = element.text;
        if (element.command) item.command = { command: element.command.id, title: element.command.title, arguments: [element.project] };
        return item;
      }
    }
  }

  private taskItem(element: Extract<TreeElement, { kind: 'task' }>): vscode.TreeItem {
    const { task } = element;
    const collapsible = task.subtasks.length
      ? task.status === 'in-progress' || element.isNext
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const label = `${task.id} ${task.title}`;
    // The next task's label is highlighted whole, so it stands out from afar, not only by its description.
    const item = new vscode.TreeItem(element.isNext ? { label, highlights: [[0, label.length]] } : label, collapsible);
    item.id = element.key;
    const parts: string[] = [task.status];
    if (task.parentId === undefined) parts.push(task.priority);
    if (element.isNext) parts.unshift('▶ next');
    // As on the board: a pending task whose dependencies are not all done is blocked by them.
    if (element.waitingOn.length) parts.push(`blocked by ${element.waitingOn.join(', ')}`);
    const problems = this.model.problems(element);
    if (problems.length) parts.push(`⚠ ${plural(problems.length, 'problem')}`);
    item.description = parts.join(' · ');
    item.iconPath = problems.length
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(problems.some((problem) => problem.severity === 'error') ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'))
      : element.isNext
      ? new vscode.ThemeIcon('arrow-circle-right', new vscode.ThemeColor('charts.green'))
      : element.waitingOn.length
        ? new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'))
        : statusIcon(task.status);
    // "task:<status>[:subtasks]" or "subtask:<status>": the menus offer Clear Subtasks and Convert to Subtask Of by it.
    item.contextValue = `${task.parentId === undefined ? 'task' : 'subtask'}:${task.status}${task.subtasks.length ? ':subtasks' : ''}`;
    item.accessibilityInformation = { label: `${task.id} ${task.title}, ${item.description}` };
    // A click opens the task to read; the twistie still expands it.
    item.command = { command: CommandIds.showTask, title: 'Show Task', arguments: [element] };
    return item;
  }

  private tooltip(element: Extract<TreeElement, { kind: 'task' }>): vscode.MarkdownString {
    const { task } = element;
    const state = element.project.store.state;
    const view = state.kind === 'loaded' ? state.plan.tags.get(element.tag) : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(task.id)} ${escape(task.title)}**  \n`);
    md.appendMarkdown(`$(${STATUS_ICONS[task.status][0]}) ${task.status} · ${task.priority} priority${element.isNext ? ' · **next task**' : ''}\n\n`);
    for (const problem of this.model.problems(element)) md.appendMarkdown(`$(warning) ${escape(problem.message)}\n\n`);
    if (task.description) md.appendMarkdown(`${escape(task.description)}\n\n`);
    if (task.dependencies.length) {
      md.appendMarkdown('**Depends on**\n\n');
      for (const dep of task.dependencies) {
        const node: TaskNode | undefined = view?.byId.get(dep);
        md.appendMarkdown(node ? `- $(${STATUS_ICONS[node.status][0]}) ${escape(dep)} ${escape(node.title)} (${node.status})\n` : `- $(warning) ${escape(dep)} (missing)\n`);
      }
      md.appendMarkdown('\n');
    }
    const github = readGitHubLink(task);
    if (github) md.appendMarkdown(gitHubTooltipSection(github));
    if (task.details) md.appendMarkdown(`**Details**\n\n${escape(task.details)}\n\n`);
    if (task.testStrategy) md.appendMarkdown(`**Test strategy**\n\n${escape(task.testStrategy)}\n`);
    return md;
  }
}

