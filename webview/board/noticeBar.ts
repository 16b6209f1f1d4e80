/** Messages above the board: errors from the extension and notes such as "task deleted". Each can be dismissed. */
import { button, el } from './dom';

const MAX_NOTICES = 3;

export class NoticeBar {
  readonly element = el('div', { class: 'notices', 'data-notices': '' });

  show(message: string, kind: 'error' | 'info'): void {
    // The same message again (e.g. a retried save) moves to the top instead of stacking.
    for (const existing of [...this.element.children]) if (existing.getAttribute('data-message') === message) existing.remove();
    const notice = el(
      'div',
      { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-notice': kind, 'data-message': message },
      el('span', { class: 'notice-icon', 'aria-hidden': 'true' }, kind === 'error' ? '⚠' : 'ℹ'),
      el('span', { class: 'notice-text' }, message),
      button('✕', () => notice.remove(), { class: 'icon-button', 'aria-label': 'Dismiss', title: 'Dismiss', 'data-dismiss': '' }),
    );
    this.element.prepend(notice);
    while (this.element.children.length > MAX_NOTICES) this.element.lastElementChild?.remove();
  }
}
