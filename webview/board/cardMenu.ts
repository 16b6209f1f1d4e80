/**
 * A card's menu: "Move to…" every status (the card's own one marked), "Move to tag…" every other
 * tag, "Move to position…" (another id in its tag, as `task-master move --to`) and "Remove task…".
 * One menu serves all cards; it opens by the card's ⋯ button, the context menu, Shift+F10 or M.
 */
import { TASK_STATUSES, type TaskStatus } from '../../src/core/task';
import { el } from './dom';
import { STATUS_LABELS, statusIcon } from './labels';
import type { MenuEntry } from './menu';

/** What the menu offers for one card. */
export interface CardMenuChoices {
  status: TaskStatus;
  /** The tags the card can move to (all but the one shown). */
  otherTags: string[];
  setStatus(status: TaskStatus): void;
  moveToTag(tag: string): void;
  moveToPosition(): void;
  remove(): void;
}

export const CARD_MENU_ATTRIBUTES = { 'aria-label': 'Task actions', 'data-move-menu-list': '' };

export function cardMenuEntries(choices: CardMenuChoices): MenuEntry[] {
  const statuses = TASK_STATUSES.map((status): MenuEntry => ({
    kind: 'item',
    label: [el('span', { 'aria-hidden': 'true' }, statusIcon(status)), ` ${STATUS_LABELS[status]}`],
    onPick: () => status !== choices.status && choices.setStatus(status),
    attributes: { role: 'menuitemradio', 'aria-checked': String(status === choices.status), 'data-move-to': status },
  }));
  const tags = choices.otherTags.map((tag): MenuEntry => ({ kind: 'item', label: tag, onPick: () => choices.moveToTag(tag), attributes: { 'data-move-to-tag': tag } }));
  return [
    { kind: 'title', label: 'Move to…' },
    ...statuses,
    ...(tags.length ? [{ kind: 'separator' } as const, { kind: 'title', label: 'Move to tag…' } as const, ...tags] : []),
    { kind: 'separator' },
    { kind: 'item', label: 'Move to position…', onPick: choices.moveToPosition, attributes: { 'data-move-to-position': '' } },
    { kind: 'item', label: 'Remove task…', onPick: choices.remove, attributes: { 'data-remove-task': '' } },
  ];
}
