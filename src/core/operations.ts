import { canonicalId, isSubtaskId, parentOf } from './ids';
import { closestIds, findTask, selectTag, type JsonPath, type Plan, type TagView, type TaskNode } from './plan';
import { TASK_PRIORITIES, TASK_STATUSES, isTaskPriority, isTaskStatus, type TaskPriority, type TaskStatus } from './task';
import type { InvalidDependency } from './validation';

/**
 * Plan edits as changes to parts of the JSON document. Operations read the freshest parsed plan
 * and say which values change; the store applies them to the file text, leaving every other byte
 * as it was.
 */
export type JsonEdit =
  | { kind: 'set'; path: JsonPath; value: unknown }
  | { kind: 'remove'; path: JsonPath }
  | { kind: 'append'; path: JsonPath; values: unknown[] };

/**
 * A value copied byte for byte rather than re-serialised, so number spellings (1.50, integers past
 * 2^53) and string escapes survive a move: the value at `path` in the file being edited, or in
 * `document` (another JSON text, such as a backup of the file) when given.
 */
export class VerbatimJson {
  constructor(
    readonly path: JsonPath,
    readonly document?: string,
  ) {}
}

export type OperationErrorKind = 'not-found' | 'invalid';

export class OperationError extends Error {
  constructor(
    message: string,
    readonly kind: OperationErrorKind,
  ) {
    super(message);
    this.name = 'OperationError';
  }

  static is(error: unknown): error is OperationError {
    return error instanceof OperationError;
  }
}

export interface OperationContext {
  plan: Plan;
  tag: string;
  now: Date;
  /** The file's text the edits apply to; absent when an operation is only tried (a check, no edit). */
  text?: string;
}

/** An operation on the plan: given its freshest state, the edits to make (none: nothing to do). */
export type PlanOperation = (context: OperationContext) => JsonEdit[];

export function requireTag(plan: Plan, tag: string): TagView {
  const view = selectTag(plan, tag);
  if (view) return view;
  const known = [...plan.tags.keys()];
  throw new OperationError(
    `No tag "${tag}" in tasks.json.${known.length ? ` Tags: ${known.join(', ')}.` : ''}`,
    'not-found',
  );
}

export function requireTask(tag: TagView, id: string): TaskNode {
  const task = findTask(tag, id);
  if (task) return task;
  const near = closestIds(tag, id);
  throw new OperationError(
    `No task ${canonicalId(id)} in tag "${tag.name}".${near.length ? ` Closest ids: ${near.join(', ')}.` : ''}`,
    'not-found',
  );
}

/**
 * Task Master stamps the tag's metadata on every write: `updated` (its older tag commands) or
 * `lastModified` (its newer core). Keep whichever stamp the file has current; add none.
 */
export function touchTag(tag: TagView, now: Date): JsonEdit[] {
  return ['updated', 'lastModified']
    .filter((key) => tag.metadata && key in tag.metadata)
    .map((key) => ({ kind: 'set', path: [...tag.path, 'metadata', key], value: now.toISOString() }));
}

export function parseStatus(value: string): TaskStatus {
  const status = value === 'completed' ? 'done' : value;
  if (!isTaskStatus(status)) {
    throw new OperationError(`Unknown status "${value}". Use one of: ${TASK_STATUSES.join(', ')}.`, 'invalid');
  }
  return status;
}

export function parsePriority(value: string): TaskPriority {
  if (!isTaskPriority(value)) {
    throw new OperationError(`Unknown priority "${value}". Use one of: ${TASK_PRIORITIES.join(', ')}.`, 'invalid');
  }
  return value;
}

export interface TaskFields {
  title?: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  priority?: TaskPriority;
}

function checkTitle(title: string | undefined): string {
  const trimmed = (title ?? '').trim();
  if (!trimmed) throw new OperationError('A task needs a title.', 'invalid');
  return trimmed;
}

