import { canonicalId, commaList, isSubtaskId, parentOf } from './ids';
import { OperationError, VerbatimJson, dependsOn, requireTag, requireTask, touchTag, type JsonEdit, type PlanOperation } from './operations';
import { resolveDependency, type JsonPath, type Plan, type TagView, type TaskNode } from './plan';

/**
 * Task-structure commands as task-master 0.43 makes them (remove-task, clear-subtasks,
 * remove-subtask, add-subtask --task-id, move): the same ids, places and fields. Unlike Task
 * Master, no dependency is left pointing at what moved or went: a dependency on a moved task or
 * subtask follows it to its new id, one on a removed one is dropped, and a moved task keeps what
 * its own dependencies meant (README, "Differences from task-master").
 *
 * Each command edits a draft of the tag's task list (plain objects, as Task Master does) and the
 * draft is written back with every unchanged task, subtask and field copied byte for byte.
 */
type Raw = Record<string, unknown>;

/** Where a draft object came from in the file, and its value there. */
interface Origin {
  path: JsonPath;
  value: unknown;
}

/** Shared by all drafts, so a task moved from one tag's draft to another's keeps its bytes. */
const origins = new WeakMap<object, Origin>();

class TagDraft {
  readonly tasks: Raw[];
  /** The id (canonical, before the change) of each draft task and subtask. */
  private readonly identity = new WeakMap<Raw, string>();

  constructor(
    plan: Plan,
    readonly view: TagView,
  ) {
    const block = (view.path.length ? plan.data[view.name] : plan.data) as Raw;
    this.tasks = this.clone(block.tasks, [...view.path, 'tasks']) as Raw[];
    for (const task of view.tasks) {
      const draft = this.tasks[task.path[task.path.length - 1] as number];
      this.identity.set(draft, task.id);
      for (const sub of task.subtasks) this.identity.set(subtasksOf(draft)[sub.path[sub.path.length - 1] as number], sub.id);
    }
  }

  private clone(value: unknown, path: JsonPath): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const copy: unknown = Array.isArray(value)
      ? value.map((item, index) => this.clone(item, [...path, index]))
      : Object.fromEntries(Object.entries(value).map(([key, member]) => [key, this.clone(member, [...path, key])]));
    origins.set(copy as object, { path, value });
    return copy;
  }

  /** Marks a new draft object as standing for the task or subtask that had `id` before the change. */
  adopt<T extends Raw>(draft: T, id: string): T {
    this.identity.set(draft, id);
    return draft;
  }

  idBefore(draft: Raw): string | undefined {
    return this.identity.get(draft);
  }

  find(id: string): Raw {
    const draft = this.tasks.find((task) => this.identity.get(task) === id) ?? this.tasks.flatMap(subtasksOf).find((sub) => this.identity.get(sub) === id);
    if (!draft) throw new Error(`Internal error: ${id} is not in the draft.`);
    return draft;
  }

  /** The draft as it should be written: what is unchanged is copied from the file. */
  emit(value: unknown = this.tasks): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const origin = origins.get(value);
    if (origin && sameSerialization(value, origin.value)) return new VerbatimJson(origin.path);
    if (Array.isArray(value)) return value.map((item) => this.emit(item));
    const before = origin?.value as Raw | undefined;
    return Object.fromEntries(
      Object.entries(value as Raw).map(([key, member]) =>
        origin && before && Object.hasOwn(before, key) && sameSerialization(member, before[key]) ? [key, new VerbatimJson([...origin.path, key])] : [key, this.emit(member)],
      ),
    );
  }
}

function subtasksOf(task: Raw): Raw[] {
  return Array.isArray(task.subtasks) ? (task.subtasks as Raw[]) : [];
}

/** Key order counts here: a draft that reorders keys is written as it now is, not copied. */
function sameSerialization(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The canonical id each draft task and subtask has now, by the id it had before the change. */
function currentIds(draft: TagDraft): Map<string, string> {
  const ids = new Map<string, string>();
  for (const task of draft.tasks) {
    const taskId = canonicalId(task.id);
    const before = draft.idBefore(task);
    if (before !== undefined) ids.set(before, taskId);
    for (const sub of subtasksOf(task)) {
      const subBefore = draft.idBefore(sub);
      if (subBefore !== undefined) ids.set(subBefore, `${taskId}.${lastSegment(canonicalId(sub.id))}`);
    }
  }
  return ids;
}

function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('.') + 1);
}

