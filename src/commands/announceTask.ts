import * as vscode from 'vscode';
import { showInformationMessage } from '../notifications';
import type { Project } from '../workspace/projects';
import { CommandIds } from './commandIds';
import { taskRef } from './taskPicker';

export const SHOW_TASK = 'Show Task';

/**
 * Says what a command added or moved, with Show Task first: the task may land past Show More or in
 * another tag, so the button opens it and selects its row (found by id when clicked). The other
 * buttons' choice is returned.
 */
export async function announceTask(message: string, project: Project, tag: string, id: string, ...others: string[]): Promise<string | undefined> {
  const choice = await showInformationMessage(message, SHOW_TASK, ...others);
  if (choice === SHOW_TASK) await vscode.commands.executeCommand(CommandIds.showTask, taskRef(project, tag, id));
  return choice;
}