function nextNumber(ids: string[]): number {
  let max = 0;
  for (const id of ids) {
    const last = Number(id.slice(id.lastIndexOf('.') + 1));
    if (Number.isFinite(last) && last > max) max = last;
  }
  return max + 1;
}

export interface AddTaskInput extends TaskFields {
  title: string;
  dependencies?: string[];
  /** Task Master's free-form `metadata` (where integrations keep their links). */
  metadata?: Record<string, unknown>;
}

/** Adds a task at the end of the tag with the next free id; `onId` learns the id it got. */
export function addTask(input: AddTaskInput, onId?: (id: string) => void): PlanOperation {
  return addTasks([input], (ids) => onId?.(ids[0]));
}

/** Adds tasks at the end of the tag with the next free ids, in order; `onIds` learns the ids they got. */
export function addTasks(inputs: AddTaskInput[], onIds?: (ids: string[]) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    if (inputs.length === 0) return [];
    const first = nextNumber(view.tasks.map((task) => task.id));
    const tasks = inputs.map((input, index) => {
      const title = checkTitle(input.title);
      const dependencies = (input.dependencies ?? []).map((dep) => requireTask(view, dep).id);
      return {
        id: first + index,
        title,
        description: input.description ?? '',
        details: input.details ?? '',
        testStrategy: input.testStrategy ?? '',
        status: 'pending',
        dependencies: dependencies.map((dep) => (isSubtaskId(dep) ? dep : Number(dep))),
        priority: input.priority ?? 'medium',
        subtasks: [],
        ...(input.metadata ? { metadata: input.metadata } : {}),
      };
    });
    onIds?.(tasks.map((task) => String(task.id)));
    return [{ kind: 'append', path: [...view.path, 'tasks'], values: tasks }, ...touchTag(view, now)];
  };
}

/**
 * Adds a subtask to a top-level task with the next free subtask number, `status` (default pending)
 * included, in one edit; `onId` learns the id it got.
 */
export function addSubtask(parentId: string, input: AddTaskInput & { status?: TaskStatus }, onId?: (id: string) => void): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const parent = requireTask(view, parentId);
    if (parent.parentId !== undefined) {
      throw new OperationError(`${parent.id} is a subtask; Task Master nests subtasks one level deep. Add it to task ${parent.parentId}.`, 'invalid');
    }
    const title = checkTitle(input.title);
    const dependencies = (input.dependencies ?? []).map((dep) => requireTask(view, dep.includes('.') ? dep : `${parent.id}.${dep}`).id);
    const number = nextNumber(parent.subtasks.map((sub) => sub.id));
    onId?.(`${parent.id}.${number}`);
    const subtask = {
      id: number,
      title,
      description: input.description ?? '',
      details: input.details ?? '',
      status: input.status ?? 'pending',
      dependencies: dependencies.map((dep) => dependencyValue(parent.id, dep)),
      ...(input.testStrategy ? { testStrategy: input.testStrategy } : {}),
      // Task Master's add-subtask records the parent's id on the subtask.
      parentTaskId: parent.raw.id,
    };
    const edit: JsonEdit = Array.isArray(parent.raw.subtasks)
      ? { kind: 'append', path: [...parent.path, 'subtasks'], values: [subtask] }
      : { kind: 'set', path: [...parent.path, 'subtasks'], value: [subtask] };
    return [edit, ...touchTag(view, now)];
  };
}

/** How a dependency is written: a sibling subtask by its number, a task by its number, else "P.S". */
function dependencyValue(ownerParentId: string | undefined, dependency: string): number | string {
  if (ownerParentId !== undefined && parentOf(dependency) === ownerParentId) return Number(dependency.slice(ownerParentId.length + 1));
  return /^\d+$/.test(dependency) ? Number(dependency) : dependency;
}

export function updateTask(id: string, fields: TaskFields): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, id);
    if (fields.title !== undefined) checkTitle(fields.title);
    const edits: JsonEdit[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && task.raw[key] !== value) edits.push({ kind: 'set', path: [...task.path, key], value });
    }
    return edits.length ? [...edits, ...touchTag(view, now)] : [];
  };
}

