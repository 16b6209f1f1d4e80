import { OperationError, requireTag, VerbatimJson, type JsonEdit, type PlanOperation } from './operations';
import { DEFAULT_TAG, type Plan } from './plan';

/**
 * Tag commands as `task-master add-tag / copy-tag / rename-tag / delete-tag` (0.43) change
 * tasks.json. A new tag's block is `{ tasks, metadata: { created, updated, description } }` with
 * Task Master's default descriptions; copies carry the source's tasks unchanged.
 */
export interface CreateTagInput {
  name: string;
  /** Copy the tasks of this tag (Task Master's --copy-from / --copy-from-current). */
  copyFrom?: string;
  description?: string;
}

/** Task Master's rule for new tag names (stricter than the names it reads: no dots). */
export function isTaskMasterTagName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

function checkNewName(plan: Plan, name: string): void {
  if (!isTaskMasterTagName(name)) {
    throw new OperationError(`"${name}" is not a tag name Task Master accepts: use letters, digits, '-' or '_'.`, 'invalid');
  }
  if (plan.tags.has(name)) throw new OperationError(`Tag "${name}" already exists.`, 'invalid');
}

/** Task Master's dates in descriptions are the local date of the machine (toLocaleDateString). */
function localDate(now: Date): string {
  return now.toLocaleDateString();
}

function sourceTasks(plan: Plan, source: string): unknown[] {
  const block = requireTag(plan, source);
  const tasks = plan.format === 'legacy' ? plan.data.tasks : (plan.data[block.name] as Record<string, unknown>).tasks;
  return Array.isArray(tasks) ? structuredClone(tasks) : [];
}

/** Adds a tag block at the end of the file; a flat (pre-tag) file is first moved under "master". */
function putTag(plan: Plan, name: string, block: Record<string, unknown>): JsonEdit[] {
  if (plan.format === 'legacy') {
    // Each member of the flat file keeps its bytes under "master".
    const keys = ['tasks', ...Object.keys(plan.data).filter((key) => key !== 'tasks')];
    const master = Object.fromEntries(keys.map((key) => [key, new VerbatimJson([key])]));
    return [{ kind: 'set', path: [], value: { [DEFAULT_TAG]: master, [name]: block } }];
  }
  return [{ kind: 'set', path: [name], value: block }];
}

export function createTag(input: CreateTagInput): PlanOperation {
  return ({ plan, now }) => {
    checkNewName(plan, input.name);
    const tasks = input.copyFrom === undefined ? [] : sourceTasks(plan, input.copyFrom);
    const stamp = now.toISOString();
    const description = input.description ?? `Tag created on ${localDate(now)}`;
    return putTag(plan, input.name, { tasks, metadata: { created: stamp, updated: stamp, description } });
  };
}

export function copyTag(source: string, target: string, description?: string): PlanOperation {
  return ({ plan, now }) => {
    const tasks = sourceTasks(plan, source);
    checkNewName(plan, target);
    const stamp = now.toISOString();
    const metadata = {
      created: stamp,
      updated: stamp,
      description: description ?? `Copy of "${source}" created on ${localDate(now)}`,
      copiedFrom: { tag: source, date: stamp },
    };
    return putTag(plan, target, { tasks, metadata });
  };
}

/** Renames a tag; like Task Master, the renamed block moves to the end and records its old name. */
export function renameTag(from: string, to: string): PlanOperation {
  return ({ plan, now }) => {
    if (plan.format === 'legacy') throw new OperationError('This tasks.json has no tags yet (a flat file): add a tag first.', 'invalid');
    requireTag(plan, from);
    if (from === DEFAULT_TAG) throw new OperationError(`The "${DEFAULT_TAG}" tag cannot be renamed.`, 'invalid');
    checkNewName(plan, to);
    const block = plan.data[from] as Record<string, unknown>;
    const metadata = typeof block.metadata === 'object' && block.metadata !== null ? block.metadata : {};
    const renamed = { ...block, metadata: { ...metadata, renamed: { from, date: now.toISOString() } } };
    return [
      { kind: 'remove', path: [from] },
      { kind: 'set', path: [to], value: renamed },
    ];
  };
}

export function deleteTag(name: string): PlanOperation {
  return ({ plan }) => {
    requireTag(plan, name);
    if (name === DEFAULT_TAG) throw new OperationError(`The "${DEFAULT_TAG}" tag cannot be deleted.`, 'invalid');
    return [{ kind: 'remove', path: [name] }];
  };
}
