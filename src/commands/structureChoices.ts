import { dependsOn } from '../core/operations';
import { allTasks, type Plan, type TagView, type TaskNode } from '../core/plan';
import { plural } from '../core/text';

/**
 * What the tree's structure commands ask and say, as plain functions of the plan (no `vscode`):
 * which tasks an action takes, which choices make sense, and the words of each confirmation.
 */

/** A confirmation: the question, and what it means in detail. */
export interface Confirmation {
  message: string;
  detail: string;
}

/** The tasks to remove, once each: a subtask whose parent goes too is not named again. */
export function removalTargets(view: TagView, ids: string[]): TaskNode[] {
  const nodes = [...new Set(ids.map((id) => view.byId.get(id)).filter((node): node is TaskNode => node !== undefined))];
  const chosen = new Set(nodes);
  return nodes.filter((node) => !node.parent || !chosen.has(node.parent));
}

function named(node: TaskNode): string {
  return `${node.parent ? 'subtask' : 'task'} ${node.id} "${node.title}"`;
}

/** Every task or subtask outside `removed` that depends on one inside it. */
function dependentsOf(view: TagView, removed: Set<string>): TaskNode[] {
  return [...allTasks(view)].filter((node) => !removed.has(node.id) && node.dependencies.some((dependency) => removed.has(dependency)));
}

/** The one question before removing: what goes (with subtask counts) and which dependencies are dropped. */
export function removalConfirmation(view: TagView, targets: TaskNode[]): Confirmation {
  const subtaskCount = (node: TaskNode) => node.subtasks.length;
  const goes = new Set(targets.flatMap((node) => [node.id, ...node.subtasks.map((sub) => sub.id)]));
  const tasks = targets.filter((node) => !node.parent);
  const subtasks = targets.filter((node) => node.parent);
  const carried = tasks.reduce((sum, node) => sum + subtaskCount(node), 0);
  const message =
    targets.length === 1
      ? `Remove ${named(targets[0])}${subtaskCount(targets[0]) ? ` and its ${plural(subtaskCount(targets[0]), 'subtask')}` : ''}?`
      : `Remove ${[tasks.length ? plural(tasks.length, 'task') : '', subtasks.length ? plural(subtasks.length, 'subtask') : ''].filter(Boolean).join(' and ')}${carried ? ` (with ${plural(carried, 'subtask')} of theirs)` : ''}?`;
  const lines = targets.length === 1 ? [] : targets.map((node) => `${node.id} ${node.title}${subtaskCount(node) ? ` (+${plural(subtaskCount(node), 'subtask')})` : ''}`);
  const dependents = dependentsOf(view, goes);
  if (dependents.length) lines.push(`${dependents.map((node) => node.id).join(', ')} depend${dependents.length === 1 ? 's' : ''} on what goes; those dependencies are dropped.`);
  lines.push('You can undo this right after.');
  return { message, detail: lines.join('\n') };
}

export function clearConfirmation(view: TagView, task: TaskNode): Confirmation {
  const goes = new Set(task.subtasks.map((sub) => sub.id));
  const dependents = dependentsOf(view, goes);
  const lines = task.subtasks.map((sub) => `${sub.id} ${sub.title}`);
  if (dependents.length) lines.push(`${dependents.map((node) => node.id).join(', ')} depend${dependents.length === 1 ? 's' : ''} on them; those dependencies are dropped.`);
  lines.push('You can undo this right after.');
  return { message: `Remove the ${plural(task.subtasks.length, 'subtask')} of task ${task.id} "${task.title}"?`, detail: lines.join('\n') };
}

/** The tasks that can take `task` as a subtask: other top-level tasks that do not already wait on it. */
export function parentCandidates(view: TagView, task: TaskNode): TaskNode[] {
  return view.tasks.filter((candidate) => candidate !== task && ![candidate, ...candidate.subtasks].some((node) => dependsOn(view, node, task.id)));
}

/** The tags a task can move to: every other tag, in file order. */
export function otherTags(plan: Plan, tag: string): string[] {
  return [...plan.tags.keys()].filter((name) => name !== tag);
}

/** The question when a move would leave dependencies behind; the answers are MOVE_CHOICES. */
export function leftBehindConfirmation(toTag: string, leftBehind: string[]): Confirmation {
  const shown = leftBehind.slice(0, 10);
  return {
    message: `Some of what moves to "${toTag}" depends on tasks that stay.`,
    detail: `${shown.join('\n')}${leftBehind.length > shown.length ? `\n… and ${leftBehind.length - shown.length} more` : ''}\n\n"Move Them Too" moves those tasks as well; "Drop Those Dependencies" moves only what you picked.`,
  };
}

export const MOVE_CHOICES = { withDependencies: 'Move Them Too', ignoreDependencies: 'Drop Those Dependencies' } as const;

export function deleteTagConfirmation(view: TagView): Confirmation {
  const subtasks = view.tasks.reduce((sum, task) => sum + task.subtasks.length, 0);
  return {
    message: `Delete tag "${view.name}" and its ${plural(view.tasks.length, 'task')}${subtasks ? ` (${plural(subtasks, 'subtask')})` : ''}?`,
    detail: 'You can undo this right after.',
  };
}

/** The note after an undoable edit; its button takes the edit back. */
export const UNDO = 'Undo';