/**
 * How a dependency on `target` is written in a task whose parent is `ownerParent` (none: a
 * top-level task), or undefined when tasks.json cannot say it: a plain number inside a subtask
 * names a sibling, so a subtask cannot depend on a top-level task.
 */
function dependencyIn(ownerParent: string | undefined, target: string): number | string | undefined {
  if (ownerParent !== undefined) {
    if (!isSubtaskId(target)) return undefined;
    return parentOf(target) === ownerParent ? Number(lastSegment(target)) : target;
  }
  return /^\d+$/.test(target) ? Number(target) : target;
}

/**
 * Points every dependency of the draft at where its task is now: one on a moved task or subtask
 * follows it, one on a removed one is dropped, as is one the new place cannot express. A
 * dependency that already named nothing is left alone (that is fix-dependencies' business).
 */
function settleDependencies(draft: TagDraft, removed: ReadonlySet<string>): void {
  const now = currentIds(draft);
  const settle = (item: Raw, parent: string | undefined) => {
    const before = draft.idBefore(item);
    if (before === undefined || !Array.isArray(item.dependencies)) return;
    const parentBefore = parentOf(before);
    let changed = false;
    const dependencies = (item.dependencies as unknown[]).flatMap((dependency) => {
      const target = resolveDependency(dependency, parentBefore);
      const current = now.get(target);
      if (current === undefined && !removed.has(target)) return [dependency];
      if (current === target && parentBefore === parent) return [dependency];
      changed = true;
      const written = current === undefined ? undefined : dependencyIn(parent, current);
      return written === undefined ? [] : [written];
    });
    if (changed) item.dependencies = dependencies;
  };
  for (const task of draft.tasks) {
    settle(task, undefined);
    for (const sub of subtasksOf(task)) settle(sub, canonicalId(task.id));
  }
}

/** The edits that write a draft back (none when nothing changed). */
function writeDraft(draft: TagDraft, now: Date): JsonEdit[] {
  const value = draft.emit();
  if (value instanceof VerbatimJson) return [];
  return [{ kind: 'set', path: [...draft.view.path, 'tasks'], value }, ...touchTag(draft.view, now)];
}

function removeFrom(list: Raw[], item: Raw): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

function requireTopLevel(view: TagView, id: string, role: string): TaskNode {
  const task = requireTask(view, id);
  if (task.parent) throw new OperationError(`${task.id} is a subtask; ${role} must be a task (such as ${task.parent.id}).`, 'invalid');
  return task;
}

function requireSubtask(view: TagView, id: string, command: string): TaskNode {
  if (!isSubtaskId(canonicalId(id))) {
    throw new OperationError(`${command} takes a subtask id as <parent>.<subtask> (such as ${canonicalId(id)}.1), not "${id}".`, 'invalid');
  }
  return requireTask(view, id);
}

/** The next number after the largest numeric id in the list (1 for none). */
function nextNumber(items: Raw[]): number {
  return items.reduce((max, item) => Math.max(max, Number(lastSegment(canonicalId(item.id))) || 0), 0) + 1;
}

/** A task id as Task Master writes it after parseInt: a number where the id is one. */
function numericId(id: unknown): unknown {
  const canonical = canonicalId(id);
  return /^\d+$/.test(canonical) ? Number(canonical) : id;
}

/**
 * Removes tasks and subtasks (`task-master remove-task`); a task goes with its subtasks, and every
 * dependency on what went is dropped. Every id must exist. An id named twice, or a subtask named
 * beside its own task, is removed once: task-master ends with the same file (it reports the
 * second one as already removed).
 */
export function removeTasks(ids: string[]): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    if (ids.length === 0) throw new OperationError('Name at least one task id to remove.', 'invalid');
    const named = new Set(ids.map((id) => requireTask(view, id)));
    const targets = [...named].filter((task) => !(task.parent && named.has(task.parent)));
    const draft = new TagDraft(plan, view);
    const removed = new Set<string>();
    for (const task of targets) {
      removed.add(task.id);
      for (const sub of task.subtasks) removed.add(sub.id);
    }
    for (const task of targets) {
      const item = draft.find(task.id);
      removeFrom(task.parent ? subtasksOf(draft.find(task.parent.id)) : draft.tasks, item);
    }
    settleDependencies(draft, removed);
    return writeDraft(draft, now);
  };
}

/**
 * Empties the subtask lists of the named tasks (`task-master clear-subtasks`), dropping the
 * dependencies on those subtasks. Tasks without subtasks are left as they are.
 */
