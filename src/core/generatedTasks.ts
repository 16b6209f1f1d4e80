import type { GeneratedSubtask, GeneratedTask, NewTaskProposal } from './aiSchemas';
import { addTask, requireTag, requireTask, touchTag, type JsonEdit, type PlanOperation } from './operations';

/**
 * Turning a model's validated reply into plan edits. Reply ids are local to the reply and get
 * real ids here; a dependency the model invented (an id in neither the reply nor the plan) is
 * dropped and reported in `warnings`, never written.
 */
export interface GeneratedOutcome {
  /** The ids given to what was added, in order. */
  ids: string[];
  warnings: string[];
}

function highestNumber(ids: string[]): number {
  return ids.reduce((max, id) => Math.max(max, Number(id.slice(id.lastIndexOf('.') + 1)) || 0), 0);
}

/** Maps reply ids to real numbers in reply order; the first of duplicate reply ids wins. */
function numbering(replyIds: number[], start: number): Map<number, number> {
  const map = new Map<number, number>();
  replyIds.forEach((id, index) => map.has(id) || map.set(id, start + index + 1));
  return map;
}

export function addGeneratedSubtasks(parentId: string, subtasks: GeneratedSubtask[], replace: boolean, outcome: GeneratedOutcome): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const parent = requireTask(view, parentId);
    const start = replace ? 0 : highestNumber(parent.subtasks.map((sub) => sub.id));
    const numbers = numbering(subtasks.map((sub) => sub.id), start);
    const values = subtasks.map((sub, index) => {
      const own = start + index + 1;
      const dependencies: number[] = [];
      for (const dep of sub.dependencies) {
        const mapped = numbers.get(dep);
        if (mapped !== undefined && mapped !== own) dependencies.push(mapped);
        else outcome.warnings.push(`Subtask "${sub.title}" named dependency ${dep}, which is not among the new subtasks; it was dropped.`);
      }
      outcome.ids.push(`${parent.id}.${own}`);
      return {
        id: own,
        title: sub.title,
        description: sub.description,
        details: sub.details,
        status: 'pending',
        dependencies,
        ...(sub.testStrategy ? { testStrategy: sub.testStrategy } : {}),
      };
    });
    const path = [...parent.path, 'subtasks'];
    const edit: JsonEdit = replace || !Array.isArray(parent.raw.subtasks) ? { kind: 'set', path, value: values } : { kind: 'append', path, values };
    return [edit, ...touchTag(view, now)];
  };
}

export function addGeneratedTasks(tasks: GeneratedTask[], replace: boolean, outcome: GeneratedOutcome): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const existing = new Set(replace ? [] : view.tasks.map((task) => task.id));
    const start = replace ? 0 : highestNumber(view.tasks.map((task) => task.id));
    const numbers = numbering(tasks.map((task) => task.id), start);
    const values = tasks.map((task, index) => {
      const own = start + index + 1;
      const dependencies: number[] = [];
      for (const dep of task.dependencies) {
        const mapped = numbers.get(dep) ?? (existing.has(String(dep)) ? dep : undefined);
        if (mapped !== undefined && mapped !== own) dependencies.push(mapped);
        else outcome.warnings.push(`Task "${task.title}" named dependency ${dep}, which does not exist; it was dropped.`);
      }
      outcome.ids.push(String(own));
      return {
        id: own,
        title: task.title,
        description: task.description,
        details: task.details,
        testStrategy: task.testStrategy,
        status: 'pending',
        dependencies,
        priority: task.priority,
        subtasks: [],
      };
    });
    const path = [...view.path, 'tasks'];
    return [replace ? { kind: 'set', path, value: values } : { kind: 'append', path, values }, ...touchTag(view, now)];
  };
}

/** A task the model proposed for a request, with dependencies limited to tasks that exist. */
export function addProposedTask(proposal: NewTaskProposal, outcome: GeneratedOutcome): PlanOperation {
  return (context) => {
    const view = requireTag(context.plan, context.tag);
    const dependencies = proposal.dependencies.map(String).filter((dep) => {
      if (view.byId.has(dep)) return true;
      outcome.warnings.push(`The proposed task named dependency ${dep}, which does not exist; it was dropped.`);
      return false;
    });
    return addTask({ ...proposal, dependencies }, (id) => outcome.ids.push(id))(context);
  };
}
