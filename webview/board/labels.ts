/**
 * How statuses and priorities read and look. Every colour on the board comes with one of these
 * words or symbols beside it, so no meaning is carried by colour alone.
 */
import type { BoardCard } from '../../src/board/protocol';
import type { TaskPriority, TaskStatus } from '../../src/core/task';
import { plural } from '../../src/core/text';
import { el } from './dom';

export const STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'Pending',
  'in-progress': 'In progress',
  review: 'Review',
  done: 'Done',
  deferred: 'Deferred',
  cancelled: 'Cancelled',
  blocked: 'Blocked',
};

const STATUS_ICONS: Record<TaskStatus, string> = {
  pending: '○',
  'in-progress': '◐',
  review: '◎',
  done: '✓',
  deferred: '◇',
  cancelled: '✕',
  blocked: '⊘',
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

const PRIORITY_ICONS: Record<TaskPriority, string> = { low: '↓', medium: '=', high: '↑', critical: '‼' };

/** The status as an icon and a word; its colour comes from the `status-<name>` class. */
export function statusBadge(status: TaskStatus): HTMLElement {
  return el('span', { class: `badge status-badge status-${status}` }, el('span', { 'aria-hidden': 'true' }, STATUS_ICONS[status]), ` ${STATUS_LABELS[status]}`);
}

export function priorityBadge(priority: TaskPriority): HTMLElement {
  return el(
    'span',
    { class: `badge priority-badge priority-${priority}`, title: `${PRIORITY_LABELS[priority]} priority` },
    el('span', { 'aria-hidden': 'true' }, PRIORITY_ICONS[priority]),
    ` ${PRIORITY_LABELS[priority]}`,
  );
}

export function statusIcon(status: TaskStatus): string {
  return STATUS_ICONS[status];
}

/** What a screen reader says for a card: everything its badges show, "AI working" included. */
export function cardDescription(card: BoardCard, aiRunning = false): string {
  const parts = [`Task ${card.id}: ${card.title}`, `Status ${STATUS_LABELS[card.status]}`, `Priority ${PRIORITY_LABELS[card.priority]}`];
  if (card.blockedBy.length) parts.push(`Blocked by ${plural(card.blockedBy.length, 'task')}: ${card.blockedBy.join(', ')}`);
  if (card.subtasksTotal) parts.push(`${card.subtasksDone} of ${plural(card.subtasksTotal, 'subtask')} done`);
  if (card.complexity !== undefined) parts.push(`Complexity ${card.complexity}`);
  if (card.isNext) parts.push('Next task');
  if (aiRunning) parts.push('AI working');
  return parts.join('. ');
}
