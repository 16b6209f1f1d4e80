import * as vscode from 'vscode';
import { showInformationMessage } from '../notifications';
import type { Project } from '../workspace/projects';
import { CommandIds } from './commandIds';
import { taskRef } from './taskPicker';

/** A task a message can show: the first one a command added, or one it moved. */
export interface TaskToShow {
  project: Project;
  tag: string;
  id: string;
}

const SHOW_TASK = 'Show Task';

/**
 * Says what a command did, with Show Task first when it added or moved a task: the task may land
 * past Show More or in another tag, so the button opens it and selects its row (found by id when
 * clicked). The other buttons' choice is returned.
 */
export async function announceTask(message: string, task: TaskToShow | undefined, ...others: string[]): Promise<string | undefined> {
  const choice = await showInformationMessage(message, ...(task ? [SHOW_TASK] : []), ...others);
  if (task && choice === SHOW_TASK) await vscode.commands.executeCommand(CommandIds.showTask, taskRef(task.project, task.tag, task.id));
  return choice;
}
