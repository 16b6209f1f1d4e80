import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { taskRef, type TaskRef } from '../commands/taskPicker';
import type { TaskNode } from '../core/plan';
import { escapeMarkdown } from '../core/markdown';
import type { Project } from '../workspace/projects';
import { canExpand, type TaskLinker } from './taskMarkdown';

/** The commands chat markdown may run from its links: only these, never arbitrary ones. */
const LINK_COMMANDS = [CommandIds.showTask];

export function trustedMarkdown(text: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(text);
  markdown.isTrusted = { enabledCommands: LINK_COMMANDS };
  return markdown;
}

/** `[#12 Title](command:…)`: a task reference that opens the task (its view and its tree row) when clicked. */
export function taskLink(project: Project, tag: string, task: TaskNode, withTitle = true): string {
  const args = encodeURIComponent(JSON.stringify([taskRef(project, tag, task.id)]));
  // A label is one line: a blank line in a title would end the link early.
  const label = escapeMarkdown(`#${task.id}${withTitle ? ` ${task.title}` : ''}`.replace(/\s+/g, ' '));
  return `[${label}](command:${CommandIds.showTask}?${args})`;
}

/** taskLink bound to a project's tag, for the markdown of taskMarkdown.ts. */
export function taskLinker(project: Project, tag: string): TaskLinker {
  return (task, withTitle) => taskLink(project, tag, task, withTitle);
}

/** The buttons that act on a task where it stands: Start, Mark Done, Expand; and Show Task, named as the messages name it. */
export function taskButtons(stream: vscode.ChatResponseStream, ref: TaskRef, task: TaskNode): void {
  if (task.status !== 'in-progress' && task.status !== 'done') stream.button({ title: 'Start', command: CommandIds.startTask, arguments: [ref] });
  if (task.status !== 'done') stream.button({ title: 'Mark Done', command: CommandIds.markDone, arguments: [ref] });
  if (canExpand(task)) stream.button({ title: 'Expand', command: CommandIds.expandTask, arguments: [ref] });
  stream.button({ title: 'Show Task', command: CommandIds.showTask, arguments: [ref] });
}
