import { JsonScanner } from '../../src/store/jsonScanner';

/**
 * Comparing a tasks.json written by task-master with one written by tml. Task Master rewrites
 * the whole file its own way; what counts is the plan, so both are reduced to what means the same:
 * - timestamps are dropped (`updatedAt`, `createdAt`, a tag's `created`/`updated`/`lastModified`,
 *   the `date` of `renamed`/`copiedFrom`);
 * - ids and dependencies are compared as the tasks they name: 3 and "3" are one task, and in a
 *   subtask 2 and "5.2" are the same sibling (Task Master's own reading);
 * - a task without `dependencies` or `subtasks` is a task with none (task-master's set-status
 *   writes the empty lists into every task of the tag);
 * - `parentId: "undefined"`, which task-master's set-status writes on every subtask it saves
 *   (a bug: README, "Differences from task-master");
 * - a tag's metadata is compared on the keys both files have: task-master's set-status replaces
 *   it with its own fields and drops `created` and `description` (README); its next whole-file
 *   write fills the lost description in as "Tasks for <tag> context", which is set aside too;
 * - the `timestamp` of each `metadata.moveHistory` entry a move to another tag records.
 */
const TIMESTAMP_KEYS = new Set(['updatedAt', 'createdAt', 'created', 'updated', 'lastModified']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idValue(raw: unknown): unknown {
  return typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

function dependencyValue(raw: unknown, parentId: unknown): unknown {
  const id = idValue(raw);
  return parentId !== undefined && typeof id === 'number' ? `${String(idValue(parentId))}.${id}` : id;
}

function normalizeTask(task: Json, parentId?: unknown): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(task)) {
    if (TIMESTAMP_KEYS.has(key)) continue;
    if (key === 'parentId' && value === 'undefined') continue;
    if (key === 'id') out.id = idValue(value);
    else if (key === 'dependencies' && Array.isArray(value)) out.dependencies = value.map((dep) => dependencyValue(dep, parentId));
    else if (key === 'subtasks' && Array.isArray(value)) out.subtasks = value.map((sub) => (isObject(sub) ? normalizeTask(sub, task.id) : sub));
    else if (key === 'metadata' && isObject(value) && Array.isArray(value.moveHistory)) {
      out.metadata = { ...value, moveHistory: value.moveHistory.map((entry) => (isObject(entry) ? withoutKey(entry, 'timestamp') : entry)) };
    }    else out[key] = value;
  }
  if (parentId === undefined) {
    out.dependencies ??= [];
    out.subtasks ??= [];
  }
  return out;
}

function normalizeMetadata(metadata: unknown): Json | undefined {
  if (!isObject(metadata)) return undefined;
  const out: Json = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (TIMESTAMP_KEYS.has(key)) continue;
    out[key] = isObject(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'date')) : value;
  }
  return out;
}

function withoutKey(object: Json, key: string): Json {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
}

export function normalizePlan(data: unknown): Json {
  const out: Json = {};
  if (!isObject(data)) return out;
  for (const [tag, block] of Object.entries(data)) {
    if (!isObject(block) || !Array.isArray(block.tasks)) {
      out[tag] = block;
      continue;
    }
    out[tag] = { tasks: block.tasks.map((task) => (isObject(task) ? normalizeTask(task) : task)), metadata: normalizeMetadata(block.metadata) };
  }
  return out;
}

/** Both plans normalized, each tag's metadata cut to the keys both have. */
export function comparablePlans(theirs: unknown, ours: unknown): { theirs: Json; ours: Json } {
  const a = normalizePlan(theirs);
  const b = normalizePlan(ours);
  for (const tag of Object.keys(a)) {
    const ma = (a[tag] as Json | undefined)?.metadata;
    const mb = (b[tag] as Json | undefined)?.metadata;
    if (!isObject(ma) || !isObject(mb)) {
      if (isObject(a[tag])) delete (a[tag] as Json).metadata;
      if (isObject(b[tag])) delete (b[tag] as Json).metadata;
      continue;
    }
    if (ma.description === `Tasks for ${tag} context` && mb.description !== ma.description) {
      delete ma.description;
      delete mb.description;
    }
    for (const key of Object.keys(ma)) if (!(key in mb)) delete ma[key];
    for (const key of Object.keys(mb)) if (!(key in ma)) delete mb[key];
  }
  return { theirs: a, ours: b };
}

/**
 * Every tag and every task (or subtask) whose value a step did not change must keep its exact
 * bytes in tml's file. Returns the paths that were rewritten although their value is the same.
 */
export function rewrittenButUnchanged(before: string, after: string): string[] {
  const old = JSON.parse(before) as Json;
  const now = JSON.parse(after) as Json;
  const beforeScan = new JsonScanner(before);
  const afterScan = new JsonScanner(after);
  const slice = (scanner: JsonScanner, text: string, path: Array<string | number>) => {
    const node = scanner.find(path);
    return node ? text.slice(node.offset, node.offset + node.length) : undefined;
  };
  const problems: string[] = [];
  const check = (path: Array<string | number>, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b) && slice(beforeScan, before, path) !== slice(afterScan, after, path)) problems.push(path.join('.'));
  };
  for (const [tag, block] of Object.entries(old)) {
    const next = now[tag];
    if (!isObject(block) || !isObject(next)) continue;
    check([tag], block, next);
    const tasks = Array.isArray(block.tasks) ? block.tasks : [];
    const nextTasks = Array.isArray(next.tasks) ? next.tasks : [];
    tasks.forEach((task, i) => {
      check([tag, 'tasks', i], task, nextTasks[i]);
      const subs = isObject(task) && Array.isArray(task.subtasks) ? task.subtasks : [];
      const nextSubs = isObject(nextTasks[i]) && Array.isArray((nextTasks[i] as Json).subtasks) ? ((nextTasks[i] as Json).subtasks as unknown[]) : [];
      subs.forEach((sub, j) => check([tag, 'tasks', i, 'subtasks', j], sub, nextSubs[j]));
    });
  }
  return problems;
}
