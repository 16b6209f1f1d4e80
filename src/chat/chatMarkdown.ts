import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { taskRef, type TaskRef } from '../commands/taskPicker';
import type { TaskNode } from '../core/plan';
import { escapeMarkdown } from '../core/markdown';
import type { Project } from '../workspace/projects';

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

/** One list line: link, status, priority, and what it waits for. */
export function taskLine(project: Project, tag: string, task: TaskNode): string {
  const waits = task.dependencies.length ? ` · after ${escapeMarkdown(task.dependencies.join(', '))}` : '';
  const subtasks = task.subtasks.length ? ` · ${task.subtasks.filter((sub) => sub.status === 'done').length}/${task.subtasks.length} subtasks` : '';
  return `- ${taskLink(project, tag, task)} — \`${task.status}\`${task.parent ? '' : ` · ${task.priority}`}${waits}${subtasks}`;
}

/** A task in full, for /show and /next. */
export function taskCard(project: Project, tag: string, task: TaskNode): string {
  const parts = [`### ${taskLink(project, tag, task)}`, `\`${task.status}\` · ${task.priority} priority${task.dependencies.length ? ` · depends on ${escapeMarkdown(task.dependencies.join(', '))}` : ''}`];
  if (task.description) parts.push(escapeMarkdown(task.description));
  if (task.details) parts.push(`**Details**\n\n${quote(task.details)}`);
  if (task.testStrategy) parts.push(`**Test strategy**\n\n${quote(task.testStrategy)}`);
  if (task.subtasks.length) parts.push(`**Subtasks**\n\n${task.subtasks.map((sub) => taskLine(project, tag, sub)).join('\n')}`);
  return parts.join('\n\n');
}

/** Whether breaking the task down makes sense: top-level, not done, no subtasks yet. */
export function canExpand(task: TaskNode): boolean {
  return !task.parent && task.subtasks.length === 0 && task.status !== 'done';
}

/** The buttons that act on a task where it stands: Start, Mark done, Expand. */
export function taskButtons(stream: vscode.ChatResponseStream, ref: TaskRef, task: TaskNode): void {
  if (task.status !== 'in-progress' && task.status !== 'done') stream.button({ title: 'Start', command: CommandIds.startTask, arguments: [ref] });
  if (task.status !== 'done') stream.button({ title: 'Mark Done', command: CommandIds.markDone, arguments: [ref] });
  if (canExpand(task)) stream.button({ title: 'Expand', command: CommandIds.expandTask, arguments: [ref] });
  stream.button({ title: 'Show', command: CommandIds.showTask, arguments: [ref] });
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join('\n');
}
