import { canonicalId, compareIds, subtaskId } from './ids';
import {
  effectivePriority,
  effectiveStatus,
  type RawId,
  type RawSubtask,
  type RawTask,
  type TaskPriority,
  type TaskStatus,
} from './task';

/** A location inside tasks.json, as object keys and array indexes from the root. */
export type JsonPath = (string | number)[];

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Something odd about the plan, pinned to the place in the file it comes from. */
export interface PlanProblem {
  severity: ProblemSeverity;
  code: string;
  message: string;
  path: JsonPath;
  tag?: string;
  taskId?: string;
}

/**
 * A task or subtask as the extension sees it. The text fields, the ids and the dependencies are read
 * from the raw object on demand: a large plan has tens of thousands of nodes, and loading it must
 * stay close to the cost of JSON.parse.
 */
export class TaskNode {
  private canonical: string | undefined;
  private resolvedDependencies: readonly string[] | undefined;
  readonly status: TaskStatus;
  /** Subtasks in file order (Task Master nests them one level deep: a subtask has none). */
  readonly subtasks: TaskNode[] = [];

  constructor(
    /** The object in the parsed file; every field the extension does not know stays in it. */
    readonly raw: RawTask | RawSubtask,
    private readonly tagPath: JsonPath,
    /** Position in its list: the tag's tasks, or the parent's subtasks. */
    private readonly index: number,
    readonly parent?: TaskNode,
  ) {
    this.status = effectiveStatus(raw.status);
  }

  /** Canonical id: "12" for a task, "12.3" for a subtask. */
  get id(): string {
    return (this.canonical ??= this.parent ? subtaskId(this.parent.id, this.raw.id as RawId) : canonicalId(this.raw.id));
  }

  /** Canonical ids this task waits for, in file order; resolved on first use (`next` reads the raw list). */
  get dependencies(): readonly string[] {
    const deps = this.raw.dependencies;
    return (this.resolvedDependencies ??= Array.isArray(deps) && deps.length > 0 ? deps.map((dep) => resolveDependency(dep, this.parent?.id)) : NONE);
  }

  /**
   * The priority Task Master ranks and reports the task by: its own, or for a subtask without one
   * its parent's (`task-master next` shows a subtask as `subtask.priority || parent.priority`).
   */
  get priority(): TaskPriority {
    return effectivePriority(this.raw.priority || this.parent?.raw.priority);
  }

  /** Path of the task object in the file. */
  get path(): JsonPath {
    return this.parent ? [...this.parent.path, 'subtasks', this.index] : [...this.tagPath, 'tasks', this.index];
  }

  get parentId(): string | undefined {
    return this.parent?.id;
  }

  /** The id as Task Master reports it: a task's id as written, "<parent>.<sub>" for a subtask. */
  get fileId(): RawId {
    return this.parent ? `${String(this.parent.raw.id)}.${String(this.raw.id)}` : this.raw.id;
  }

  get title(): string {
    return text(this.raw.title);
  }

  get description(): string {
    return text(this.raw.description);
  }

  get details(): string {
    return text(this.raw.details);
  }

  get testStrategy(): string {
    return text(this.raw.testStrategy);
  }
}

export class TagView {
  private index: Map<string, TaskNode> | undefined;

  constructor(
    readonly name: string,
    /** Path of the object holding `tasks` (the root for a legacy file). */
    readonly path: JsonPath,
    readonly metadata: Record<string, unknown> | undefined,
    readonly tasks: TaskNode[],
  ) {}

  /** Every task and subtask by canonical id; the first of duplicate ids wins. Built on first use. */
  get byId(): Map<string, TaskNode> {
    if (!this.index) {
      this.index = new Map();
      for (const task of allTasks(this)) if (!this.index.has(task.id)) this.index.set(task.id, task);
    }
    return this.index;
  }
}

export type PlanFormat = 'tagged' | 'legacy';

export interface Plan {
  format: PlanFormat;
  data: Record<string, unknown>;
  /** Tags in file order. */
  tags: Map<string, TagView>;
  /** Shape problems found while reading: entries skipped, ids missing, lists that are not lists. */
  problems: PlanProblem[];
}

export const DEFAULT_TAG = 'master';

