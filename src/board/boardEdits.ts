import { addSubtask, combineOperations, moveSubtask, setDependencies, setStatus, updateTask, type PlanOperation } from '../core/operations';
import type { WebviewMessage } from './protocol';

/**
 * The plan operation a board message asks for: the same operations the commands run, so the board
 * edits exactly as the tree does. Undefined for a message that is not an edit.
 */
export function boardEdit(message: WebviewMessage): PlanOperation | undefined {
  switch (message.type) {
    case 'setStatus':
      return setStatus([message.id], message.status);
    case 'saveTask': {
      const { status, ...fields } = message.changes;
      // One write for the whole form: a status change and field changes land together or not at all.
      return combineOperations([updateTask(message.id, fields), ...(status ? [setStatus([message.id], status)] : [])]);
    }
    case 'setDependencies':
      return setDependencies(message.id, message.dependencies);
    case 'addSubtask':
      return addSubtask(message.parentId, { title: message.title });
    case 'moveSubtask':
      return moveSubtask(message.parentId, message.subtaskId, message.toIndex);
    default:
      return undefined;
  }
}
