/**
 * The "Move to…" menu of a card: every status, the card's own one marked. One menu serves all cards;
 * it opens by the card's ⋯ button, the context menu, Shift+F10 or M, and gives focus back on close.
 */
import { TASK_STATUSES, type TaskStatus } from '../../src/core/task';
import { button, el } from './dom';
import { STATUS_LABELS, statusIcon } from './labels';

export class MoveMenu {
  readonly element = el('div', { class: 'move-menu', role: 'menu', 'aria-label': 'Move task to', hidden: true, 'data-move-menu-list': '' });
  private returnFocusTo: HTMLElement | undefined;

  constructor() {
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('focusout', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.close(false);
    });
  }

  open(anchor: HTMLElement, current: TaskStatus, onPick: (status: TaskStatus) => void): void {
    this.returnFocusTo = anchor;
    const items = TASK_STATUSES.map((status) =>
      button(
        [el('span', { 'aria-hidden': 'true' }, statusIcon(status)), ` ${STATUS_LABELS[status]}`],
        () => {
          this.close(true);
          if (status !== current) onPick(status);
        },
        { class: 'move-menu-item', role: 'menuitemradio', 'aria-checked': String(status === current), tabindex: -1, 'data-move-to': status },
      ),
    );
    this.element.replaceChildren(el('div', { class: 'move-menu-title', 'aria-hidden': 'true' }, 'Move to…'), ...items);
        this.element.hidden = false;
    const box = anchor.getBoundingClientRect();
    const menuHeight = this.element.offsetHeight;
    const top = box.bottom + menuHeight > window.innerHeight ? Math.max(0, box.top - menuHeight) : box.bottom;
    this.element.style.top = `${top + window.scrollY}px`;
    this.element.style.left = `${Math.min(box.left, window.innerWidth - this.element.offsetWidth - 4) + window.scrollX}px`;
    (items.find((item) => item.getAttribute('aria-checked') !== 'true') ?? items[0]).focus();
  }

  close(returnFocus: boolean): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    if (returnFocus) this.returnFocusTo?.focus();
    this.returnFocusTo = undefined;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const items = [...this.element.querySelectorAll<HTMLElement>('[role="menuitemradio"]')];
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