/** One shared, frozen empty list: most tasks have no dependencies. */
const NONE: readonly never[] = Object.freeze([]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** A top-level value that is not a JSON object: there is no plan to show or edit. */
export class NotAPlanError extends Error {
  constructor(data: unknown) {
    super(
      `tasks.json holds ${describeValue(data)}, not a plan. A plan is a JSON object of tags, each { "tasks": [...] } ` +
        '(for example { "master": { "tasks": [] } }), or the older { "tasks": [...] }. Fix the file; nothing is written to it until then.',
    );
    this.name = 'NotAPlanError';
  }
}

function describeValue(data: unknown): string {
  if (Array.isArray(data)) return 'a list';
  if (data === null) return 'null';
  return `a ${typeof data}`;
}

/**
 * Reads the parsed tasks.json into tags and tasks. Throws NotAPlanError when the top-level value
 * is not an object; below that it never throws on a wrong shape: what cannot be read is reported
 * as a problem and the rest of the plan is still usable.
 */
export function readPlan(data: unknown): Plan {
  if (!isObject(data)) throw new NotAPlanError(data);
  const problems: PlanProblem[] = [];
  const tags = new Map<string, TagView>();
  const tagBlocks = Object.entries(data).filter(([name, block]) => name !== 'tasks' && isObject(block) && Array.isArray(block.tasks));
  // As Task Master decides: a root list of tasks is the legacy format unless tags sit beside it.
  if (Array.isArray(data.tasks) && tagBlocks.length === 0) {
    tags.set(DEFAULT_TAG, readTag(DEFAULT_TAG, [], data, problems));
    return { format: 'legacy', data, tags, problems };
  }
  for (const [name, block] of Object.entries(data)) {
    if (name === 'tasks') continue;
    if (isObject(block) && Array.isArray(block.tasks)) {
      tags.set(name, readTag(name, [name], block, problems));
    } else if (isObject(block) && 'tasks' in block) {
      problems.push({
        severity: 'error',
        code: 'shape',
        message: `Tag "${name}" has "tasks" that is not a list, so its tasks cannot be shown.`,
        path: [name, 'tasks'],
        tag: name,
      });
    }
  }
  if (tags.size === 0 && problems.length === 0 && Object.keys(data).length > 0) {
    problems.push({
      severity: 'error',
      code: 'shape',
      message: 'No task list found: expected tags such as { "master": { "tasks": [...] } } or { "tasks": [...] }.',
      path: [],
    });
  }
  return { format: 'tagged', data, tags, problems };
}

function readTag(name: string, path: JsonPath, block: Record<string, unknown>, problems: PlanProblem[]): TagView {
  const tasks: TaskNode[] = [];
  const list = block.tasks as unknown[];
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    if (!isObject(raw) || !hasUsableId(raw.id)) {
      problems.push({
        severity: 'error',
        code: 'shape',
        message: isObject(raw)
          ? `Task at position ${i + 1} in tag "${name}" has no usable id; it is skipped.`
          : `Entry ${i + 1} in tag "${name}" is not a task object; it is skipped.`,
        path: [...path, 'tasks', i],
        tag: name,
      });
      continue;
    }
    const node = new TaskNode(raw as RawTask, path, i);
    const subs = Array.isArray(raw.subtasks) ? raw.subtasks : [];
    for (let j = 0; j < subs.length; j++) {
      const sub = subs[j];
      if (!isObject(sub) || !hasUsableId(sub.id)) {
        problems.push({
          severity: 'error',
          code: 'shape',
          message: `Subtask at position ${j + 1} of task ${node.id} has no usable id; it is skipped.`,
          path: [...node.path, 'subtasks', j],
          tag: name,
          taskId: node.id,
        });
        continue;
      }
      node.subtasks.push(new TaskNode(sub as RawSubtask, path, j, node));
    }
    tasks.push(node);
  }
  return new TagView(name, path, isObject(block.metadata) ? block.metadata : undefined, tasks);
}

function hasUsableId(id: unknown): boolean {
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== '');
}

/**
 * A subtask's plain number names a sibling ("2" inside task 5 means 5.2); a dotted id names any
 * subtask. A top-level task's dependency is a task id, or a dotted subtask id.
 */
export function resolveDependency(dep: unknown, parentId: string | undefined): string {
  const id = canonicalId(dep);
  if (parentId === undefined || id.includes('.')) return id;
  return `${parentId}.${id}`;
}

/**
 * The tag to work in, chosen as Task Master chooses it: a legacy file has one list whatever the
 * tag; a tagged file without "master" falls back to its first tag when master is asked for.
 */
export function selectTag(plan: Plan, name: string): TagView | undefined {
  if (plan.format === 'legacy') return plan.tags.get(DEFAULT_TAG);
  return plan.tags.get(name) ?? (name === DEFAULT_TAG ? plan.tags.values().next().value : undefined);
}

/** All tasks and subtasks of a tag in file order, parents before their subtasks. */
export function* allTasks(tag: TagView): Iterable<TaskNode> {
  for (const task of tag.tasks) {
    yield task;
    yield* task.subtasks;
  }
}

export function findTask(tag: TagView, id: string): TaskNode | undefined {
  return tag.byId.get(canonicalId(id));
}

/** The ids the tag has and those it has not, each in the order given: commands that skip unknown ids say which. */
export function partitionIds(tag: TagView, ids: readonly string[]): { found: string[]; missing: string[] } {
  const found = ids.filter((id) => findTask(tag, id));
  return { found, missing: ids.filter((id) => !found.includes(id)) };
}

/** The ids nearest to one that was not found, for a helpful "did you mean" message. */
export function closestIds(tag: TagView, id: string, count = 3): string[] {
  const wanted = canonicalId(id);
  const target = Number(wanted.split('.')[0]);
  return [...tag.byId.keys()]
    .filter((candidate) => wanted.includes('.') === candidate.includes('.') || !wanted.includes('.'))
    .sort((a, b) => {
      const da = Math.abs(Number(a.split('.')[0]) - target) || 0;
      const db = Math.abs(Number(b.split('.')[0]) - target) || 0;
      return da - db || compareIds(a, b);
    })
    .slice(0, count);
}