export function clearSubtasks(ids: string[] | 'all'): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const targets = ids === 'all' ? view.tasks : ids.map((id) => requireTopLevel(view, id, 'clear-subtasks takes task ids; each'));
    if (targets.length === 0 && ids !== 'all') throw new OperationError('Name at least one task id, or use --all.', 'invalid');
    const draft = new TagDraft(plan, view);
    const removed = new Set<string>();
    for (const task of targets.filter((t) => t.subtasks.length > 0)) {
      for (const sub of task.subtasks) removed.add(sub.id);
      draft.find(task.id).subtasks = [];
    }
    settleDependencies(draft, removed);
    return writeDraft(draft, now);
  };
}

/**
 * Removes a subtask (`task-master remove-subtask`), or with `convert` makes it a task with the
 * next free id: its title, description, details, status and dependencies, the parent's priority,
 * and a dependency on the parent. `onTaskId` learns the new task's id.
 */
export function removeSubtask(id: string, convert = false, onTaskId?: (id: string) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const subtask = requireSubtask(view, id, 'remove-subtask');
    const parent = subtask.parent!;
    const draft = new TagDraft(plan, view);
    const parentDraft = draft.find(parent.id);
    const item = draft.find(subtask.id);
    removeFrom(subtasksOf(parentDraft), item);
    if (!convert) {
      settleDependencies(draft, new Set([subtask.id]));
      return writeDraft(draft, now);
    }
    const taskId = nextNumber(draft.tasks);
    const task = draft.adopt(
      {
        id: taskId,
        title: item.title,
        description: item.description || '',
        details: item.details || '',
        ...(item.testStrategy ? { testStrategy: item.testStrategy } : {}),
        status: item.status || 'pending',
        dependencies: item.dependencies || [],
        priority: parentDraft.priority || 'medium',
        subtasks: [],
      },
      subtask.id,
    );
    draft.tasks.push(task);
    settleDependencies(draft, new Set());
    const dependencies = task.dependencies as unknown[];
    if (!dependencies.some((dependency) => canonicalId(dependency) === parent.id)) dependencies.push(numericId(parentDraft.id));
    onTaskId?.(String(taskId));
    return writeDraft(draft, now);
  };
}

/**
 * Makes an existing task a subtask of another (`task-master add-subtask --parent P --task-id T`):
 * it keeps its fields, takes the next subtask number and records `parentTaskId`. Dependencies on
 * it follow it. Refused: a task with subtasks of its own (Task Master nests one level deep), and
 * a parent that already waits on the task (a cycle).
 */
export function makeSubtask(parentId: string, taskId: string, onId?: (id: string) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const parent = requireTopLevel(view, parentId, 'the parent');
    const task = requireTask(view, taskId);
    if (task.parent) throw new OperationError(`Task ${task.id} is already a subtask of task ${task.parent.id}.`, 'invalid');
    if (task === parent) throw new OperationError('A task cannot be a subtask of itself.', 'invalid');
    if (task.subtasks.length > 0) {
      throw new OperationError(`Task ${task.id} has subtasks of its own; Task Master nests subtasks one level deep. Move or clear them first.`, 'invalid');
    }
    if ([parent, ...parent.subtasks].some((node) => dependsOn(view, node, task.id))) {
      throw new OperationError(`Task ${parent.id} already depends on ${task.id} (directly or through others): making ${task.id} its subtask would make a cycle.`, 'invalid');
    }
    const draft = new TagDraft(plan, view);
    const parentDraft = draft.find(parent.id);
    const item = draft.find(task.id);
    const subtasks = subtasksOf(parentDraft);
    const number = nextNumber(subtasks);
    removeFrom(draft.tasks, item);
    parentDraft.subtasks = [...subtasks, draft.adopt({ ...item, id: number, parentTaskId: numericId(parentDraft.id) }, task.id)];
    settleDependencies(draft, new Set());
    onId?.(`${parent.id}.${number}`);
    return writeDraft(draft, now);
  };
}

export interface MoveRequest {
  /** Task or subtask ids to move, in order ("5", "5.2"). */
  from: string[];
  /** Where each goes, pairwise: a task id, or a subtask id "<parent>.<number>". */
  to: string[];
}

