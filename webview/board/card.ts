/** One kanban card: id, title, priority, dependency state, subtask progress, complexity, next. */
import type { BoardCard } from '../../src/board/protocol';
import { plural } from '../../src/core/text';
import { el } from './dom';
import { cardDescription, priorityBadge } from './labels';

/** The card's element; `aiRunning` adds a "working" badge while an AI action runs on it. */
export function renderCard(card: BoardCard, aiRunning: boolean): HTMLElement {
  const element = el(
    'div',
    {
      class: `card priority-${card.priority}${card.isNext ? ' is-next' : ''}${card.blockedBy.length ? ' is-blocked' : ''}`,
      role: 'listitem',
      tabindex: 0,
      draggable: 'true',
      'data-task-id': card.id,
      'data-status': card.status,
      'aria-label': cardDescription(card, aiRunning),
      'aria-describedby': 'card-keys-hint',
    },
    el(
      'div',
      { class: 'card-head' },
      el('span', { class: 'card-id' }, `#${card.id}`),
      priorityBadge(card.priority),
      card.isNext && el('span', { class: 'badge next-badge' }, el('span', { 'aria-hidden': 'true' }, '★'), ' Next'),
      aiRunning && el('span', { class: 'badge ai-badge' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' AI working'),
      el('button', { type: 'button', class: 'card-menu-button icon-button', tabindex: -1, title: 'Move or remove…', 'aria-label': 'Move or remove…', 'data-move-menu': card.id }, '⋯'),
    ),
    el('div', { class: 'card-title' }, card.title),
  );

  const facts = [
    card.blockedBy.length > 0 &&
      el('span', { class: 'badge blocked-badge', title: `Waiting on ${card.blockedBy.map((id) => `#${id}`).join(', ')}` }, el('span', { 'aria-hidden': 'true' }, '⊘'), ` Blocked by ${card.blockedBy.length}`),
    card.complexity !== undefined && el('span', { class: 'badge complexity-badge', title: 'Complexity (1–10)' }, `Complexity ${card.complexity}`),
  ].filter((fact): fact is HTMLSpanElement => fact !== false);
  if (facts.length) element.append(el('div', { class: 'card-facts' }, ...facts));

  if (card.subtasksTotal > 0) {
    const bar = el('span', { class: 'progress-fill' });
    bar.style.width = `${Math.round((card.subtasksDone / card.subtasksTotal) * 100)}%`;
    element.append(
      el(
        'div',
        { class: 'card-progress' },
        el('span', { class: 'progress-track', 'aria-hidden': 'true' }, bar),
        el('span', { class: 'progress-text' }, `${card.subtasksDone}/${plural(card.subtasksTotal, 'subtask')}`),
      ),
    );
  }
  return element;
}
