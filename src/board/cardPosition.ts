/**
 * Where a card dropped between two others goes. In Task Master a task's place is its id: `move
 * --from <id> --to <id>` gives it an id no task has (and lists it after the others), so a place
 * between two cards is a free id between theirs. Plain data, for the webview and its tests.
 */

/**
 * The id a task moving between `previous` and `next` (ids of the cards either side; none at an end)
 * takes: the first id between them that no task has. Undefined when the task already sits between
 * them (nothing to do). When none is free, the id right after `previous`, which a task has: the
 * extension then refuses it as Task Master does, saying why.
 */
export function positionBetween(moving: string, previous: string | undefined, next: string | undefined, taken: ReadonlySet<string>): string | undefined {
  const low = previous === undefined ? 0 : Number(previous);
  const high = next === undefined ? Infinity : Number(next);
  const own = Number(moving);
  if (own > low && own < high) return undefined;
  for (let id = low + 1; id < high; id++) if (!taken.has(String(id))) return String(id);
  return String(low + 1);
}
