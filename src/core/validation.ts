import { isSubtaskId } from './ids';
import { allTasks, type Plan, type PlanProblem, type TagView, type TaskNode } from './plan';
import { isTaskPriority, isTaskStatus, TASK_PRIORITIES, TASK_STATUSES } from './task';

/** A dependency that cannot stand: it names a missing task, the task itself, or closes a cycle. */
export interface InvalidDependency {
  tag: string;
  taskId: string;
  dependency: string;
  /** Index in the task's `dependencies` list. */
  index: number;
  reason: 'missing' | 'self' | 'cycle';
}

export interface ValidationResult {
  problems: PlanProblem[];
  invalidDependencies: InvalidDependency[];
}

/** One validation per loaded plan: Problems, the tree's row markers and the quick fixes all ask. */
const validated = new WeakMap<Plan, ValidationResult>();

/**
 * Checks every tag: duplicate ids, dependencies on missing tasks, cycles, odd field values. A Plan
 * is not changed once read (edits write the file and read it again), so its result is kept.
 */
export function validatePlan(plan: Plan): ValidationResult {
  let result = validated.get(plan);
  if (!result) validated.set(plan, (result = validateUncached(plan)));
  return result;
}

/** Whether the plan's validation is done (then validatePlan costs nothing). */
export function isValidated(plan: Plan): boolean {
  return validated.has(plan);
}

function validateUncached(plan: Plan): ValidationResult {
  const problems: PlanProblem[] = [...plan.problems];
  const invalidDependencies: InvalidDependency[] = [];
  for (const tag of plan.tags.values()) {
    checkDuplicates(tag, problems);
    checkFields(tag, problems);
    checkDependencies(tag, problems, invalidDependencies);
  }
  return { problems, invalidDependencies };
}

function checkDuplicates(tag: TagView, problems: PlanProblem[]): void {
  const seen = new Set<string>();
  for (const task of allTasks(tag)) {
    if (seen.has(task.id)) {
      problems.push({
        severity: 'error',
        code: 'duplicate-id',
        message: `Duplicate id ${task.id} in tag "${tag.name}": only the first one is used for dependencies and commands.`,
        path: [...task.path, 'id'],
        tag: tag.name,
        taskId: task.id,
      });
    }
    seen.add(task.id);
  }
}

function checkFields(tag: TagView, problems: PlanProblem[]): void {
  for (const task of allTasks(tag)) {
    const at = (field: string) => (field in task.raw ? [...task.path, field] : task.path);
    const { status, priority } = task.raw;
    if (status !== undefined && status !== 'completed' && !isTaskStatus(status)) {
      problems.push({
        severity: 'warning',
        code: 'unknown-status',
        message: `Task ${task.id} has unknown status ${JSON.stringify(status)}; it is treated as pending. Use one of: ${TASK_STATUSES.join(', ')}.`,
        path: at('status'),
        tag: tag.name,
        taskId: task.id,
      });
    } else if (status === undefined) {
      problems.push({
        severity: 'info',
        code: 'missing-status',
        message: `Task ${task.id} has no status; it is treated as pending.`,
        path: task.path,
        tag: tag.name,
        taskId: task.id,
      });
    }
    if (task.parentId === undefined && priority !== undefined && !isTaskPriority(priority)) {
      problems.push({
        severity: 'warning',
        code: 'unknown-priority',
        message: `Task ${task.id} has unknown priority ${JSON.stringify(priority)}; it is treated as medium. Use one of: ${TASK_PRIORITIES.join(', ')}.`,
        path: at('priority'),
        tag: tag.name,
        taskId: task.id,
      });
    } else if (task.parentId === undefined && priority === undefined) {
      problems.push({
        severity: 'info',
        code: 'missing-priority',
        message: `Task ${task.id} has no priority; it is treated as medium.`,
        path: task.path,
        tag: tag.name,
        taskId: task.id,
      });
    }
    if (task.title.trim() === '') {
      problems.push({
        severity: 'warning',
        code: 'empty-title',
        message: `Task ${task.id} has no title.`,
        path: at('title'),
        tag: tag.name,
        taskId: task.id,
      });
    }
    if (task.parentId === undefined && task.description.trim() === '') {
      problems.push({
        severity: 'info',
        code: 'empty-description',
        message: `Task ${task.id} has an empty description.`,
        path: at('description'),
        tag: tag.name,
        taskId: task.id,
      });
    }
  }
}

function checkDependencies(tag: TagView, problems: PlanProblem[], invalid: InvalidDependency[]): void {
  for (const task of allTasks(tag)) {
    task.dependencies.forEach((dependency, index) => {
      const reason = dependency === task.id ? 'self' : tag.byId.has(dependency) ? undefined : 'missing';
      if (!reason) return;
      invalid.push({ tag: tag.name, taskId: task.id, dependency, index, reason });
      problems.push({
        severity: 'error',
        code: reason === 'self' ? 'self-dependency' : 'missing-dependency',
        message:
          reason === 'self'
            ? `Task ${task.id} depends on itself.`
            : `Task ${task.id} depends on ${isSubtaskId(dependency) ? 'subtask' : 'task'} ${dependency}, which does not exist in tag "${tag.name}".`,
        path: [...task.path, 'dependencies', index],
        tag: tag.name,
        taskId: task.id,
      });
    });
  }
  for (const edge of findCycleEdges(tag)) {
    invalid.push({ ...edge, tag: tag.name, reason: 'cycle' });
    const task = tag.byId.get(edge.taskId) as TaskNode;
    problems.push({
      severity: 'error',
      code: 'dependency-cycle',
      message: `Task ${edge.taskId} depends on ${edge.dependency}, which closes a dependency cycle: neither can ever start.`,
      path: [...task.path, 'dependencies', edge.index],
      tag: tag.name,
      taskId: edge.taskId,
    });
  }
}

/**
 * Finds one back edge per cycle with an iterative depth-first search (plans can be deep enough to
 * overflow the stack with recursion). Removing the returned edges leaves the graph acyclic.
 */
export function findCycleEdges(tag: TagView): Array<{ taskId: string; dependency: string; index: number }> {
  const state = new Map<string, 'open' | 'closed'>();
  const edges: Array<{ taskId: string; dependency: string; index: number }> = [];
  for (const start of allTasks(tag)) {
    if (state.has(start.id)) continue;
    const stack: Array<{ node: TaskNode; next: number }> = [{ node: start, next: 0 }];
    state.set(start.id, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.node.dependencies.length) {
        state.set(frame.node.id, 'closed');
        stack.pop();
        continue;
      }
      const index = frame.next++;
      const depId = frame.node.dependencies[index];
      const dep = tag.byId.get(depId);
      if (!dep || dep.id === frame.node.id) continue;
      const seen = state.get(dep.id);
      if (seen === 'open') edges.push({ taskId: frame.node.id, dependency: depId, index });
      else if (seen === undefined) {
        state.set(dep.id, 'open');
        stack.push({ node: dep, next: 0 });
      }
    }
  }
  return edges;
}
