/**
 * Starting a blocked task is allowed (plans are not always up to date), but never silent: the board
 * says what the task still waits on, by id and title.
 */
import type { BoardCard } from '../../src/board/protocol';

/** What to tell the user when `id` is started while it waits on unfinished tasks; undefined when it waits on none. */
export function blockedStart(cards: readonly BoardCard[], id: string): string | undefined {
  const byId = new Map(cards.map((card) => [card.id, card]));
  const card = byId.get(id);
  if (!card?.blockedBy.length) return undefined;
  const waiting = card.blockedBy.map((dep) => {
    const title = byId.get(dep)?.title;
    return title === undefined ? `#${dep}` : `#${dep} “${title}”`;
  });
  return `Task #${card.id} “${card.title}” is blocked by ${waiting.join(', ')}; it was started anyway.`;
}
