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

export interface TaskNode {
  /** Canonical id: "12" for a task, "12.3" for a subtask. */
  id: string;
  /** The id as Task Master reports it: a task's id as written, "<parent>.<sub>" for a subtask. */
  fileId: RawId;
  raw: RawTask | RawSubtask;
  /** Path of the task object in the file. */
  path: JsonPath;
  parentId?: string;
  title: string;
  description: string;
  details: string;
  testStrategy: string;
  status: TaskStatus;
  priority: TaskPriority;
  /** Canonical ids this task waits for, in file order. */
  dependencies: string[];
  subtasks: TaskNode[];
}

export interface TagView {
  name: string;
  /** Path of the object holding `tasks` (the root for a legacy file). */
  path: JsonPath;
  metadata: Record<string, unknown> | undefined;
  tasks: TaskNode[];
  /** Every task and subtask by canonical id; the first of duplicate ids wins. */
  byId: Map<string, TaskNode>;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/**
 * Reads the parsed tasks.json into tags and tasks. Never throws on a wrong shape: what cannot be
 * read is reported as a problem and the rest of the plan is still usable.
 */
export function readPlan(data: unknown): Plan {
  const problems: PlanProblem[] = [];
  const tags = new Map<string, TagView>();
  if (!isObject(data)) {
    problems.push({
      severity: 'error',
      code: 'shape',
      message: 'tasks.json must hold a JSON object: either tags ({ "master": { "tasks": [...] } }) or { "tasks": [...] }.',
      path: [],
    });
    return { format: 'tagged', data: {}, tags, problems };
  }
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
  const byId = new Map<string, TaskNode>();
  const tasks: TaskNode[] = [];
  const list = block.tasks as unknown[];
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    const taskPath = [...path, 'tasks', i];
    if (!isObject(raw) || !hasUsableId(raw.id)) {
      problems.push({
        severity: 'error',
        code: 'shape',
        message: isObject(raw)
          ? `Task at position ${i + 1} in tag "${name}" has no usable id; it is skipped.`
          : `Entry ${i + 1} in tag "${name}" is not a task object; it is skipped.`,
        path: taskPath,
        tag: name,
      });
      continue;
    }
    const node = readTask(raw as RawTask, canonicalId(raw.id), raw.id as RawId, taskPath, undefined);
    const subs = Array.isArray(raw.subtasks) ? raw.subtasks : [];
    for (let j = 0; j < subs.length; j++) {
      const sub = subs[j];
      const subPath = [...taskPath, 'subtasks', j];
      if (!isObject(sub) || !hasUsableId(sub.id)) {
        problems.push({
          severity: 'error',
          code: 'shape',
          message: `Subtask at position ${j + 1} of task ${node.id} has no usable id; it is skipped.`,
          path: subPath,
          tag: name,
          taskId: node.id,
        });
        continue;
      }
      const fileId = `${String(raw.id)}.${String(sub.id)}`;
      node.subtasks.push(readTask(sub as RawSubtask, subtaskId(node.id, sub.id as RawId), fileId, subPath, node.id));
    }
    tasks.push(node);
    if (!byId.has(node.id)) byId.set(node.id, node);
    for (const sub of node.subtasks) if (!byId.has(sub.id)) byId.set(sub.id, sub);
  }
  const metadata = isObject(block.metadata) ? block.metadata : undefined;
  return { name, path, metadata, tasks, byId };
}

function hasUsableId(id: unknown): boolean {
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== '');
}

function readTask(raw: RawTask | RawSubtask, id: string, fileId: RawId, path: JsonPath, parentId: string | undefined): TaskNode {
  const deps = Array.isArray(raw.dependencies) ? raw.dependencies : [];
  return {
    id,
    fileId,
    raw,
    path,
    parentId,
    title: text(raw.title),
    description: text(raw.description),
    details: text(raw.details),
    testStrategy: text(raw.testStrategy),
    status: effectiveStatus(raw.status),
    priority: effectivePriority(raw.priority),
    dependencies: deps.map((dep) => resolveDependency(dep, parentId)),
    subtasks: [],
  };
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
