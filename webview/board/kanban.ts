/**
 * The kanban: one column per configured status, cards in plan order. Each column is a virtual list
 * (only the cards in view are in the DOM), and a card keeps its element while its data is the same
 * object (a state diff replaces only the cards that changed), so a plan of thousands stays quick
 * and a re-render keeps focus and scroll.
 *
 * Moving a card: drag it to another column, press Ctrl/Cmd+Left/Right, or pick from its menu,
 * which also moves it to another tag or position or removes it (dropping it on a tag in the toolbar
 * moves it there too; between two cards of its column, to a position: cardReorder.ts). The board posts the request and waits for the extension's next state: one source of truth.
 */
import type { BoardCard, BoardState } from '../../src/board/protocol';
import type { TaskStatus } from '../../src/core/task';
import { plural } from '../../src/core/text';
import { renderCard } from './card';
import { isFilterActive, matchesFilter, type CardFilter } from './cardFilter';
import { closestTo, el, reconcileChildren } from './dom';
import { STATUS_LABELS, statusIcon } from './labels';
import { CARD_MENU_ATTRIBUTES, cardMenuEntries } from './cardMenu';
import { CardReorder } from './cardReorder';
import { PopupMenu } from './menu';
import { VirtualList } from './virtualList';

export type PlanState = Extract<BoardState, { kind: 'plan' }>;

export interface KanbanActions {
  setStatus(id: string, status: TaskStatus): void;
  moveToTag(id: string, tag: string): void;
  /** To the task id `to` (`move --from <id> --to <to>`); without it, the extension asks. */
  moveToPosition(id: string, to?: string): void;
  removeTask(id: string): void;
  openTask(id: string): void;
}

/** The drag data type of a card, so drop targets outside the kanban (the tag chips) can tell a card from other drags. */
export const CARD_DRAG_TYPE = 'application/x-taskmaster-card';

interface Column {
  section: HTMLElement;
  count: HTMLElement;
  cards: VirtualList<BoardCard>;
  empty: HTMLElement;
}

export class KanbanView {
  readonly element = el('div', { class: 'kanban' });
  private readonly columnsElement = el('div', { class: 'kanban-columns' });
  private readonly note = el('p', { class: 'kanban-note', 'data-kanban-note': '' });
  private readonly menu = new PopupMenu(CARD_MENU_ATTRIBUTES);
  private readonly reorder = new CardReorder();
  private readonly columns = new Map<TaskStatus, Column>();
  private readonly cards = new Map<string, { card: BoardCard; aiRunning: boolean; element: HTMLElement }>();
  private aiRunning: ReadonlySet<string> = new Set();
  private cardById = new Map<string, BoardCard>();
  private columnOrder: TaskStatus[] = [];
  /** The tags a card can move to: all but the one shown. */
  private otherTags: string[] = [];
  private draggedId: string | undefined;
  /** The card focused when a render began: it stays in the DOM even after its old element left it. */
  private focusedAtRender: string | undefined;

  constructor(private readonly actions: KanbanActions) {
    this.element.append(
      el('p', { id: 'card-keys-hint', class: 'visually-hidden' }, 'Enter opens the task. Control or Command with Left or Right Arrow moves it to the next column. M opens its menu: move to a status, a tag or a position, or remove it.'),
      this.note,
      this.columnsElement,
      this.menu.element,
    );
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('contextmenu', (event) => {
      const card = closestTo(event, '.card');
      if (!card) return;
      event.preventDefault();
      this.openMenu(card);
    });
    this.listenForDrags();
  }

  render(state: PlanState, filter: CardFilter, aiRunning: ReadonlySet<string>): void {
    const focusedId = this.focusedCardId();
    this.focusedAtRender = focusedId;
    this.aiRunning = aiRunning;
    this.cardById = new Map(state.cards.map((card) => [card.id, card]));
    this.columnOrder = state.columns;
    this.otherTags = state.tags.filter((tag) => tag !== state.tag);

    const byStatus = new Map<TaskStatus, BoardCard[]>();
    for (const card of state.cards) {
      const list = byStatus.get(card.status) ?? [];
      list.push(card);
      byStatus.set(card.status, list);
    }
    const columnElements = state.columns.map((status) => this.renderColumn(status, byStatus.get(status) ?? [], filter));
    reconcileChildren(this.columnsElement, columnElements);
    for (const status of this.columns.keys()) if (!state.columns.includes(status)) this.columns.delete(status);
    for (const id of this.cards.keys()) if (!this.cardById.has(id)) this.cards.delete(id);

    const offBoard = [...byStatus].filter(([status]) => !state.columns.includes(status)).map(([status, cards]) => `${cards.length} ${STATUS_LABELS[status].toLowerCase()}`);
    this.note.textContent = !state.cards.length
      ? `No tasks in tag “${state.tag}” yet.`
      : offBoard.length
        ? `Not on the board (no column for their status): ${offBoard.join(', ')}.`
        : '';
    this.note.hidden = !this.note.textContent;

    // A card whose data changed was rebuilt (or moved column): give it its focus back.
    const refocus = focusedId === undefined ? undefined : this.cards.get(focusedId)?.element;
    if (refocus?.isConnected && document.activeElement !== refocus) {
      // In the background, focus() would pull VS Code's focus into the webview (an open quick pick
      // closes): the card gets it back when the board is focused again.
      if (document.hasFocus()) refocus.focus();
      else window.addEventListener('focus', () => refocus.isConnected && document.activeElement === document.body && refocus.focus(), { once: true });
    }
    this.focusedAtRender = undefined;
  }

