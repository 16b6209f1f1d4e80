/**
 * A card's menu: "Move to…" every status (the card's own one marked), "Move to tag…" every other
 * tag, and "Remove task…". One menu serves all cards; it opens by the card's ⋯ button, the context
 * menu, Shift+F10 or M, and gives focus back on close.
 */
import { TASK_STATUSES, type TaskStatus } from '../../src/core/task';
import { button, el } from './dom';
import { STATUS_LABELS, statusIcon } from './labels';

/** What the menu offers for one card. */
export interface CardMenuChoices {
  status: TaskStatus;
  /** The tags the card can move to (all but the one shown). */
  otherTags: string[];
  setStatus(status: TaskStatus): void;
  moveToTag(tag: string): void;
  remove(): void;
}

const ITEM = '[role^="menuitem"]';

export class CardMenu {
  readonly element = el('div', { class: 'move-menu', role: 'menu', 'aria-label': 'Task actions', hidden: true, 'data-move-menu-list': '' });
  private returnFocusTo: HTMLElement | undefined;

  constructor() {
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('focusout', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.close(false);
    });
  }

  open(anchor: HTMLElement, choices: CardMenuChoices): void {
    this.returnFocusTo = anchor;
    const item = (label: Parameters<typeof button>[0], onPick: () => void, attributes: Record<string, string | number>) =>
      button(
        label,
        () => {
          this.close(true);
          onPick();
        },
        { class: 'move-menu-item', role: 'menuitem', tabindex: -1, ...attributes },
      );
    const statuses = TASK_STATUSES.map((status) =>
      item([el('span', { 'aria-hidden': 'true' }, statusIcon(status)), ` ${STATUS_LABELS[status]}`], () => status !== choices.status && choices.setStatus(status), {
        role: 'menuitemradio',
        'aria-checked': String(status === choices.status),
        'data-move-to': status,
      }),
    );
    const tags = choices.otherTags.map((tag) => item(tag, () => choices.moveToTag(tag), { 'data-move-to-tag': tag }));
    this.element.replaceChildren(
      el('div', { class: 'move-menu-title', 'aria-hidden': 'true' }, 'Move to…'),
      ...statuses,
      ...(tags.length ? [el('div', { class: 'move-menu-separator', role: 'separator' }), el('div', { class: 'move-menu-title', 'aria-hidden': 'true' }, 'Move to tag…'), ...tags] : []),
      el('div', { class: 'move-menu-separator', role: 'separator' }),
      item('Remove task…', choices.remove, { 'data-remove-task': '' }),
    );
    this.element.hidden = false;
    const box = anchor.getBoundingClientRect();
    const menuHeight = this.element.offsetHeight;
    const top = box.bottom + menuHeight > window.innerHeight ? Math.max(0, box.top - menuHeight) : box.bottom;
    this.element.style.top = `${top + window.scrollY}px`;
    this.element.style.left = `${Math.min(box.left, window.innerWidth - this.element.offsetWidth - 4) + window.scrollX}px`;
    (statuses.find((status) => status.getAttribute('aria-checked') !== 'true') ?? statuses[0]).focus();
  }

  close(returnFocus: boolean): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    if (returnFocus) this.returnFocusTo?.focus();
    this.returnFocusTo = undefined;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const items = [...this.element.querySelectorAll<HTMLElement>(ITEM)];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step) items[(index + step + items.length) % items.length].focus();
    else if (event.key === 'Home') items[0].focus();
    else if (event.key === 'End') items[items.length - 1].focus();
    else if (event.key === 'Escape' || event.key === 'Tab') this.close(true);
    else return;
    event.preventDefault();
  }
}
