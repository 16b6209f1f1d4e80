import { canonicalId } from './ids';
import { withNote } from './operations';
import { DEFAULT_TAG, readPlan, type Plan } from './plan';
import { sameJson } from './sameJson';
import { effectivePriority, effectiveStatus, TASK_PRIORITIES, type TaskStatus } from './task';
import { validatePlan } from './validation';

/**
 * A three-way merge of tasks.json by tag and task id, for git's merge driver and for a file that
 * was merged without it. Base is the common ancestor (absent: both sides are compared only with
 * each other), ours is the branch merged into, theirs the branch merged in. The rules, which the
 * README repeats:
 * - Tasks (and subtasks within their parent) are matched by id. Added on either side: kept. The
 *   same new id added on both sides for different tasks (different titles): theirs is renumbered
 *   after the highest id, with every dependency on it remapped.
 * - A task changed on both sides is merged field by field against the base. A field changed two
 *   ways: status takes the further one (STATUS_PRECEDENCE), priority the higher one, dependencies
 *   are merged as sets; title, description, details and test strategy keep ours and theirs' text
 *   goes into details as an `<info added on …>` note (details that both sides only appended to
 *   keep both additions); anything else keeps ours.
 * - Deleted on one side and changed on the other: the changed one is kept. Deleted on one side
 *   and unchanged on the other: deleted. The same for tags.
 * - Order: ours, unless only theirs reordered; an addition goes before its successor, else at the end.
 * - The result is repaired to a valid plan: dependencies on tasks that no longer exist, on the
 *   task itself, or that close a cycle are dropped, and tag metadata counts are recomputed.
 * Every decision that was not a clean merge is returned as a note.
 */

type JsonObject = Record<string, unknown>;

export interface MergeNote {
  tag?: string;
  taskId?: string;
  message: string;
}

export interface PlanMerge {
  data: JsonObject;
  notes: MergeNote[];
}

export interface MergeSides {
  base?: unknown;
  ours: unknown;
  theirs: unknown;
}

/** The merged plan would not validate (the sides themselves hold tasks without ids, duplicate ids…). */
export class PlanMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanMergeError';
  }

  static is(error: unknown): error is PlanMergeError {
    return error instanceof PlanMergeError;
  }
}

/**
 * Status conflicts: the later in this list wins. Settled beats open, and done beats cancelled
 * (the work exists); among open statuses the one with more work behind it wins, and blocked or
 * deferred beat pending because someone decided them. Unknown statuses lose to all.
 */
export const STATUS_PRECEDENCE: readonly TaskStatus[] = ['pending', 'deferred', 'blocked', 'in-progress', 'review', 'cancelled', 'done'];

const TEXT_FIELDS: ReadonlySet<string> = new Set(['title', 'description', 'details', 'testStrategy']);

/** Repair rounds: each removes at least one bad dependency, so a plan needing more is pathological. */
const MAX_REPAIR_ROUNDS = 1000;

export function mergePlans(sides: MergeSides, now: Date): PlanMerge {
  const [ours, theirs] = [readPlan(structuredClone(sides.ours)), readPlan(structuredClone(sides.theirs))];
  const base = sides.base === undefined ? undefined : readPlan(structuredClone(sides.base));
  const merger = new PlanMerger(now);
  const merged = merger.mergeRoot(asTagged(base), asTagged(ours)!, asTagged(theirs)!);
  merger.repairDependencies(merged);
  recountTags(merged);
  const legacy = [base, ours, theirs].every((plan) => plan === undefined || plan.format === 'legacy');
  const data = legacy && isObject(merged[DEFAULT_TAG]) ? (merged[DEFAULT_TAG] as JsonObject) : merged;
  const errors = validatePlan(readPlan(data)).problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) throw new PlanMergeError(`the merged plan would not be valid: ${errors.map((error) => error.message).join(' ')}`);
  return { data, notes: merger.notes };
}

/** A flat (pre-tag) plan is its "master" tag: a branch that moved to tags merges with one that did not. */
function asTagged(plan: Plan | undefined): JsonObject | undefined {
  if (!plan) return undefined;
  return plan.format === 'legacy' ? { [DEFAULT_TAG]: plan.data } : plan.data;
}

class PlanMerger {
  readonly notes: MergeNote[] = [];

