import { allTasks, type Plan } from '../core/plan';

/**
 * Recognises a write that undid one of ours because its writer read the file before we wrote:
 * task-master reads tasks.json outside its lock and writes the whole tag back, so such a write
 * puts every task and subtask we changed back exactly as it was before our edit. A writer that
 * read our change and changed the same task again leaves it different from that (task-master
 * stamps `updatedAt`), and is left alone.
 */

type Fields = Record<string, unknown>;

/** A task or subtask one edit changed: which fields, and what it looked like before and after. */
export interface ChangedEntry {
  /** Tag and canonical id. */
  key: string;
  before: Fields | undefined;
  after: Fields | undefined;
  /** The fields that differ (empty when the entry was added or removed). */
  fields: string[];
}

/** Every task and subtask of the plan by tag and id, without the subtask list (each subtask is its own entry). */
function entries(plan: Plan): Map<string, Fields> {
  const byKey = new Map<string, Fields>();
  for (const [name, tag] of plan.tags) {
    for (const node of allTasks(tag)) {
      const { subtasks: _subtasks, ...fields } = node.raw as Fields;
      byKey.set(`${name}\u0000${node.id}`, fields);
    }
  }
  return byKey;
}

/**
 * A value as compared here: task-master rewrites ids and dependencies as strings (and subtask ids
 * as numbers) when it saves, which changes nothing a reader sees.
 */
function comparable(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'number' ? String(inner) : inner)) ?? 'undefined';
}

/** What an edit that turned `before` into `after` changed, task by task. */
export function changedEntries(before: Plan, after: Plan): ChangedEntry[] {
  const old = entries(before);
  const updated = entries(after);
  const changes: ChangedEntry[] = [];
  for (const key of new Set([...old.keys(), ...updated.keys()])) {
    const was = old.get(key);
    const now = updated.get(key);
    if (!was || !now) {
      if (was !== now) changes.push({ key, before: was, after: now, fields: [] });
      continue;
    }
    const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((field) => comparable(was[field]) !== comparable(now[field]));
    if (fields.length > 0) changes.push({ key, before: was, after: now, fields });
  }
  return changes;
}

/** The changed entries that `current` has put back exactly as they were before the edit. */
export function revertedEntries(changes: ChangedEntry[], current: Plan): ChangedEntry[] {
  const now = entries(current);
  return changes.filter((change) => {
    const entry = now.get(change.key);
    if (!change.before || !change.after) return (entry === undefined) === (change.before === undefined);
    return entry !== undefined && change.fields.every((field) => comparable(entry[field]) === comparable(change.before![field]));
  });
}

/** "task 3 in master" for messages. */
export function describeEntry(change: ChangedEntry): string {
  const [tag, id] = change.key.split('\u0000');
  return `${id.includes('.') ? 'subtask' : 'task'} ${id} in "${tag}"`;
}
