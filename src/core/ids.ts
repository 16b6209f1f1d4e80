import type { RawId } from './task';

/**
 * Task ids as Task Master writes them: a top-level task has a number (sometimes a string such as
 * "5"); a subtask is addressed as "<parent>.<sub>". Inside the extension every id is a canonical
 * string, so `5`, `"5"` and `" 5 "` are the same task.
 */
export function canonicalId(raw: RawId | unknown): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    return /^\d+$/.test(trimmed) ? String(Number(trimmed)) : trimmed;
  }
  return String(raw);
}

/** "1, 2,3.1" as ["1", "2", "3.1"]: Task Master's comma lists (of ids, statuses, dependencies). */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function subtaskId(parentId: string, rawSubId: RawId): string {
  const sub = canonicalId(rawSubId);
  // Some files store a subtask's own id already dotted ("3.2"); keep only its last segment.
  const last = sub.includes('.') ? sub.slice(sub.lastIndexOf('.') + 1) : sub;
  return `${parentId}.${last}`;
}

export function isSubtaskId(id: string): boolean {
  return id.includes('.');
}

export function parentOf(id: string): string | undefined {
  const dot = id.lastIndexOf('.');
  return dot < 0 ? undefined : id.slice(0, dot);
}

/** Orders ids numerically segment by segment ("2" < "10", "3.2" < "3.10"), then as text. */
export function compareIds(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    if (as[i] === undefined) return -1;
    if (bs[i] === undefined) return 1;
    const an = Number(as[i]);
    const bn = Number(bs[i]);
    if (Number.isFinite(an) && Number.isFinite(bn)) {
      if (an !== bn) return an - bn;
    } else if (as[i] !== bs[i]) {
      return as[i] < bs[i] ? -1 : 1;
    }
  }
  return 0;
}
