import { addSubtask, combineOperations, moveSubtask, OperationError, setDependencies, updateTask, type PlanOperation } from '../core/operations';
import type { Plan, TagView } from '../core/plan';
import { setStatuses } from '../core/statusChange';
import { moveTasksToTag, planMove } from '../core/taskStructure';
import type { WebviewMessage } from './protocol';

/** The board's messages that change the plan in one plain write (a tag move and a removal ask first). */
export type BoardEditMessage = Extract<WebviewMessage, { type: 'setStatus' | 'saveTask' | 'addSubtask' | 'moveSubtask' }>;

/** What to do with the dependencies a tag move would leave behind, as the user chose. */
export type LeftBehindChoice = 'none' | 'moveThemToo' | 'dropThem';

/** The plan operation a board edit asks for: the same operations the commands run, so the board edits exactly as the tree does. */
export function boardEdit(message: BoardEditMessage): PlanOperation {
  switch (message.type) {
    case 'setStatus':
      return setStatuses([message.id], message.status);
    case 'saveTask': {
      const { status, ...fields } = message.changes;
      // One write for the whole form: fields, status and dependencies land together or not at all
      // (a refused dependency, a cycle say, leaves the title unsaved too).
      return combineOperations([
        updateTask(message.id, fields),
        ...(status ? [setStatuses([message.id], status)] : []),
        ...(message.dependencies ? [setDependencies(message.id, message.dependencies)] : []),
      ]);
    }
    case 'addSubtask':
      return addSubtask(message.parentId, { title: message.title });
    case 'moveSubtask':
      return moveSubtask(message.parentId, message.subtaskId, message.toIndex);
  }
}

/** The move a `moveToTag` asks for, as `task-master move --from <id> --from-tag --to-tag` with the user's choice for what stays behind. */
export function boardTagMove(message: Extract<WebviewMessage, { type: 'moveToTag' }>, choice: LeftBehindChoice): PlanOperation {
  return moveTasksToTag({
    ids: [message.id],
    fromTag: message.tag,
    toTag: message.toTag,
    withDependencies: choice === 'moveThemToo',
    ignoreDependencies: choice === 'dropThem',
  });
}

type PositionMessage = Extract<WebviewMessage, { type: 'moveToPosition' }>;

/** The move a `moveToPosition` asks for: `task-master move --from <id> --to <to>` within the tag shown. */
export function boardPositionMove(message: PositionMessage, to: string): PlanOperation {
  return planMove({ from: message.id, to }, message.tag).operation;
}

/**
 * Why moving to `to` would be refused, in the operation's own words, or undefined when it would
 * go through: checks an id as the user types it, against the plan as it is now.
 */
export function positionRefusal(plan: Plan, message: PositionMessage, to: string): string | undefined {
  try {
    boardPositionMove(message, to.trim())({ plan, tag: message.tag, now: new Date() });
    return undefined;
  } catch (error) {
    if (OperationError.is(error)) return error.message;
    throw error;
  }
}

/** The id first offered for a move: the one after every task of the tag, where Task Master lists a moved task anyway. */
export function nextFreeTaskId(tag: TagView): string {
  return String(Math.max(0, ...tag.tasks.map((task) => Number(task.id)).filter(Number.isInteger)) + 1);
}