/**
 * Moves tasks and subtasks within a tag (`task-master move --from --to`), one pair after the
 * other, as Task Master places them: a task given a new id goes to the end of the list; a
 * subtask made a task is placed before the first task with a larger id; a task made a subtask,
 * or a subtask moved to another parent, goes to the end of that parent's subtasks with the new
 * number; a subtask moved within its parent keeps its number and goes after the subtask the
 * destination names (or to the end). Refused where Task Master would lose or double something:
 * an existing destination id, a task with subtasks made a subtask.
 */
export function moveTasks(request: MoveRequest): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    if (request.from.length === 0) throw new OperationError('Name the ids to move (--from) and where to (--to).', 'invalid');
    if (request.from.length !== request.to.length) {
      throw new OperationError(`Give as many destinations as ids to move: --from names ${request.from.length}, --to names ${request.to.length}.`, 'invalid');
    }
    const draft = new TagDraft(plan, view);
    request.from.forEach((from, i) => moveOne(draft, canonicalId(from), canonicalId(request.to[i])));
    settleDependencies(draft, new Set());
    return writeDraft(draft, now);
  };
}

function findDraftTask(draft: TagDraft, id: string): Raw | undefined {
  return draft.tasks.find((task) => canonicalId(task.id) === id);
}

function findDraftSubtask(draft: TagDraft, id: string): { parent: Raw; subtask: Raw } | undefined {
  const parent = findDraftTask(draft, parentOf(id)!);
  const subtask = parent && subtasksOf(parent).find((sub) => canonicalId(sub.id) === lastSegment(id));
  return parent && subtask ? { parent, subtask } : undefined;
}

function needTask(draft: TagDraft, id: string, role: string): Raw {
  const task = findDraftTask(draft, id);
  if (!task) throw new OperationError(`No task ${id} in tag "${draft.view.name}" (${role}).`, 'not-found');
  return task;
}

function numberOf(id: string): number {
  const number = Number(id);
  if (!Number.isInteger(number) || number < 1) throw new OperationError(`"${id}" is not a task id: use a whole number such as 7, or 7.2 for a subtask.`, 'invalid');
  return number;
}

/** What Task Master carries over when a task becomes a subtask or the other way round, in its key order. */
function carriedFields(item: Raw, id: number, extra: Raw = {}): Raw {
  return {
    id,
    title: item.title,
    description: item.description,
    status: item.status || 'pending',
    dependencies: item.dependencies || [],
    ...extra,
    details: item.details || '',
    testStrategy: item.testStrategy || '',
  };
}

function moveOne(draft: TagDraft, from: string, to: string): void {
  if (from === to) return;
  const toSubtask = isSubtaskId(to);
  if (!isSubtaskId(from)) {
    const task = needTask(draft, from, 'the task to move');
    if (!toSubtask) {
      if (findDraftTask(draft, to)) throw new OperationError(`Task ${to} already exists: move ${from} to an id no task has.`, 'invalid');
      removeFrom(draft.tasks, task);
      draft.tasks.push(draft.adopt({ ...task, id: numberOf(to) }, draft.idBefore(task)!));
      return;
    }
    const parent = needTask(draft, parentOf(to)!, 'the destination parent');
    if (parent === task) throw new OperationError(`Task ${from} cannot become a subtask of itself.`, 'invalid');
    if (subtasksOf(task).length > 0) {
      throw new OperationError(`Task ${from} has subtasks; Task Master nests subtasks one level deep (it would drop them). Move or clear them first.`, 'invalid');
    }
    if (findDraftSubtask(draft, to)) throw new OperationError(`Subtask ${to} already exists: move ${from} to a subtask number ${parentOf(to)} does not use.`, 'invalid');
    const subtask = carriedFields(task, numberOf(lastSegment(to)));
    removeFrom(draft.tasks, task);
    parent.subtasks = [...subtasksOf(parent), draft.adopt(subtask, draft.idBefore(task)!)];
    return;
  }
  const source = findDraftSubtask(draft, from);
  if (!source) throw new OperationError(`No subtask ${from} in tag "${draft.view.name}".`, 'not-found');
  const siblings = subtasksOf(source.parent);
  if (!toSubtask) {
    if (findDraftTask(draft, to)) throw new OperationError(`Task ${to} already exists: move ${from} to an id no task has, or to a subtask id.`, 'invalid');
    const { subtask } = source;
    const number = numberOf(to);
    const task = { ...carriedFields(subtask, number, { priority: subtask.priority || 'medium' }), subtasks: [] };
    removeFrom(siblings, subtask);
    const before = draft.tasks.findIndex((other) => Number(canonicalId(other.id)) > number);
    draft.tasks.splice(before < 0 ? draft.tasks.length : before, 0, draft.adopt(task, draft.idBefore(subtask)!));
    return;
  }
  const parent = needTask(draft, parentOf(to)!, 'the destination parent');
  const destination = findDraftSubtask(draft, to);
  removeFrom(siblings, source.subtask);
  if (parent === source.parent) {
    const after = destination ? siblings.indexOf(destination.subtask) + 1 : siblings.length;
    siblings.splice(after, 0, source.subtask);
    return;
  }
  if (destination) throw new OperationError(`Subtask ${to} already exists: move ${from} to a subtask number ${parentOf(to)} does not use.`, 'invalid');
  parent.subtasks = [...subtasksOf(parent), draft.adopt({ ...source.subtask, id: numberOf(lastSegment(to)) }, draft.idBefore(source.subtask)!)];
}

