import { addSubtask, combineOperations, moveSubtask, setDependencies, setStatus, updateTask, type PlanOperation } from '../core/operations';
import type { WebviewMessage } from './protocol';

/** The board's messages that change the plan. */
export type BoardEditMessage = Extract<WebviewMessage, { type: 'setStatus' | 'saveTask' | 'addSubtask' | 'moveSubtask' }>;

/** The plan operation a board edit asks for: the same operations the commands run, so the board edits exactly as the tree does. */
export function boardEdit(message: BoardEditMessage): PlanOperation {
  switch (message.type) {
    case 'setStatus':
      return setStatus([message.id], message.status);
    case 'saveTask': {
      const { status, ...fields } = message.changes;
      // One write for the whole form: fields, status and dependencies land together or not at all
      // (a refused dependency, a cycle say, leaves the title unsaved too).
      return combineOperations([
        updateTask(message.id, fields),
        ...(status ? [setStatus([message.id], status)] : []),
        ...(message.dependencies ? [setDependencies(message.id, message.dependencies)] : []),
      ]);
    }
    case 'addSubtask':
      return addSubtask(message.parentId, { title: message.title });
    case 'moveSubtask':
      return moveSubtask(message.parentId, message.subtaskId, message.toIndex);
  }
}