/** Sets one entry of a task's `metadata`, creating the object when the task has none. */
export function setMetadataEntry(task: TaskNode, key: string, value: unknown): JsonEdit {
  const metadata = task.raw.metadata;
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
    ? { kind: 'set', path: [...task.path, 'metadata', key], value }
    : { kind: 'set', path: [...task.path, 'metadata'], value: { [key]: value } };
}

/**
 * Several operations as one write. Each sees the same plan, so they must change different values;
 * an edit they share (the tag's stamp) is made once.
 */
export function combineOperations(operations: PlanOperation[]): PlanOperation {
  return (context) => {
    const unique = new Map<string, JsonEdit>();
    for (const edit of operations.flatMap((operation) => operation(context))) unique.set(JSON.stringify(edit), edit);
    return [...unique.values()];
  };
}

/**
 * Appends a timestamped note to a task's details, in the block format Task Master's
 * update-subtask writes, so either tool can read the other's notes.
 */
export function appendNote(id: string, note: string): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, id);
    return [{ kind: 'set', path: [...task.path, 'details'], value: withNote(task.details, note, now) }, ...touchTag(view, now)];
  };
}

/** Details with a note appended as Task Master's update-subtask writes it: `<info added on STAMP>…</info added on STAMP>`. */
export function withNote(details: string, note: string, now: Date): string {
  const stamp = now.toISOString();
  const block = `<info added on ${stamp}>\n${note.trim()}\n</info added on ${stamp}>`;
  return details ? `${details}\n\n${block}` : block;
}

/**
 * Moves a subtask to another position among its siblings. Ids stay as they are: dependencies name
 * subtasks by number, so renumbering would silently change what they point at.
 */
export function moveSubtask(parentId: string, subtaskId: string, toIndex: number): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const parent = requireTask(view, parentId);
    const subtask = requireTask(view, subtaskId);
    if (subtask.parent !== parent) throw new OperationError(`${subtask.id} is not a subtask of ${parent.id}.`, 'invalid');
    const order = parent.subtasks.filter((sub) => sub !== subtask);
    const target = Math.min(toIndex, order.length);
    if (parent.subtasks[target] === subtask) return [];
    order.splice(target, 0, subtask);
    // Entries the reader skipped (no usable id) keep their places; the subtasks fill the other slots in the new order.
    const listed = new Set(parent.subtasks.map((sub) => sub.raw));
    const reordered = order.map((sub) => sub.path);
    const path = [...parent.path, 'subtasks'];
    const value = (parent.raw.subtasks as unknown[]).map((entry, index) => new VerbatimJson(listed.has(entry as TaskNode['raw']) ? reordered.shift()! : [...path, index]));
    return [{ kind: 'set', path, value }, ...touchTag(view, now)];
  };
}

/** Rewrites a task's dependency list keeping the entries (as written) whose resolved id passes. */
function keepDependencies(task: TaskNode, keep: (dep: string, index: number) => boolean): JsonEdit {
  const path = [...task.path, 'dependencies'];
  const kept = task.dependencies.flatMap((dep, i) => (keep(dep, i) ? [new VerbatimJson([...path, i])] : []));
  return { kind: 'set', path, value: kept };
}

export function addDependency(id: string, dependencyId: string): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, id);
    const dependency = requireTask(view, dependencyId);
    if (task.dependencies.includes(dependency.id)) return [];
    checkDependency(view, task, dependency);
    const value = dependencyValue(task.parentId, dependency.id);
    const edit: JsonEdit = Array.isArray(task.raw.dependencies)
      ? { kind: 'append', path: [...task.path, 'dependencies'], values: [value] }
      : { kind: 'set', path: [...task.path, 'dependencies'], value: [value] };
    return [edit, ...touchTag(view, now)];
  };
}

/**
 * Replaces a task's dependencies with the given ones, in that order. Unknown ids, the task itself,
 * cycles and what the file cannot express are refused: then nothing is written.
 */
