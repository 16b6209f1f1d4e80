/**
 * The kanban: one column per configured status, cards in plan order. A column shows its first
 * PAGE_SIZE matching cards and a "Show more" button, and cards whose data did not change keep their
 * DOM across renders, so a plan of thousands stays quick and a re-render keeps focus and scroll.
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

const PAGE_SIZE = 100;

interface Column {
  section: HTMLElement;
  count: HTMLElement;
  list: HTMLElement;
  empty: HTMLElement;
  more: HTMLButtonElement;
}

export class KanbanView {
  readonly element = el('div', { class: 'kanban' });
  private readonly columnsElement = el('div', { class: 'kanban-columns' });
  private readonly note = el('p', { class: 'kanban-note', 'data-kanban-note': '' });
  private readonly menu = new PopupMenu(CARD_MENU_ATTRIBUTES);
  private readonly reorder = new CardReorder();
  private readonly columns = new Map<TaskStatus, Column>();
  private readonly cards = new Map<string, { signature: string; element: HTMLElement }>();
  /** How many matching cards each column shows (grows by PAGE_SIZE with "Show more"). */
  private readonly shown = new Map<TaskStatus, number>();
  private cardById = new Map<string, BoardCard>();
  private columnOrder: TaskStatus[] = [];
  /** The tags a card can move to: all but the one shown. */
  private otherTags: string[] = [];
  private draggedId: string | undefined;
  /** The last render again: "Show more" needs no new state. */
  private rerender: () => void = () => undefined;

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
    this.rerender = () => this.render(state, filter, aiRunning);
    const focusedId = this.focusedCardId();
    this.cardById = new Map(state.cards.map((card) => [card.id, card]));
    this.columnOrder = state.columns;
    this.otherTags = state.tags.filter((tag) => tag !== state.tag);

    const byStatus = new Map<TaskStatus, BoardCard[]>();
    for (const card of state.cards) {
      const list = byStatus.get(card.status) ?? [];
      list.push(card);
      byStatus.set(card.status, list);
    }
    const columnElements = state.columns.map((status) => this.renderColumn(status, byStatus.get(status) ?? [], filter, aiRunning, focusedId));
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
    if (refocus?.isConnected && document.activeElement !== refocus) refocus.focus();
  }

  /** Focuses a card (e.g. the next task); false when it is not on the board. */
  focusCard(id: string): boolean {
    const card = this.cards.get(id)?.element;
    if (!card?.isConnected) return false;
    card.focus();
    return true;
  }

  private renderColumn(status: TaskStatus, cards: BoardCard[], filter: CardFilter, aiRunning: ReadonlySet<string>, focusedId: string | undefined): HTMLElement {
    const column = this.columns.get(status) ?? this.createColumn(status);
    const matching = isFilterActive(filter) ? cards.filter((card) => matchesFilter(card, filter)) : cards;
    // Keep a focused card on the page it moved to, so keyboard moves never lose it.
    const focusedIndex = matching.findIndex((card) => card.id === focusedId);
    const shown = Math.max(this.shown.get(status) ?? PAGE_SIZE, Math.ceil((focusedIndex + 1) / PAGE_SIZE) * PAGE_SIZE);
    this.shown.set(status, shown);
    const visible = matching.slice(0, shown);
    reconcileChildren(
      column.list,
      visible.map((card) => this.cardElement(card, aiRunning.has(card.id))),
    );

    column.count.textContent = matching.length === cards.length ? String(cards.length) : `${matching.length} of ${cards.length}`;
    column.list.setAttribute('aria-label', `${STATUS_LABELS[status]}: ${plural(matching.length, 'task')}${visible.length < matching.length ? `, ${visible.length} shown` : ''}`);
    column.empty.hidden = matching.length > 0;
    column.empty.textContent = cards.length ? 'No task matches the filter' : 'No tasks';
    const hidden = matching.length - visible.length;
    column.more.hidden = hidden <= 0;
    column.more.textContent = `Show ${Math.min(PAGE_SIZE, hidden)} more (${hidden} not shown)`;
    return column.section;
  }

  private createColumn(status: TaskStatus): Column {
    const titleId = `column-title-${status}`;
    const count = el('span', { class: 'badge column-count', 'data-column-count': status });
    const list = el('div', { class: 'column-cards', role: 'list', 'data-column-cards': status });
    const empty = el('p', { class: 'column-empty' });
    const more = el('button', { type: 'button', class: 'secondary show-more', 'data-show-more': status });
    more.addEventListener('click', () => {
      this.shown.set(status, (this.shown.get(status) ?? PAGE_SIZE) + PAGE_SIZE);
      this.rerender();
    });
    const section = el(
      'section',
      { class: `column status-${status}`, 'data-column': status, 'aria-labelledby': titleId },
      el('header', { class: 'column-header' }, el('h2', { id: titleId }, el('span', { class: 'status-icon', 'aria-hidden': 'true' }, statusIcon(status)), ` ${STATUS_LABELS[status]}`), count),
      list,
      empty,
      more,
    );
    const column = { section, count, list, empty, more };
    this.columns.set(status, column);
    return column;
  }

  private cardElement(card: BoardCard, aiRunning: boolean): HTMLElement {
    const signature = `${aiRunning}${JSON.stringify(card)}`;
    const known = this.cards.get(card.id);
    if (known?.signature === signature) return known.element;
    const element = renderCard(card, aiRunning);
    this.cards.set(card.id, { signature, element });
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

  /** Arrow keys walk the board: up/down within a column, left/right to the same row next door. */
  private focusNeighbour(card: HTMLElement, key: string): boolean {
    const list = card.parentElement;
    if (!list) return false;
    const cards = [...list.children] as HTMLElement[];
    const index = cards.indexOf(card);
    let target: Element | null | undefined;
    if (key === 'ArrowDown') target = cards[index + 1];
    else if (key === 'ArrowUp') target = cards[index - 1];
    else if (key === 'Home') target = cards[0];
    else if (key === 'End') target = cards[cards.length - 1];
    else if (key === 'ArrowRight' || key === 'ArrowLeft') {
      const columns = [...this.columnsElement.children];
      let column = columns.indexOf(list.closest('.column')!);
      const step = key === 'ArrowRight' ? 1 : -1;
      // Skip empty columns on the way.
      for (column += step; column >= 0 && column < columns.length && !target; column += step) {
        const others = columns[column].querySelector('.column-cards')!.children;
        target = others[Math.min(index, others.length - 1)];
      }
    } else return false;
    (target as HTMLElement | undefined)?.focus();
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
