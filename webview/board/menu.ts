/**
 * The board's pop-up menu, for cards and tag chips alike: items, titles and separators, placed
 * under (or above) the element it opens from. Arrow keys, Home and End move between items; Escape
 * and Tab close it; it gives focus back to that element on close.
 */
import { button, el, type Attributes, type Child } from './dom';

export type MenuEntry =
  | { kind: 'item'; label: Child | Child[]; onPick(): void; attributes: Attributes }
  | { kind: 'title'; label: string }
  | { kind: 'separator' };

const ITEM = '[role^="menuitem"]';

export class PopupMenu {
  readonly element: HTMLElement;
  private returnFocusTo: HTMLElement | undefined;

  constructor(attributes: Attributes) {
    this.element = el('div', { class: 'move-menu', role: 'menu', hidden: true, ...attributes });
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('focusout', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.close(false);
    });
  }

  /** Shows the entries by `anchor`, focusing the first item not marked checked (the first that changes something). */
  open(anchor: HTMLElement, entries: MenuEntry[]): void {
    this.returnFocusTo = anchor;
    this.element.replaceChildren(...entries.map((entry) => this.render(entry)));
    this.element.hidden = false;
    const box = anchor.getBoundingClientRect();
    const menuHeight = this.element.offsetHeight;
    const top = box.bottom + menuHeight > window.innerHeight ? Math.max(0, box.top - menuHeight) : box.bottom;
    this.element.style.top = `${top + window.scrollY}px`;
    this.element.style.left = `${Math.min(box.left, window.innerWidth - this.element.offsetWidth - 4) + window.scrollX}px`;
    const items = this.items();
    (items.find((item) => item.getAttribute('aria-checked') !== 'true') ?? items[0])?.focus();
  }

  close(returnFocus: boolean): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    if (returnFocus) this.returnFocusTo?.focus();
    this.returnFocusTo = undefined;
  }

  private render(entry: MenuEntry): HTMLElement {
    if (entry.kind === 'title') return el('div', { class: 'move-menu-title', 'aria-hidden': 'true' }, entry.label);
    if (entry.kind === 'separator') return el('div', { class: 'move-menu-separator', role: 'separator' });
    const pick = () => {
      this.close(true);
      entry.onPick();
    };
    return button(entry.label, pick, { class: 'move-menu-item', role: 'menuitem', tabindex: -1, ...entry.attributes });
  }

  private items(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>(ITEM)];
  }

  private onKeyDown(event: KeyboardEvent): void {
    const items = this.items();
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
