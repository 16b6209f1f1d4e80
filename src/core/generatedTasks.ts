import type { GeneratedSubtask, GeneratedTask, NewTaskProposal } from './aiSchemas';
import { addTask, requireTag, requireTask, touchTag, type JsonEdit, type PlanOperation } from './operations';
import { plural } from './text';

/**
 * Turning a model's validated reply into plan edits. Reply ids are local to the reply and get
 * real ids here, in reply order. What a model gets wrong is repaired where the repair is
 * unambiguous, and every repair is reported in `warnings`, never silently written:
 * - a dependency on an id in neither the reply nor the plan, or on the task itself, is dropped;
 * - ids given to several items are renumbered, and a dependency on such an id (which one?) dropped;
 * - a dependency on a later item that closes a cycle is dropped (the prompts ask for earlier ones).
 */
export interface GeneratedOutcome {
  /** The ids given to what was added, in order. */
  ids: string[];
  /** Repair notes: what was changed in the model's answer before it was written, and why. */
  warnings: string[];
}

/** The repair notes as one sentence for a notification: '' when the answer needed none. */
export function repairSummary(warnings: readonly string[]): string {
  return warnings.length ? ` ${plural(warnings.length, 'repair')} to the model's answer: ${warnings.join(' ')}` : '';
}

function highestNumber(ids: string[]): number {
  return ids.reduce((max, id) => Math.max(max, Number(id.slice(id.lastIndexOf('.') + 1)) || 0), 0);
}

export interface ReplyItem {
  id: number;
  title: string;
  dependencies: number[];
}

/**
 * The dependencies of each reply item as real numbers (item `i` becomes `start + i + 1`), or as
 * existing ids where `exists` says a plan item has that id, with every repair noted.
 */
function resolveDependencies(items: ReplyItem[], start: number, noun: 'task' | 'subtask', exists: (id: number) => boolean, notes: string[]): number[][] {
  const holders = new Map<number, number[]>();
  items.forEach((item, index) => holders.set(item.id, [...(holders.get(item.id) ?? []), index]));
  for (const [id, indexes] of holders) {
    if (indexes.length > 1) notes.push(`The model gave id ${id} to ${plural(indexes.length, noun)}; they were numbered ${indexes.map((index) => start + index + 1).join(', ')} in reply order.`);
  }
  const resolved = items.map((item, index) =>
    item.dependencies.flatMap((dep) => {
      const others = (holders.get(dep) ?? []).filter((holder) => holder !== index);
      if (others.length === 1) return [start + others[0] + 1];
      const named = `${noun === 'task' ? 'Task' : 'Subtask'} "${item.title}" named dependency ${dep}`;
      if (others.length > 1) notes.push(`${named}, an id the model gave to several new ${noun}s; it was dropped.`);
      else if (dep === item.id) notes.push(`${named}, itself; it was dropped.`);
      else if (exists(dep)) return [dep];
      else notes.push(`${named}, which ${noun === 'task' ? 'does not exist' : 'is not among the new subtasks'}; it was dropped.`);
      return [];
    }),
  );
  breakCycles(items, resolved, start, noun, notes);
  return resolved;
}

/**
 * Drops each dependency on a later item that closes a cycle. Dependencies on earlier items alone
 * cannot form one, so they are kept, and forward ones are added one by one unless they close one.
 */
function breakCycles(items: ReplyItem[], resolved: number[][], start: number, noun: string, notes: string[]): void {
  const indexOf = (dep: number) => dep - start - 1;
  const isForward = (dep: number, index: number) => indexOf(dep) > index && indexOf(dep) < items.length;
  const kept = resolved.map((deps, index) => deps.filter((dep) => !isForward(dep, index) && indexOf(dep) >= 0).map(indexOf));
  const reaches = (from: number, target: number): boolean => {
    const seen = new Set<number>();
    const stack = [from];
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      if (at === target) return true;
      if (!seen.has(at)) stack.push(...kept[at]);
      seen.add(at);
    }
    return false;
  };
  resolved.forEach((deps, index) => {
    resolved[index] = deps.filter((dep) => {
      if (!isForward(dep, index)) return true;
      if (!reaches(indexOf(dep), index)) {
        kept[index].push(indexOf(dep));
        return true;
      }
      notes.push(`The ${noun} "${items[index].title}" depended on the later ${noun} "${items[indexOf(dep)].title}", which closed a dependency cycle; that dependency was dropped.`);
      return false;
    });
  });
}

export function addGeneratedSubtasks(parentId: string, subtasks: GeneratedSubtask[], replace: boolean, outcome: GeneratedOutcome): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const parent = requireTask(view, parentId);
    const start = replace ? 0 : highestNumber(parent.subtasks.map((sub) => sub.id));
    const values = generatedSubtaskValues(subtasks, start, outcome.warnings);
    outcome.ids.push(...values.map((value) => `${parent.id}.${value.id}`));
    const path = [...parent.path, 'subtasks'];
    const edit: JsonEdit = replace || !Array.isArray(parent.raw.subtasks) ? { kind: 'set', path, value: values } : { kind: 'append', path, values };
    return [edit, ...touchTag(view, now)];
  };
}

/**
 * A model's subtasks as Task Master writes them, pending and numbered after `start`, their
 * dependencies repaired (what was repaired is said in `notes`): what expand and rescoping add.
 */
export function generatedSubtaskValues(subtasks: GeneratedSubtask[], start: number, notes: string[]) {
  const dependencies = resolveDependencies(subtasks, start, 'subtask', () => false, notes);
  return subtasks.map((sub, index) => ({
    id: start + index + 1,
    title: sub.title,
    description: sub.description,
    details: sub.details,
    status: 'pending',
    dependencies: dependencies[index],
    ...(sub.testStrategy ? { testStrategy: sub.testStrategy } : {}),
  }));
}

export function addGeneratedTasks(tasks: GeneratedTask[], replace: boolean, outcome: GeneratedOutcome): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const existing = new Set(replace ? [] : view.tasks.map((task) => task.id));
    const start = replace ? 0 : highestNumber(view.tasks.map((task) => task.id));
    const dependencies = resolveDependencies(tasks, start, 'task', (id) => existing.has(String(id)), outcome.warnings);
    const values = tasks.map((task, index) => {
      const own = start + index + 1;
      outcome.ids.push(String(own));
      return {
        id: own,
        title: task.title,
        description: task.description,
        details: task.details,
        testStrategy: task.testStrategy,
        status: 'pending',
        dependencies: dependencies[index],
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