export interface TagMoveRequest {
  /** Top-level task ids to move. */
  ids: string[];
  fromTag: string;
  toTag: string;
  /** Also move, transitively, the tasks the moved ones depend on. */
  withDependencies?: boolean;
  /** Drop the moved tasks' dependencies on tasks that stay behind. */
  ignoreDependencies?: boolean;
}

/**
 * Moves tasks to another tag (`task-master move --from --from-tag --to-tag`), keeping their ids,
 * at the end of the target tag (created when missing), each stamped as Task Master stamps it:
 * `tag` and a `metadata.moveHistory` entry. A moved task that depends on one staying behind is
 * refused unless `withDependencies` (those move too, after the named ones) or
 * `ignoreDependencies` (those dependencies are dropped). Dependencies in the source tag on the
 * moved tasks are dropped: they would name nothing.
 */
export function moveTasksToTag(request: TagMoveRequest): PlanOperation {
  return ({ plan, now }) => {
    const { fromTag, toTag } = request;
    if (plan.format === 'legacy') throw new OperationError('This tasks.json has no tags yet (a flat file): add a tag first.', 'invalid');
    if (fromTag === toTag) throw new OperationError(`The source and target tags are both "${fromTag}": name another --to-tag, or use --to to move within it.`, 'invalid');
    const source = requireTag(plan, fromTag);
    if (request.ids.length === 0) throw new OperationError('Name the tasks to move with --from.', 'invalid');
    for (const id of request.ids) {
      if (isSubtaskId(canonicalId(id))) {
        throw new OperationError(`Subtask ${id} cannot move to another tag by itself: make it a task first (remove-subtask --id ${id} --convert).`, 'invalid');
      }
    }
    const named = request.ids.map((id) => requireTask(source, id));
    const moving = request.withDependencies ? withPrerequisites(source, named) : [...new Set(named)];
    const stays = staysBehind(source, moving);
    const conflicts = dependenciesLeftBehind(source, moving.map((task) => task.id));
    if (conflicts.length > 0 && !request.ignoreDependencies) {
      throw new OperationError(
        `Cannot move to "${toTag}": ${conflicts.join(', ')}, which stays in "${fromTag}". Add --with-dependencies to move what they depend on too, or --ignore-dependencies to drop those dependencies.`,
        'invalid',
      );
    }
    const target = plan.tags.get(toTag);
    for (const task of moving) {
      if (target?.byId.has(task.id)) {
        throw new OperationError(`Task ${task.id} already exists in tag "${toTag}": give it a free id first (move --from ${task.id} --to <id> --tag ${fromTag}).`, 'invalid');
      }
    }
    const draft = new TagDraft(plan, source);
    const moved = moving.map((task) => {
      const item = draft.find(task.id);
      removeFrom(draft.tasks, item);
      return stampMove(dropStaying(draft, item, task, stays), fromTag, toTag, now);
    });
    settleDependencies(draft, new Set([...moving.flatMap((task) => [task.id, ...task.subtasks.map((sub) => sub.id)])]));
    const edits = writeDraft(draft, now);
    if (!target) return [...edits, { kind: 'set', path: [toTag], value: { tasks: draft.emit(moved) } }];
    const targetDraft = new TagDraft(plan, target);
    targetDraft.tasks.push(...moved);
    return [...edits, ...writeDraft(targetDraft, now)];
  };
}

/** A move as task-master's `move` command and `move_task` tool take it: comma lists of ids, and tags. */
export interface MoveArguments {
  /** The ids to move: "5", "5.2", "5,6". */
  from?: string;
  /** Where each goes, pairwise with `from`; unused by a move to another tag. */
  to?: string;
  fromTag?: string;
  toTag?: string;
  withDependencies?: boolean;
  ignoreDependencies?: boolean;
}