  /** Scrolls a card (e.g. the next task) into view and focuses it; false when it is not on the board (or filtered out). */
  focusCard(id: string): boolean {
    const card = this.cardById.get(id);
    const cards = card && this.columns.get(card.status)?.cards;
    const element = cards?.reveal(cards.indexOf(id));
    element?.focus();
    return !!element;
  }

  private renderColumn(status: TaskStatus, cards: BoardCard[], filter: CardFilter): HTMLElement {
    const column = this.columns.get(status) ?? this.createColumn(status);
    const matching = isFilterActive(filter) ? cards.filter((card) => matchesFilter(card, filter)) : cards;
    column.cards.setItems(matching);
    column.count.textContent = matching.length === cards.length ? String(cards.length) : `${matching.length} of ${cards.length}`;
    column.cards.list.setAttribute('aria-label', `${STATUS_LABELS[status]}: ${plural(matching.length, 'task')}`);
    column.empty.hidden = matching.length > 0;
    column.empty.textContent = cards.length ? 'No task matches the filter' : 'No tasks';
    return column.section;
  }

  private createColumn(status: TaskStatus): Column {
    const titleId = `column-title-${status}`;
    const count = el('span', { class: 'badge column-count', 'data-column-count': status });
    const list = el('div', { class: 'column-cards', role: 'list', 'data-column-cards': status });
    const empty = el('p', { class: 'column-empty' });
    // The focused card and the one being dragged stay in the DOM however far the column scrolls.
    const cards = new VirtualList(list, (card: BoardCard) => this.cardElement(card), () => [this.focusedAtRender ?? this.focusedCardId(), this.draggedId]);
    const section = el(
      'section',
      { class: `column status-${status}`, 'data-column': status, 'aria-labelledby': titleId },
      el('header', { class: 'column-header' }, el('h2', { id: titleId }, el('span', { class: 'status-icon', 'aria-hidden': 'true' }, statusIcon(status)), ` ${STATUS_LABELS[status]}`), count),
      list,
      empty,
    );
    // In the page before its first cards: the list measures its height and theirs (render puts it in place).
    this.columnsElement.append(section);
    const column = { section, count, cards, empty };
    this.columns.set(status, column);
    return column;
  }

  /** The card's element, rebuilt only when its data (a new object after a change) or its AI badge changed. */
  private cardElement(card: BoardCard): HTMLElement {
    const aiRunning = this.aiRunning.has(card.id);
    const known = this.cards.get(card.id);
    if (known?.card === card && known.aiRunning === aiRunning) return known.element;
    const element = renderCard(card, aiRunning);
    this.cards.set(card.id, { card, aiRunning, element });
    return element;
  }

  private focusedCardId(): string | undefined {
    const active = document.activeElement;
    return active instanceof HTMLElement && active.classList.contains('card') && this.element.contains(active) ? active.dataset.taskId : undefined;
  }

