/** The toolbar's filter: which cards the board shows and which nodes the graph keeps bright. */
import type { BoardCard } from '../../src/board/protocol';
import type { TaskPriority } from '../../src/core/task';

export interface CardFilter {
  /** Matched, case-insensitively, against the id (also as "#12"), title and description. */
  text: string;
  priority: TaskPriority | '';
}

export function isFilterActive(filter: CardFilter): boolean {
  return filter.text.trim() !== '' || filter.priority !== '';
}

export function matchesFilter(card: Pick<BoardCard, 'id' | 'title' | 'description' | 'priority'>, filter: CardFilter): boolean {
  if (filter.priority && card.priority !== filter.priority) return false;
  const needle = filter.text.trim().toLowerCase().replace(/^#/, '');
  if (!needle) return true;
  return card.id === needle || card.title.toLowerCase().includes(needle) || card.description.toLowerCase().includes(needle);
}