/** A move read from its arguments: the operation, and the tag to hand `TaskStore.edit` with it. */
export type PlannedMove =
  | { kind: 'within'; tag: string; operation: PlanOperation; request: MoveRequest }
  | { kind: 'to-tag'; tag: string; operation: PlanOperation; request: TagMoveRequest };

/**
 * Task Master's reading of a move: to another tag when `toTag` names one other than the source
 * (`fromTag`, else `tag`, the tag the call works in), each task keeping its id; otherwise within
 * `tag`, each `from` id to the `to` id in the same place of its list.
 */
export function planMove(args: MoveArguments, tag: string): PlannedMove {
  const from = commaList(args.from);
  if (from.length === 0) throw new OperationError('Name the ids to move (--from), such as 5 or 5,6.', 'invalid');
  const fromTag = args.fromTag ?? tag;
  if (args.toTag && args.toTag !== fromTag) {
    const request = { ids: from, fromTag, toTag: args.toTag, withDependencies: args.withDependencies, ignoreDependencies: args.ignoreDependencies };
    return { kind: 'to-tag', tag: fromTag, operation: moveTasksToTag(request), request };
  }
  const to = commaList(args.to);
  if (to.length === 0) throw new OperationError('Name where each id goes (--to), such as 7 or 7.3; or the tag to move them to (--to-tag).', 'invalid');
  const request = { from, to };
  return { kind: 'within', tag, operation: moveTasks(request), request };
}

/**
 * What moving the tasks `ids` (top-level ids of `view`) to another tag would leave behind: each
 * dependency of a moved task or subtask on a task that stays, as "<from> depends on <on>". Empty
 * when the move needs no decision; otherwise a surface asks whether to move those too
 * (`withDependencies`) or drop them (`ignoreDependencies`).
 */
export function dependenciesLeftBehind(view: TagView, ids: string[]): string[] {
  const moving = ids.map((id) => requireTask(view, id));
  const stays = staysBehind(view, moving);
  return moving.flatMap((task) => [task, ...task.subtasks].flatMap((node) => node.dependencies.filter(stays).map((dependency) => `${node.id} depends on ${dependency}`)));
}

/** Whether a dependency names a task (or subtask) of `view` that is not among `moving`. */
function staysBehind(view: TagView, moving: TaskNode[]): (dependency: string) => boolean {
  const movingIds = new Set(moving.map((task) => task.id));
  return (dependency) => view.byId.has(dependency) && !movingIds.has(dependency.split('.')[0]);
}

/** The named tasks, then what they depend on (transitively, depth first, in dependency order). */
function withPrerequisites(view: TagView, named: TaskNode[]): TaskNode[] {
  const order = new Set<TaskNode>(named);
  const visit = (task: TaskNode) => {
    for (const dependency of task.dependencies) {
      const prerequisite = view.byId.get(dependency.split('.')[0]);
      if (prerequisite && !order.has(prerequisite)) {
        order.add(prerequisite);
        visit(prerequisite);
      }
    }
  };
  named.forEach(visit);
  return [...order];
}

/** A moved task without its dependencies on tasks that stay behind (there are some only when told to ignore them). */
function dropStaying(draft: TagDraft, item: Raw, task: TaskNode, stays: (dependency: string) => boolean): Raw {
  const keep = (raw: Raw, node: TaskNode): Raw =>
    node.dependencies.some(stays) ? { ...raw, dependencies: (raw.dependencies as unknown[]).filter((_, i) => !stays(node.dependencies[i])) } : raw;
  const kept = keep(item, task);
  if (!task.subtasks.some((sub) => sub.dependencies.some(stays))) return kept;
  return { ...kept, subtasks: subtasksOf(item).map((sub) => keep(sub, task.subtasks.find((node) => draft.idBefore(sub) === node.id)!)) };
}

function stampMove(item: Raw, fromTag: string, toTag: string, now: Date): Raw {
  const metadata = typeof item.metadata === 'object' && item.metadata !== null && !Array.isArray(item.metadata) ? (item.metadata as Raw) : {};
  const history = Array.isArray(metadata.moveHistory) ? metadata.moveHistory : [];
  return { ...item, tag: toTag, metadata: { ...metadata, moveHistory: [...history, { fromTag, toTag, timestamp: now.toISOString() }] } };
}
