/**
 * The board's toolbar: view tabs, the tag switcher, the card filter and the next task.
 * The filter fields are the user's: a new state never overwrites what they typed.
 */
import type { TaskPriority } from '../../src/core/task';
import { TASK_PRIORITIES } from '../../src/core/task';
import type { CardFilter } from './cardFilter';
import { button, el } from './dom';
import type { PlanState } from './kanban';
import { PRIORITY_LABELS } from './labels';
import { VIEW_NAMES, type ViewName } from './vscodeApi';

export interface ToolbarActions {
  showView(view: ViewName): void;
  setFilter(filter: CardFilter): void;
  switchTag(tag: string): void;
  openTask(id: string): void;
}

const VIEW_LABELS: Record<ViewName, string> = { board: 'Board', graph: 'Graph', dashboard: 'Dashboard' };

export class Toolbar {
  readonly element = el('header', { class: 'toolbar' });
  private readonly tabs: Record<ViewName, HTMLButtonElement>;
  private readonly project = el('span', { class: 'project-name', 'data-project': '' });
  private readonly tag = el('select', { id: 'tag-select', 'data-tag-select': '' });
  private readonly tagGroup = el('div', { class: 'toolbar-group' }, this.project, el('label', { for: 'tag-select' }, 'Tag'), this.tag);
  private readonly filterGroup = el('div', { class: 'toolbar-group filter-group', role: 'search' });
  private readonly text = el('input', { type: 'search', id: 'filter-text', placeholder: 'Filter: id, title, description', 'data-filter-text': '' });
  private readonly priority = el('select', { id: 'filter-priority', 'data-filter-priority': '' }, el('option', { value: '' }, 'All priorities'), ...TASK_PRIORITIES.map((priority) => el('option', { value: priority }, PRIORITY_LABELS[priority])));
  private readonly next: HTMLButtonElement;
  private nextId: string | undefined;
  /** The tag the board shows (the select may hold a choice not yet made good). */
  private shownTag: string | undefined;

  constructor(filter: CardFilter, private readonly actions: ToolbarActions) {
    this.tabs = Object.fromEntries(
      VIEW_NAMES.map((view) => [
        view,
        button(VIEW_LABELS[view], () => actions.showView(view), { role: 'tab', id: `tab-${view}`, 'aria-controls': `view-${view}`, 'data-view-tab': view }),
      ]),
    ) as Record<ViewName, HTMLButtonElement>;
    const tabList = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' }, ...VIEW_NAMES.map((view) => this.tabs[view]));
    tabList.addEventListener('keydown', (event) => this.onTabKey(event));

    this.text.value = filter.text;
    this.priority.value = filter.priority;
    const onFilter = () => actions.setFilter({ text: this.text.value, priority: this.priority.value as TaskPriority | '' });
    this.text.addEventListener('input', onFilter);
    this.priority.addEventListener('change', onFilter);
    this.tag.addEventListener('change', () => actions.switchTag(this.tag.value));
    this.next = button('', () => this.nextId && actions.openTask(this.nextId), { class: 'next-task', 'data-next-task': '' });

    this.filterGroup.append(
      el('label', { for: this.text.id, class: 'visually-hidden' }, 'Filter tasks'),
      this.text,
      el('label', { for: this.priority.id, class: 'visually-hidden' }, 'Priority'),
      this.priority,
    );
    this.element.append(
      tabList,
      this.tagGroup,
      this.filterGroup,
      this.next,
    );
  }

  /** Shows the plan's tags and next task; `undefined` (no readable plan) leaves only the tabs. */
  update(state: PlanState | undefined, view: ViewName): void {
    for (const name of VIEW_NAMES) {
      const selected = name === view;
      this.tabs[name].setAttribute('aria-selected', String(selected));
      this.tabs[name].tabIndex = selected ? 0 : -1;
    }
    this.filterGroup.hidden = !state || view === 'dashboard';
    this.tagGroup.hidden = !state;
    this.next.hidden = !state;
    if (!state) return;

    this.project.textContent = state.project;
    this.tag.replaceChildren(...state.tags.map((tag) => el('option', { value: tag }, tag)));
    this.tag.value = state.tag;
    this.shownTag = state.tag;
    // The next task may be a subtask ("4.2"): its parent's card is the one on the board.
    const parentId = state.nextId?.split('.')[0];
    const next = state.cards.find((card) => card.id === parentId);
    this.nextId = next?.id;
    const label = !next ? 'No next task' : next.id === state.nextId ? `Next: #${next.id} ${next.title}` : `Next: #${state.nextId}, in #${next.id} ${next.title}`;
    this.next.replaceChildren(el('span', { 'aria-hidden': 'true' }, '★ '), label);
    this.next.disabled = !next;
    this.next.title = next ? `Open the next task, #${state.nextId}` : 'No pending task has all its dependencies done';
  }

  /** Puts the tag select back on the tag shown (a switch was refused). */
  resetTag(): void {
    if (this.shownTag !== undefined) this.tag.value = this.shownTag;
  }

  /** Arrow keys move between tabs, as in any tab list. */
  private onTabKey(event: KeyboardEvent): void {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const current = VIEW_NAMES.findIndex((view) => this.tabs[view] === document.activeElement);
    if (!step || current < 0) return;
    event.preventDefault();
    const view = VIEW_NAMES[(current + step + VIEW_NAMES.length) % VIEW_NAMES.length];
    this.tabs[view].focus();
    this.actions.showView(view);
  }
}
