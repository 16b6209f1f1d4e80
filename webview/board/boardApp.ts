/**
 * The board page: routes the extension's messages to the views, keeps where the user is (view,
 * filter, open task, graph selection) in VS Code's webview state for a window reload, and
 * re-renders on each `state` without losing that place. Only the visible view renders; the others
 * catch up when shown. Requests name the project and tag of the state they were made from.
 */
import { applyBoardDiff } from '../../src/board/boardDiff';
import type { BoardPlace, BoardState, ExtensionMessage } from '../../src/board/protocol';
import type { TaskStatus } from '../../src/core/task';
import type { AiAction, AiProgress } from './aiActions';
import type { CardFilter } from './cardFilter';
import { blockedStart } from './blockedStart';
import { renderDashboard } from './dashboard';
import { el } from './dom';
import { GraphView } from './graphView';
import { KanbanView, type PlanState } from './kanban';
import { STATUS_LABELS } from './labels';
import { NoticeBar } from './noticeBar';
import { renderPlanProblem } from './planProblem';
import { TaskEditor } from './taskEditor';
import { Toolbar } from './toolbar';
import { loadSavedView, post, saveView, VIEW_NAMES, type SavedView, type ViewName } from './vscodeApi';

export class BoardApp {
  private state: BoardState | undefined;
  /** The revision of `state`: a diff applies only to the one it names. */
  private revision = 0;
  private readonly saved: SavedView = loadSavedView();
  private readonly aiProgress = new Map<string, AiProgress>();
  /** Views that a state arrived for while they were hidden. */
  private readonly stale = new Set<ViewName>(VIEW_NAMES);
  private readonly toolbar: Toolbar;
  private readonly notices = new NoticeBar();
  private readonly liveRegion = el('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  private readonly problem = el('div', { class: 'problem-area', hidden: true });
  private readonly panels: Record<ViewName, HTMLElement>;
  private readonly kanban: KanbanView;
  private readonly graph: GraphView;
  private readonly editor: TaskEditor;

  constructor(root: HTMLElement) {
    const openTask = (id: string) => this.editor.open(id);
    this.toolbar = new Toolbar(this.saved.filter, {
      showView: (view) => this.showView(view),
      setFilter: (filter) => this.setFilter(filter),
      switchTag: (tag) => post({ type: 'switchTag', tag }),
      moveToTag: (id, tag) => this.moveToTag(id, tag),
      openTask,
      tagAction: (action, tag) => this.request((place) => post({ type: 'tagAction', ...place, tag, action })),
    });
    this.kanban = new KanbanView({
      setStatus: (id, status) => this.setStatus(id, status),
      moveToTag: (id, tag) => this.moveToTag(id, tag),
      moveToPosition: (id, to) => this.moveToPosition(id, to),
      removeTask: (id) => this.request((place) => post({ type: 'removeTask', ...place, id })),
      openTask,
    });
    this.graph = new GraphView((id) => {
      this.remember({ graphTargetId: id });
      this.render('graph');
      openTask(id);
    });
    this.editor = new TaskEditor({
      post,
      startAi: (place, id, action, prompt) => this.startAi(place, id, action, prompt),
      onOpenChange: (openId, closedId) => {
        this.remember({ openTaskId: openId });
        // Back to where the user opened it from.
        if (openId === undefined && closedId !== undefined) {
          if (this.saved.view === 'board') this.kanban.focusCard(closedId);
          else if (this.saved.view === 'graph') this.graph.focusNode(closedId);
        }
      },
    });
    this.panels = {
      board: this.kanban.element,
      graph: this.graph.element,
      dashboard: el('div'),
    };
    const views = el('main', { class: 'views' }, this.problem);
    for (const view of VIEW_NAMES) {
      views.append(el('section', { id: `view-${view}`, class: 'view', role: 'tabpanel', 'aria-labelledby': `tab-${view}`, 'data-view': view }, this.panels[view]));
    }
    root.append(this.toolbar.element, this.notices.element, el('div', { class: 'workspace' }, views, this.editor.element), this.liveRegion);
    this.showView(this.saved.view);
  }

  /** Tells the extension the page listens, and reopens the task that was open before a reload (once a plan arrives). */
  start(): void {
    post({ type: 'ready' });
    if (this.saved.openTaskId) this.editor.open(this.saved.openTaskId);
  }

  receive(message: ExtensionMessage): void {
    // Timed for the bench and DevTools' Performance panel: a message handled, its DOM updated.
    const start = performance.now();
    switch (message.type) {
      case 'state':
        this.setState(message.state, message.revision);
        break;
      case 'stateDiff':
        // Another base means a message was missed (or the page reloaded): ask for everything again.
        if (this.state?.kind !== 'plan' || message.base !== this.revision) post({ type: 'ready' });
        else this.setState(applyBoardDiff(this.state, message.diff), message.revision);
        break;
      case 'focusTask':
        this.focusTask(message.id);
        break;
      case 'task':
        this.editor.show(message.task, this.aiProgress.get(message.task.id));
        break;
      case 'taskGone':
        if (this.editor.taskGone(message.id)) this.notices.show(message.message, 'info');
        break;
      case 'progress':
        this.recordProgress(message.id, { message: message.message, done: message.done });
        break;
      case 'error':
        this.notices.show(message.message, 'error');
        break;
    }
    performance.measure(`board ${message.type}`, { start });
    // A whole state redraws the board: marked once the frame showing it is painted (a task queued
    // from that frame's animation callback runs after its paint).
    if (message.type === 'state') requestAnimationFrame(() => setTimeout(() => performance.mark('board state painted')));
  }

  private setState(state: BoardState, revision: number): void {
    this.state = state;
    this.revision = revision;
    for (const view of VIEW_NAMES) this.stale.add(view);
    this.renderState();
  }

  /** "Open in Board": the board view, with the task's card scrolled into view and focused. */
  private focusTask(id: string): void {
    this.showView('board');
    if (!this.kanban.focusCard(id)) this.notices.show(`Task #${id} is not on the board: the filter hides it, or its status has no column.`, 'info');
  }

  private renderState(): void {
    const plan = this.plan();
    this.problem.hidden = !!plan;
    if (this.state && this.state.kind !== 'plan') this.problem.replaceChildren(renderPlanProblem(this.state, post));
    if (plan) this.editor.setPlan(plan);
    this.showView(this.saved.view);
  }

  private plan(): PlanState | undefined {
    return this.state?.kind === 'plan' ? this.state : undefined;
  }

  private showView(view: ViewName): void {
    this.remember({ view });
    const plan = this.plan();
    for (const name of VIEW_NAMES) this.panels[name].parentElement!.hidden = !plan || name !== view;
    this.toolbar.update(plan, view);
    this.renderIfStale();
  }

  private renderIfStale(): void {
    if (this.stale.has(this.saved.view)) this.render(this.saved.view);
  }

  /** Renders `view` if it is the one shown, else marks it to render when shown. */
  private render(view: ViewName): void {
    const plan = this.plan();
    if (!plan || view !== this.saved.view) {
      this.stale.add(view);
      return;
    }
    this.stale.delete(view);
    if (view === 'board') this.kanban.render(plan, this.saved.filter, this.runningAi());
    else if (view === 'graph') this.graph.render(plan, this.saved.filter, this.saved.graphTargetId);
    else this.panels.dashboard.replaceChildren(renderDashboard(plan.dashboard, (id) => this.editor.open(id)));
  }

  private setFilter(filter: CardFilter): void {
    this.remember({ filter });
    this.stale.add('board').add('graph');
    this.renderIfStale();
  }

  /** Makes a request about the project and tag shown; false when no plan is shown. */
  private request(send: (place: BoardPlace) => void): boolean {
    const plan = this.plan();
    if (plan) send({ projectUri: plan.projectUri, tag: plan.tag });
    return !!plan;
  }

  private setStatus(id: string, status: TaskStatus): void {
    if (!this.request((place) => post({ type: 'setStatus', ...place, id, status }))) return;
    this.liveRegion.textContent = `Moving #${id} to ${STATUS_LABELS[status]}.`;
    const waiting = status === 'in-progress' ? blockedStart(this.plan()!.cards, id) : undefined;
    if (waiting) this.notices.show(waiting, 'info');
  }

  private moveToTag(id: string, toTag: string): void {
    if (this.request((place) => post({ type: 'moveToTag', ...place, id, toTag }))) this.liveRegion.textContent = `Moving #${id} to tag ${toTag}.`;
  }

  private moveToPosition(id: string, to: string | undefined): void {
    const sent = this.request((place) => post({ type: 'moveToPosition', ...place, id, ...(to === undefined ? {} : { to }) }));
    if (sent && to !== undefined) this.liveRegion.textContent = `Moving #${id} to #${to}.`;
  }

  private startAi(place: BoardPlace, id: string, action: AiAction, prompt: string | undefined): void {
    post({ type: 'aiAction', ...place, id, action, prompt });
    this.recordProgress(id, { message: action === 'expand' ? 'Asking the AI to expand the task…' : 'Asking the AI to update the task…', done: false });
  }

  /** The editor shows the message; the card says "AI working" until the action is done. */
  private recordProgress(id: string, progress: AiProgress): void {
    this.aiProgress.set(id, progress);
    this.editor.showProgress(id, progress);
    this.render('board');
  }

  private runningAi(): Set<string> {
    return new Set([...this.aiProgress].filter(([, progress]) => !progress.done).map(([id]) => id));
  }

  private remember(change: Partial<SavedView>): void {
    Object.assign(this.saved, change);
    saveView(this.saved);
  }
}