export function setDependencies(id: string, dependencyIds: string[]): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, id);
    const dependencies = [...new Set(dependencyIds.map((dep) => requireTask(view, dep)))];
    for (const dependency of dependencies) checkDependency(view, task, dependency);
    const ids = dependencies.map((dependency) => dependency.id);
    if (ids.length === task.dependencies.length && ids.every((dep, i) => dep === task.dependencies[i])) return [];
    const path = [...task.path, 'dependencies'];
    // A dependency the task already has keeps its spelling; a new one is written as Task Master writes it.
    const value = ids.map((dep) => {
      const existing = task.dependencies.indexOf(dep);
      return existing >= 0 ? new VerbatimJson([...path, existing]) : dependencyValue(task.parentId, dep);
    });
    return [{ kind: 'set', path, value }, ...touchTag(view, now)];
  };
}

/** Refuses a dependency the plan cannot hold: on the task itself, closing a cycle, or one tasks.json cannot express. */
function checkDependency(view: TagView, task: TaskNode, dependency: TaskNode): void {
  if (task.id === dependency.id) throw new OperationError(`Task ${task.id} cannot depend on itself.`, 'invalid');
  if (task.parentId !== undefined && dependency.parentId === undefined) {
    // Task Master reads a plain number in a subtask's dependencies as a sibling: "5" inside task 2 means 2.5.
    throw new OperationError(
      `Subtask ${task.id} cannot depend on task ${dependency.id}: tasks.json would read that as subtask ${task.parentId}.${dependency.id}. Make task ${task.parentId} depend on it instead.`,
      'invalid',
    );
  }
  if (dependsOn(view, dependency, task.id)) {
    throw new OperationError(`${dependency.id} already depends on ${task.id} (directly or through others): adding this would make a cycle.`, 'invalid');
  }
}

/** Whether `from` waits on `target`, following dependencies transitively. */
export function dependsOn(view: TagView, from: TaskNode, target: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const node = stack.pop()!;
    for (const dep of node.dependencies) {
      if (dep === target) return true;
      const next = view.byId.get(dep);
      if (next && !seen.has(next.id)) {
        seen.add(next.id);
        stack.push(next);
      }
    }
  }
  return false;
}

export function removeDependency(id: string, dependencyId: string): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, id);
    const target = canonicalId(dependencyId);
    const resolved = task.parentId !== undefined && !target.includes('.') ? [target, `${task.parentId}.${target}`] : [target];
    if (!task.dependencies.some((dep) => resolved.includes(dep))) {
      throw new OperationError(`Task ${task.id} does not depend on ${target}.`, 'not-found');
    }
    return [keepDependencies(task, (dep) => !resolved.includes(dep)), ...touchTag(view, now)];
  };
}

/** Removes the given invalid dependencies (missing, self, cycle-closing) from every tag named. */
export function removeInvalidDependencies(invalid: InvalidDependency[]): PlanOperation {
  return ({ plan, now }) => {
    const edits: JsonEdit[] = [];
    const byTag = groupBy(invalid, (entry) => entry.tag);
    for (const [tagName, entries] of byTag) {
      const view = plan.tags.get(tagName);
      if (!view) continue;
      for (const [taskId, list] of groupBy(entries, (entry) => entry.taskId)) {
        const task = view.byId.get(taskId);
        if (!task) continue;
        const drop = new Set(list.map((entry) => entry.index));
        edits.push(keepDependencies(task, (_, index) => !drop.has(index)));
      }
      edits.push(...touchTag(view, now));
    }
    return edits;
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Puts a tag's whole block back as it was (an undo), copied from a backup; the other tags keep their bytes. */
export function restoreTag(block: VerbatimJson): PlanOperation {
  return ({ plan, tag }) => {
    const path = plan.format === 'legacy' ? [] : [tag];
    return [{ kind: 'set', path, value: block }];
  };
}

export function isValidTagName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}