  constructor(private readonly now: Date) {}

  private note(message: string, tag?: string, taskId?: string): void {
    this.notes.push({ tag, taskId, message });
  }

  mergeRoot(base: JsonObject | undefined, ours: JsonObject, theirs: JsonObject): JsonObject {
    const out: JsonObject = {};
    for (const key of unionKeys(ours, theirs)) {
      const [b, o, t] = [base?.[key], ours[key], theirs[key]];
      const value = [b, o, t].some(isTagBlock) ? this.mergeTag(key, b, o, t) : this.mergeValue(b, o, t, `top-level field "${key}"`);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  private mergeTag(name: string, base: unknown, ours: unknown, theirs: unknown): unknown {
    if (ours === undefined || theirs === undefined) return this.oneSided(base, ours, theirs, `tag "${name}"`, name);
    if (!isTagBlock(ours) || !isTagBlock(theirs)) return this.mergeValue(base, ours, theirs, `tag "${name}"`, name);
    const b = isTagBlock(base) ? base : undefined;
    const out: JsonObject = {};
    for (const key of unionKeys(ours, theirs)) {
      const [bv, ov, tv] = [b?.[key], ours[key], theirs[key]];
      let value: unknown;
      if (key === 'tasks') value = this.mergeTasks(name, list(bv), ours.tasks, theirs.tasks);
      else if (key === 'metadata' && isObject(ov) && isObject(tv)) value = mergeMetadata(isObject(bv) ? bv : undefined, ov, tv);
      else value = this.mergeValue(bv, ov, tv, `field "${key}" of tag "${name}"`, name);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** Present on one side only: added there, or deleted on the other (kept when it was also changed). */
  private oneSided(base: unknown, ours: unknown, theirs: unknown, what: string, tag?: string, taskId?: string): unknown {
    const present = ours ?? theirs;
    if (base === undefined || present === undefined) return present;
    if (sameJson(base, present)) return undefined;
    const [kept, deleter] = ours === undefined ? ['theirs', 'ours'] : ['ours', 'theirs'];
    this.note(`${what} was deleted on ${deleter} and changed on ${kept}: kept, with ${kept}' changes.`, tag, taskId);
    return present;
  }

  private mergeTasks(tag: string, base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] {
    const moved = this.followMoves(tag, base, ours, theirs);
    const renumbered = structuredClone(moved.theirs);
    this.renumberCollisions(tag, moved.base, moved.ours, renumbered);
    return this.mergeList(tag, undefined, moved.base, moved.ours, renumbered);
  }

  /**
   * A task one branch renumbered (task-master's `move --from 5 --to 9`: the same task under an id
   * the base did not have, its own references to 5 now 9) is renumbered on the other branch and in
   * the base too, dependencies on it included, so the other branch's changes to task 5 land on task
   * 9. Only the base's task 5, still there on the other branch under its title, follows: when that
   * branch deleted it, gave 5 to another task, moved it too, or has a task 9 of its own, it stays a
   * deletion of 5 and an addition of 9. Returns copies where something moved.
   */
  private followMoves(tag: string, base: unknown[], ours: unknown[], theirs: unknown[]): { base: unknown[]; ours: unknown[]; theirs: unknown[] } {
    const sides = { base, ours, theirs };
    const copied = new Set<keyof typeof sides>();
    const baseTasks = keyed(base);
    const [ourMoves, theirMoves] = [renumberings(base, ours), renumberings(base, theirs)];
    for (const [mover, other, moves, otherMoves] of [['theirs', 'ours', theirMoves, ourMoves], ['ours', 'theirs', ourMoves, theirMoves]] as const) {
      for (const [from, to] of moves) {
        const otherTasks = keyed(sides[other]);
        if (otherMoves.has(from) || otherTasks.has(to) || !sameTask(otherTasks.get(from), baseTasks.get(from))) continue;
        for (const name of ['base', other] as const) {
          if (!copied.has(name)) sides[name] = structuredClone(sides[name]);
          copied.add(name);
          renumberTask(sides[name], from, to);
        }
        this.note(`task ${from} was moved to ${to} on ${mover}: ${other}' changes to it follow it there.`, tag, to);
      }
    }
    return sides;
  }

  /**
   * Theirs' tasks (and subtasks) that took an id ours also took for a different new task move to
   * fresh ids after every id ours has, with theirs' later additions so they keep their order, and
   * theirs' dependencies follow them. Changes `theirs` in place.
   */
  private renumberCollisions(tag: string, base: unknown[], ours: unknown[], theirs: unknown[]): void {
    const [baseTasks, ourTasks] = [keyed(base), keyed(ours)];
    const taskIds = renumberAdditions(base, ours, theirs);
    for (const [from, to] of taskIds) this.note(`task ${from} was added on both branches: theirs ("${titleOf(theirs, to)}") is now task ${to}.`, tag, to);
    const subtaskIds = new Map<string, string>();
    for (const task of theirs) {
      const key = idKey(task);
      if (!isObject(task) || key === undefined || !ourTasks.has(key)) continue;
      const subs = list(task.subtasks);
      const renumbered = renumberAdditions(list(asObject(baseTasks.get(key))?.subtasks), list(asObject(ourTasks.get(key))?.subtasks), subs);
      for (const [from, to] of renumbered) {
        subtaskIds.set(`${key}.${from}`, `${key}.${to}`);
        this.note(`subtask ${key}.${from} was added on both branches: theirs ("${titleOf(subs, to)}") is now ${key}.${to}.`, tag, `${key}.${to}`);
      }
    }
    if (taskIds.size > 0 || subtaskIds.size > 0) remapIds(theirs, taskIds, subtaskIds);
  }

  /** Tasks of a tag (parent undefined) or subtasks of one task, matched by id. */
  private mergeList(tag: string, parent: string | undefined, base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] {
    const [b, o, t] = [keyed(base), keyed(ours), keyed(theirs)];
    const merged = new Map<string, unknown>();
    for (const key of new Set([...o.keys(), ...t.keys()])) {
      const id = parent === undefined ? key : `${parent}.${key}`;
      const [bv, ov, tv] = [b.get(key), o.get(key), t.get(key)];
      const value =
        ov !== undefined && tv !== undefined ? this.mergeTask(tag, id, bv, ov, tv) : this.oneSided(bv, ov, tv, `${parent ? 'subtask' : 'task'} ${id}`, tag, id);
      if (value !== undefined) merged.set(key, value);
    }
    return mergeOrder([...b.keys()], [...o.keys()], [...t.keys()], merged);
  }

  private mergeTask(tag: string, id: string, base: unknown, ours: unknown, theirs: unknown): unknown {
    if (!isObject(ours) || !isObject(theirs)) return this.mergeValue(base, ours, theirs, `task ${id}`, tag, id);
    const b = isObject(base) ? base : undefined;
    const out: JsonObject = {};
    const theirText: string[] = [];
    for (const key of unionKeys(ours, theirs)) {
      const [bv, ov, tv] = [b?.[key], ours[key], theirs[key]];
      let value: unknown;
      if (key === 'subtasks' && Array.isArray(ov) && Array.isArray(tv)) value = this.mergeList(tag, id, list(bv), ov, tv);
      else if (key === 'dependencies' && Array.isArray(ov) && Array.isArray(tv)) value = mergeIdSets(list(bv), ov, tv);
      else if (sameJson(ov, tv) || sameJson(bv, ov)) value = tv;
      else if (sameJson(bv, tv)) value = ov;
      else value = this.resolveField(tag, id, key, bv, ov, tv, theirText);
      if (value !== undefined) out[key] = value;
    }
    if (theirText.length > 0) {
      const note = `Merged from another branch, where this task read differently:\n${theirText.join('\n')}`;
      out.details = withNote(typeof out.details === 'string' ? out.details : '', note, this.now);
    }
    return out;
  }

  /** A field both sides changed, each its own way. Text theirs had is added to `theirText` for the note. */
  private resolveField(tag: string, id: string, key: string, base: unknown, ours: unknown, theirs: unknown, theirText: string[]): unknown {
    const say = (how: string) => this.note(`task ${id}: ${key} changed on both branches (ours ${show(ours)}, theirs ${show(theirs)}): ${how}.`, tag, id);
    if (key === 'status') {
      const further = rank(STATUS_PRECEDENCE, effectiveStatus(theirs), theirs) > rank(STATUS_PRECEDENCE, effectiveStatus(ours), ours) ? theirs : ours;
      say(`kept ${show(further)}, the further one`);
      return further;
    }
    if (key === 'priority') {
      const higher = rank(TASK_PRIORITIES, effectivePriority(theirs), theirs) > rank(TASK_PRIORITIES, effectivePriority(ours), ours) ? theirs : ours;
      say(`kept ${show(higher)}, the higher one`);
      return higher;
    }
    if (key === 'details' && typeof base === 'string' && base !== '' && typeof ours === 'string' && typeof theirs === 'string' && ours.startsWith(base) && theirs.startsWith(base)) {
      return ours + theirs.slice(base.length);
    }
    if (TEXT_FIELDS.has(key)) {
      say(`kept ours, theirs added to the details as a note`);
      theirText.push(`${key}: ${typeof theirs === 'string' ? theirs : show(theirs)}`);
      return ours;
    }
    return this.mergeValue(base, ours, theirs, `field "${key}" of task ${id}`, tag, id);
  }

  /** Any other JSON value: three-way, objects key by key, ours where both changed it. */
  private mergeValue(base: unknown, ours: unknown, theirs: unknown, what: string, tag?: string, taskId?: string): unknown {
    if (sameJson(ours, theirs) || sameJson(base, ours)) return theirs;
    if (sameJson(base, theirs)) return ours;
    if (isObject(ours) && isObject(theirs)) {
      const b = isObject(base) ? base : undefined;
      const out: JsonObject = {};
      for (const key of unionKeys(ours, theirs)) {
        const value = this.mergeValue(b?.[key], ours[key], theirs[key], `${what}, key "${key}"`, tag, taskId);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    this.note(`${what} changed on both branches: kept ours.`, tag, taskId);
    return ours;
  }

  /** Drops what validation rejects (a dependency on a deleted task, on itself, closing a cycle) until nothing is left. */
  repairDependencies(data: JsonObject): void {
    for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
      const plan = readPlan(data);
      const invalid = validatePlan(plan).invalidDependencies;
      if (invalid.length === 0) return;
      const drop = new Map<JsonObject, Set<number>>();
      for (const entry of invalid) {
        const task = plan.tags.get(entry.tag)?.byId.get(entry.taskId);
        if (!task) continue;
        const raw = task.raw as JsonObject;
        drop.set(raw, (drop.get(raw) ?? new Set()).add(entry.index));
        const why = entry.reason === 'missing' ? 'it no longer exists' : entry.reason === 'self' ? 'it is the task itself' : 'it closed a dependency cycle';
        this.note(`task ${entry.taskId}: dropped the dependency on ${entry.dependency}: ${why}.`, entry.tag, entry.taskId);
      }
      for (const [raw, indexes] of drop) raw.dependencies = list(raw.dependencies).filter((_, index) => !indexes.has(index));
    }
  }
}

/** Keeps `taskCount` and `completedCount` true where a tag's metadata has them, as the status commands do. */
function recountTags(data: JsonObject): void {
  for (const tag of readPlan(data).tags.values()) {
    const metadata = tag.metadata;
    if (!metadata) continue;
    if ('taskCount' in metadata) metadata.taskCount = tag.tasks.length;
    if ('completedCount' in metadata) metadata.completedCount = tag.tasks.filter((task) => task.status === 'done').length;
  }
}

/** Tag metadata: stamps take the later `updated`/`lastModified` and the earlier `created`; otherwise ours. */
function mergeMetadata(base: JsonObject | undefined, ours: JsonObject, theirs: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of unionKeys(ours, theirs)) {
    const [bv, ov, tv] = [base?.[key], ours[key], theirs[key]];
    let value: unknown;
    if (sameJson(ov, tv) || sameJson(bv, ov)) value = tv;
    else if (sameJson(bv, tv)) value = ov;
    else if ((key === 'updated' || key === 'lastModified') && typeof ov === 'string' && typeof tv === 'string') value = ov > tv ? ov : tv;
    else if (key === 'created' && typeof ov === 'string' && typeof tv === 'string') value = ov < tv ? ov : tv;
    else value = ov;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Dependencies as sets: each side's additions kept, each side's removals applied. */
function mergeIdSets(base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] {
  const ids = (values: unknown[]) => new Set(values.map(canonicalId));
  const [b, o, t] = [ids(base), ids(ours), ids(theirs)];
  const removed = (id: string) => b.has(id) && (!o.has(id) || !t.has(id));
  const out = ours.filter((dep) => !removed(canonicalId(dep)));
  const have = ids(out);
  for (const dep of theirs) {
    const id = canonicalId(dep);
    if (have.has(id) || removed(id)) continue;
    out.push(dep);
    have.add(id);
  }
  return out;
}

/**
 * The merged order: ours, unless only theirs reordered what all three share. An entry only the
 * other side has goes before its successor there, or at the end when it has none (where Task
 * Master appends new tasks), keeping runs of additions in their order.
 */
function mergeOrder(base: string[], ours: string[], theirs: string[], merged: Map<string, unknown>): unknown[] {
  const [inOurs, inTheirs] = [new Set(ours), new Set(theirs)];
  const inAll = new Set(base.filter((key) => inOurs.has(key) && inTheirs.has(key)));
  const shared = (keys: string[]) => keys.filter((key) => inAll.has(key));
  const reordered = (keys: string[]) => !sameJson(shared(keys), shared(base));
  const [first, second] = reordered(theirs) && !reordered(ours) ? [theirs, ours] : [ours, theirs];
  const order = first.filter((key) => merged.has(key));
  const placed = new Set(order);
  const end = order.length;
  let successor: string | undefined;
  for (let index = second.length - 1; index >= 0; index--) {
    const key = second[index];
    if (merged.has(key) && !placed.has(key)) {
      order.splice(successor === undefined ? end : order.indexOf(successor), 0, key);
      placed.add(key);
    }
    if (placed.has(key)) successor = key;
  }
  return order.map((key) => merged.get(key));
}

/**
 * When theirs added an entry under an id ours added for something else, theirs' additions from
 * that id on get new ids after the highest id any side has, in theirs' order. Changes the ids in
 * `theirs`; returns old id to new id.
 */
function renumberAdditions(base: unknown[], ours: unknown[], theirs: unknown[]): Map<string, string> {
  const [baseIds, ourEntries] = [keyed(base), keyed(ours)];
  const added = theirs.filter((entry): entry is JsonObject => isObject(entry) && idKey(entry) !== undefined && !baseIds.has(idKey(entry)!));
  const collisions = added.filter((entry) => {
    const mine = ourEntries.get(idKey(entry)!);
    return mine !== undefined && !sameTask(mine, entry);
  });
  const renumbered = new Map<string, string>();
  if (collisions.length === 0) return renumbered;
  const numeric = (entry: unknown) => Number(idKey(entry));
  const from = Math.min(...collisions.map(numeric).filter(Number.isFinite));
  const moving = added.filter((entry) => collisions.includes(entry) || numeric(entry) >= from);
  let next = highestId([...base, ...ours, ...theirs.filter((entry) => !moving.includes(entry as JsonObject))]) + 1;
  for (const entry of moving) {
    const id = next++;
    renumbered.set(idKey(entry)!, String(id));
    entry.id = typeof entry.id === 'string' ? String(id) : id;
  }
  return renumbered;
}

function titleOf(entries: unknown[], id: string): string {
  const entry = entries.find((candidate) => idKey(candidate) === id);
  return isObject(entry) ? String(entry.title) : '';
}

/**
 * A side's task ids that changed between the base and it with nothing else about the task changed
 * (its references to itself follow the new id): old id to new id, where exactly one new task
 * matches a task that is gone.
 */
function renumberings(base: unknown[], side: unknown[]): Map<string, string> {
  const [before, after] = [keyed(base), keyed(side)];
  const added = [...after].filter(([key, entry]) => !before.has(key) && isObject(entry));
  const found = new Map<string, string>();
  for (const [from, entry] of before) {
    if (after.has(from) || !isObject(entry)) continue;
    const matches = added.filter(([to, candidate]) => {
      const moved = [structuredClone(entry)];
      renumberTask(moved, from, to);
      return sameJson(moved[0], candidate);
    });
    if (matches.length === 1) found.set(from, matches[0][0]);
  }
  // Two tasks gone that read the same cannot tell which went where.
  const targets = [...found.values()];
  for (const [from, to] of found) if (targets.indexOf(to) !== targets.lastIndexOf(to)) found.delete(from);
  return found;
}

/** Gives task `from` of `tasks` the id `to`, and every reference to it (and to its subtasks) too. Changes `tasks` in place. */
function renumberTask(tasks: unknown[], from: string, to: string): void {
  for (const task of tasks) if (isObject(task) && idKey(task) === from) task.id = sameType(task.id, to);
  remapIds(tasks, new Map([[from, to]]), new Map());
}

/** Rewrites a side's dependencies after renumbering: task ids, "<task>.<sub>" ids, and sibling numbers. */
function remapIds(tasks: unknown[], taskIds: Map<string, string>, subtaskIds: Map<string, string>): void {
  const remap = (dep: unknown, parent?: string): unknown => {
    let id = canonicalId(dep);
    if (parent !== undefined && !id.includes('.')) {
      const sibling = subtaskIds.get(`${parent}.${id}`);
      return sibling === undefined ? dep : sameType(dep, sibling.slice(sibling.lastIndexOf('.') + 1));
    }
    const dot = id.indexOf('.');
    const head = dot < 0 ? id : id.slice(0, dot);
    if (taskIds.has(head)) id = taskIds.get(head)! + (dot < 0 ? '' : id.slice(dot));
    id = subtaskIds.get(id) ?? id;
    return id === canonicalId(dep) ? dep : sameType(dep, id);
  };
  for (const task of tasks) {
    if (!isObject(task)) continue;
    const parent = idKey(task);
    if (Array.isArray(task.dependencies)) task.dependencies = task.dependencies.map((dep) => remap(dep));
    for (const sub of list(task.subtasks)) {
      if (!isObject(sub)) continue;
      if (Array.isArray(sub.dependencies)) sub.dependencies = sub.dependencies.map((dep) => remap(dep, parent));
      if (sub.parentTaskId !== undefined && parent !== undefined) sub.parentTaskId = sameType(sub.parentTaskId, parent);
    }
  }
}

/** A new id written as the old one was: a number stays a number (when it can), a string a string. */
function sameType(old: unknown, id: string): unknown {
  return typeof old === 'number' && /^\d+$/.test(id) ? Number(id) : id;
}

function rank(order: readonly string[], effective: string, raw: unknown): number {
  // An unknown value reads as the default, but must not beat a real choice.
  return typeof raw === 'string' && (raw === effective || (raw === 'completed' && effective === 'done')) ? order.indexOf(effective) : -1;
}

/** Both sides added this task under one id: the same task when its title is the same. */
function sameTask(ours: unknown, theirs: unknown): boolean {
  if (sameJson(ours, theirs)) return true;
  const title = (task: unknown) => (isObject(task) && typeof task.title === 'string' ? task.title.trim() : '');
  return title(ours) !== '' && title(ours) === title(theirs);
}

/** The id a task or subtask is matched by: canonical, the last segment of a dotted subtask id. */
function idKey(entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  const id = entry.id;
  if (!((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== ''))) return undefined;
  const canonical = canonicalId(id);
  return canonical.slice(canonical.lastIndexOf('.') + 1);
}

/**
 * Entries by id. One without a usable id is matched by its content; an exact repeat is one entry;
 * a repeated id with other content gets a suffix so no entry is lost (validation reports it).
 */
function keyed(entries: Iterable<unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const entry of entries) {
    let key = idKey(entry) ?? `#${JSON.stringify(entry)}`;
    if (out.has(key) && sameJson(out.get(key), entry)) continue;
    for (let n = 2; out.has(key); n++) key = `${idKey(entry) ?? '#'}#${n}`;
    out.set(key, entry);
  }
  return out;
}

function highestId(entries: Iterable<unknown>): number {
  let highest = 0;
  for (const entry of entries) {
    const key = idKey(entry);
    if (key !== undefined && /^\d+$/.test(key)) highest = Math.max(highest, Number(key));
  }
  return highest;
}

/** Keys of ours in their order, then those only theirs has. */
function unionKeys(ours: JsonObject, theirs: JsonObject): string[] {
  return [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

function isTagBlock(value: unknown): value is JsonObject & { tasks: unknown[] } {
  return isObject(value) && Array.isArray(value.tasks);
}
