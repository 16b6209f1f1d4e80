import { escapeMarkdown } from '../core/markdown';
import { nextTaskReason } from '../core/nextTask';
import type { TaskNode } from '../core/plan';

/** A task as a markdown link; the chat's links open the task (see chatMarkdown.taskLinker). */
export type TaskLinker = (task: TaskNode, withTitle?: boolean) => string;

/** One list line: link, status, priority, and what it waits for. */
export function taskLine(link: TaskLinker, task: TaskNode): string {
  const waits = task.dependencies.length ? ` · after ${escapeMarkdown(task.dependencies.join(', '))}` : '';
  const subtasks = task.subtasks.length ? ` · ${task.subtasks.filter((sub) => sub.status === 'done').length}/${task.subtasks.length} subtasks` : '';
  return `- ${link(task)} — \`${task.status}\`${task.parent ? '' : ` · ${task.priority}`}${waits}${subtasks}`;
}

/**
 * A task in full, for /show and /next, under a heading of its own (`label` goes inside the
 * heading: a heading mark is only a heading at the start of a line). The priority is the one Task
 * Master ranks and reports, a subtask's parent's when it has none.
 */
export function taskCard(link: TaskLinker, task: TaskNode, label?: string): string {
  const facts = [`\`${task.status}\``, `${task.priority} priority`, ...(task.parent ? [`subtask of ${link(task.parent, false)}`] : [])];
  if (task.dependencies.length) facts.push(`depends on ${escapeMarkdown(task.dependencies.join(', '))}`);
  const parts = [`### ${label ? `${label}: ` : ''}${link(task)}`, facts.join(' · ')];
  if (task.description) parts.push(escapeMarkdown(task.description));
  if (task.details) parts.push(`**Details**\n\n${quote(task.details)}`);
  if (task.testStrategy) parts.push(`**Test strategy**\n\n${quote(task.testStrategy)}`);
  if (task.subtasks.length) parts.push(`**Subtasks**\n\n${task.subtasks.map((sub) => taskLine(link, sub)).join('\n')}`);
  return parts.join('\n\n');
}

/** The /next answer: the task's card under a "Next" heading, then why it was picked. */
export function nextTaskMarkdown(link: TaskLinker, next: TaskNode): string {
  return `${taskCard(link, next, 'Next')}\n\n**Why this one:** ${escapeMarkdown(nextTaskReason(next))}\n\n`;
}

/** Whether breaking the task down makes sense: top-level, not done, no subtasks yet. */
export function canExpand(task: TaskNode): boolean {
  return !task.parent && task.subtasks.length === 0 && task.status !== 'done';
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join('\n');
}
