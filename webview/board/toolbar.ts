/**
 * The board's toolbar: view tabs, the tags, the card filter and the next task.
 * The filter fields are the user's: a new state never overwrites what they typed.
 *
 * The tags are a row of chips, the one shown marked current: a click (or Enter) switches to a tag,
 * and a card dropped on another tag's chip moves there. A chip's menu (right-click, Shift+F10 or
 * the context-menu key) renames, copies or deletes its tag, and "+" adds one: the extension runs
 * the tree's tag commands, which ask for the name.
 */
import { tagActionsFor, type TagAction, type TagMenuAction } from '../../src/board/protocol';
import type { TaskPriority } from '../../src/core/task';
import { TASK_PRIORITIES } from '../../src/core/task';
import type { CardFilter } from './cardFilter';
import { button, closestTo, el } from './dom';
import { CARD_DRAG_TYPE, type PlanState } from './kanban';
import { PRIORITY_LABELS } from './labels';
import { PopupMenu, type MenuEntry } from './menu';
import { VIEW_NAMES, type ViewName } from './vscodeApi';

export interface ToolbarActions {
  showView(view: ViewName): void;
  setFilter(filter: CardFilter): void;
  switchTag(tag: string): void;
  moveToTag(id: string, tag: string): void;
  openTask(id: string): void;
  tagAction(action: TagAction, tag: string): void;
}

const TAG_ACTION_LABELS: Record<TagMenuAction, string> = { rename: 'Rename…', copy: 'Copy…', delete: 'Delete…' };

const VIEW_LABELS: Record<ViewName, string> = { board: 'Board', graph: 'Graph', dashboard: 'Dashboard' };

export class Toolbar {
  readonly element = el('header', { class: 'toolbar' });
  private readonly tabs: Record<ViewName, HTMLButtonElement>;
  private readonly project = el('span', { class: 'project-name', 'data-project': '' });
  private readonly tags = el('div', { class: 'tag-chips', role: 'group', 'aria-labelledby': 'tags-label', 'data-tag-chips': '' });
  private readonly tagMenu = new PopupMenu({ 'aria-label': 'Tag actions', 'data-tag-menu': '' });
  private readonly addTag = button('+', () => this.shownTag !== undefined && this.actions.tagAction('add', this.shownTag), {
    class: 'tag-chip tag-add',
    title: 'Add a tag…',
    'aria-label': 'Add a tag…',
    'data-add-tag': '',
  });
  private readonly tagGroup = el(
    'div',
    { class: 'toolbar-group' },
    this.project,
    el('span', { id: 'tags-label' }, 'Tag'),
    el('p', { id: 'tag-keys-hint', class: 'visually-hidden' }, 'Enter shows the tag. Shift+F10 or the context menu key opens its menu: rename, copy or delete it.'),
    this.tags,
    this.addTag,
  );
  private readonly filterGroup = el('div', { class: 'toolbar-group filter-group', role: 'search' });
  private readonly text = el('input', { type: 'search', id: 'filter-text', placeholder: 'Filter: id, title, description', 'data-filter-text': '' });
  private readonly priority = el('select', { id: 'filter-priority', 'data-filter-priority': '' }, el('option', { value: '' }, 'All priorities'), ...TASK_PRIORITIES.map((priority) => el('option', { value: priority }, PRIORITY_LABELS[priority])));
  private readonly next: HTMLButtonElement;
  private nextId: string | undefined;
  /** The tag the board shows: its chip is marked current, and takes no drops. */
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
    this.tags.addEventListener('click', (event) => {
      const tag = closestTo(event, '[data-tag-chip]')?.dataset.tagChip;
      if (tag !== undefined && tag !== this.shownTag) actions.switchTag(tag);
    });
    this.tags.addEventListener('contextmenu', (event) => {
      const chip = closestTo(event, '[data-tag-chip]');
      if (!chip) return;
      event.preventDefault();
      this.openTagMenu(chip);
    });
    this.listenForCardDrops();
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
      this.tagMenu.element,
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
    this.shownTag = state.tag;
    this.tags.replaceChildren(
      ...state.tags.map((tag) =>
        el(
          'button',
          {
            type: 'button',
            class: 'tag-chip',
            'aria-current': tag === state.tag ? 'true' : undefined,
            title: tag === state.tag ? `Tag "${tag}" is shown` : `Show tag "${tag}"; drop a card here to move it to "${tag}"`,
            'aria-describedby': 'tag-keys-hint',
            'data-tag-chip': tag,
          },
          tag,
        ),
      ),
    );
    // The next task may be a subtask ("4.2"): its parent's card is the one on the board.
    const parentId = state.nextId?.split('.')[0];
    const next = state.cards.find((card) => card.id === parentId);
    this.nextId = next?.id;
    const label = !next ? 'No next task' : next.id === state.nextId ? `Next: #${next.id} ${next.title}` : `Next: #${state.nextId}, in #${next.id} ${next.title}`;
    this.next.replaceChildren(el('span', { 'aria-hidden': 'true' }, '★ '), label);
    this.next.disabled = !next;
    this.next.title = next ? `Open the next task, #${state.nextId}` : 'No pending task has all its dependencies done';
  }

  private openTagMenu(chip: HTMLElement): void {
    const tag = chip.dataset.tagChip;
    if (tag === undefined) return;
    const items = tagActionsFor(tag).map((action): MenuEntry => ({ kind: 'item', label: TAG_ACTION_LABELS[action], onPick: () => this.actions.tagAction(action, tag), attributes: { 'data-tag-action': action } }));
    this.tagMenu.open(chip, [{ kind: 'title', label: `Tag "${tag}"` }, ...items]);
  }

  /** A card dragged from the kanban onto another tag's chip moves to that tag. */
  private listenForCardDrops(): void {
    const target = (event: DragEvent): HTMLElement | undefined => {
      const chip = closestTo(event, '[data-tag-chip]');
      return chip && chip.dataset.tagChip !== this.shownTag && event.dataTransfer?.types.includes(CARD_DRAG_TYPE) ? chip : undefined;
    };
    const clear = () => this.tags.querySelectorAll('.is-drop-target').forEach((chip) => chip.classList.remove('is-drop-target'));
    this.tags.addEventListener('dragover', (event) => {
      const chip = target(event);
      if (!chip) return;
      event.preventDefault();
      event.dataTransfer!.dropEffect = 'move';
      chip.classList.add('is-drop-target');
    });
    this.tags.addEventListener('dragleave', (event) => {
      const chip = closestTo(event, '[data-tag-chip]');
      if (chip && !chip.contains(event.relatedTarget as Node | null)) chip.classList.remove('is-drop-target');
    });
    this.tags.addEventListener('drop', (event) => {
      const chip = target(event);
      clear();
      const id = event.dataTransfer?.getData(CARD_DRAG_TYPE);
      if (!chip?.dataset.tagChip || !id) return;
      event.preventDefault();
      this.actions.moveToTag(id, chip.dataset.tagChip);
    });
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
