/**
 * State diffs for the board: after an edit the extension sends what changed (cards changed, added
 * or removed, and the few plan-wide fields that moved) instead of the whole state, and the webview
 * applies it to the state it holds, so one task's change costs one card, not a thousand. Pure:
 * both sides import it.
 */
import type { BoardCard, BoardDiff, BoardState } from './protocol';

export type PlanBoardState = Extract<BoardState, { kind: 'plan' }>;

/** A diff touching more than this share of the cards is sent as a full state instead. */
const MAX_CHANGED_SHARE = 0.5;

/** Deep equality of JSON values. Plain loops: it runs over every card of the board at each change. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], other[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    keys++;
    if (!(key in right) || !sameValue(left[key], right[key])) return false;
  }
  for (const _ in right) keys--;
  return keys === 0;
}

function sameOrder(a: readonly BoardCard[], b: readonly BoardCard[]): boolean {
  return a.length === b.length && a.every((card, i) => card.id === b[i].id);
}

/**
 * What turns `previous` into `next`; undefined when a full state is the better message: another
 * project or tag, or most cards changed.
 */
export function diffBoardStates(previous: PlanBoardState, next: PlanBoardState): BoardDiff | undefined {
  if (previous.projectUri !== next.projectUri || previous.project !== next.project || previous.tag !== next.tag) return undefined;
  const before = new Map(previous.cards.map((card) => [card.id, card]));
  const changed = next.cards.filter((card) => {
    const old = before.get(card.id);
    return !old || !sameValue(old, card);
  });
  const ids = new Set(next.cards.map((card) => card.id));
  const removed = previous.cards.filter((card) => !ids.has(card.id)).map((card) => card.id);
  if (changed.length + removed.length > next.cards.length * MAX_CHANGED_SHARE) return undefined;
  const diff: BoardDiff = { changed, removed };
  if (!sameOrder(previous.cards, next.cards)) diff.order = next.cards.map((card) => card.id);
  if (!sameValue(previous.tags, next.tags)) diff.tags = next.tags;
  if (!sameValue(previous.columns, next.columns)) diff.columns = next.columns;
  if (previous.nextId !== next.nextId) diff.nextId = next.nextId ?? null;
  const dashboard = changedFields(previous.dashboard, next.dashboard);
  if (dashboard) diff.dashboard = dashboard;
  return diff;
}

/** The fields of `next` that differ from `previous`'s; undefined when none does. */
function changedFields<T extends object>(previous: T, next: T): Partial<T> | undefined {
  let changed: Partial<T> | undefined;
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (sameValue(previous[key], next[key])) continue;
    changed ??= {};
    changed[key] = next[key];
  }
  return changed;
}

/** Whether the diff changes nothing (the extension then sends nothing). */
export function isEmptyDiff(diff: BoardDiff): boolean {
  return !diff.changed.length && !diff.removed.length && Object.keys(diff).length === 2;
}

/**
 * `state` with `diff` applied. Unchanged cards stay the same objects, so a view can tell what to
 * redraw by identity alone.
 */
export function applyBoardDiff(state: PlanBoardState, diff: BoardDiff): PlanBoardState {
  const removed = new Set(diff.removed);
  const byId = new Map(state.cards.filter((card) => !removed.has(card.id)).map((card) => [card.id, card]));
  for (const card of diff.changed) byId.set(card.id, card);
  // Cards added or removed change the order, so a diff without one keeps every card in place.
  const cards = diff.order ? diff.order.map((id) => byId.get(id)).filter((card): card is BoardCard => card !== undefined) : state.cards.map((card) => byId.get(card.id)!);
  const dashboard = diff.dashboard ? { ...state.dashboard, ...diff.dashboard } : state.dashboard;
  const next: PlanBoardState = { ...state, cards, tags: diff.tags ?? state.tags, columns: diff.columns ?? state.columns, dashboard };
  if (diff.nextId === null) delete next.nextId;
  else if (diff.nextId !== undefined) next.nextId = diff.nextId;
  return next;
}