  private onClick(event: MouseEvent): void {
    const card = closestTo(event, '.card');
    if (!card?.dataset.taskId) return;
    if (closestTo(event, '[data-move-menu]')) this.openMenu(card);
    else this.actions.openTask(card.dataset.taskId);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const card = closestTo(event, '.card');
    if (!card?.dataset.taskId || event.target !== card) return;
    const id = card.dataset.taskId;
    const commandKey = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' || event.key === ' ') {
      this.actions.openTask(id);
    } else if (commandKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
      this.moveToNeighbour(id, event.key === 'ArrowRight' ? 1 : -1);
    } else if (event.key === 'm' || event.key === 'M') {
      // (The context-menu key and Shift+F10 arrive as a `contextmenu` event.)
      this.openMenu(card);
    } else if (!this.focusNeighbour(card, event.key)) {
      return;
    }
    event.preventDefault();
  }

  private moveToNeighbour(id: string, step: 1 | -1): void {
    const card = this.cardById.get(id);
    const target = card && this.columnOrder[this.columnOrder.indexOf(card.status) + step];
    if (card && target) this.actions.setStatus(id, target);
  }

  /**
   * Arrow keys walk the board: up/down within a column, left/right to the same row next door. They
   * go by the column's cards, not its DOM, so they reach cards scrolled out of it.
   */
  private focusNeighbour(card: HTMLElement, key: string): boolean {
    const status = this.cardById.get(card.dataset.taskId!)?.status;
    const column = status && this.columns.get(status)?.cards;
    if (!column) return false;
    const index = column.indexOf(card.dataset.taskId!);
    let target: { cards: VirtualList<BoardCard>; index: number } | undefined;
    if (key === 'ArrowDown') target = { cards: column, index: index + 1 };
    else if (key === 'ArrowUp') target = { cards: column, index: index - 1 };
    else if (key === 'Home') target = { cards: column, index: 0 };
    else if (key === 'End') target = { cards: column, index: column.length - 1 };
    else if (key === 'ArrowRight' || key === 'ArrowLeft') {
      const step = key === 'ArrowRight' ? 1 : -1;
      // Skip empty columns on the way.
      for (let at = this.columnOrder.indexOf(status) + step; at >= 0 && at < this.columnOrder.length && !target; at += step) {
        const others = this.columns.get(this.columnOrder[at])?.cards;
        if (others?.length) target = { cards: others, index: Math.min(index, others.length - 1) };
      }
    } else return false;
    target?.cards.reveal(target.index)?.focus();
    return true;
  }

  private openMenu(card: HTMLElement): void {
    const id = card.dataset.taskId;
    const current = id === undefined ? undefined : this.cardById.get(id);
    if (!current) return;
    this.menu.open(
      card,
      cardMenuEntries({
        status: current.status,
        otherTags: this.otherTags,
        setStatus: (status) => this.actions.setStatus(current.id, status),
        moveToTag: (tag) => this.actions.moveToTag(current.id, tag),
        moveToPosition: () => this.actions.moveToPosition(current.id),
        remove: () => this.actions.removeTask(current.id),
      }),
    );
  }

  private listenForDrags(): void {
    const clearTargets = () => this.columnsElement.querySelectorAll('.is-drop-target').forEach((column) => column.classList.remove('is-drop-target'));
    const dropColumn = (event: DragEvent): HTMLElement | undefined => {
      const column = closestTo(event, '.column');
      const card = this.draggedId === undefined ? undefined : this.cardById.get(this.draggedId);
      // A card's own column is no drop target: dropping there changes nothing.
      return column && card && column.dataset.column !== card.status ? column : undefined;
    };
    this.element.addEventListener('dragstart', (event) => {
      const card = closestTo(event, '.card');
      if (!card?.dataset.taskId || !event.dataTransfer) return;
      this.draggedId = card.dataset.taskId;
      event.dataTransfer.setData('text/plain', card.dataset.taskId);
      event.dataTransfer.setData(CARD_DRAG_TYPE, card.dataset.taskId);
      event.dataTransfer.effectAllowed = 'move';
      card.classList.add('is-dragging');
      this.menu.close(false);
    });
    this.element.addEventListener('dragend', () => {
      this.columnsElement.querySelector('.is-dragging')?.classList.remove('is-dragging');
      clearTargets();
      this.reorder.clear();
      this.draggedId = undefined;
    });
    this.element.addEventListener('dragover', (event) => {
      const dragged = this.draggedId === undefined ? undefined : this.cardById.get(this.draggedId);
      if (dragged && this.reorder.over(event, dragged)) {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        return;
      }
      const column = dropColumn(event);
      if (!column) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
      if (!column.classList.contains('is-drop-target')) {
        clearTargets();
        column.classList.add('is-drop-target');
      }
    });
    this.element.addEventListener('dragleave', (event) => {
      const column = closestTo(event, '.column');
      if (column && !column.contains(event.relatedTarget as Node | null)) column.classList.remove('is-drop-target');
    });
    this.element.addEventListener('drop', (event) => {
      const dragged = this.draggedId === undefined ? undefined : this.cardById.get(this.draggedId);
      const to = dragged && this.reorder.drop(dragged, new Set(this.cardById.keys()));
      if (dragged && to) {
        event.preventDefault();
        this.actions.moveToPosition(dragged.id, to);
        return;
      }
      const column = dropColumn(event);
      clearTargets();
      if (!column || this.draggedId === undefined) return;
      event.preventDefault();
      this.actions.setStatus(this.draggedId, column.dataset.column as TaskStatus);
    });
  }
}
