import { escapeMarkdown as escape } from './markdown';
import type { TagView, TaskNode } from './plan';
import { unmetDependencies } from './taskOrder';

/**
 * A task as one reads it (what `task-master show` prints): title, status, priority, description,
 * details, test strategy, dependencies with their state, subtasks with theirs, and its recorded
 * history. Plan text is escaped: nothing in tasks.json becomes a link, html or heading.
 */
export function taskViewMarkdown(task: TaskNode, tag: TagView, history: readonly string[] = []): string {
  const parts = [`# ${escape(task.id)} ${escape(task.title)}`];
  const facts = [`**Status:** ${task.status}`, ...(task.parent ? [`**Subtask of:** ${escape(task.parent.id)} ${escape(task.parent.title)}`] : [`**Priority:** ${task.priority}`]), `**Tag:** ${escape(tag.name)}`];
  const waiting = unmetDependencies(task, tag);
  if (task.status === 'pending' && waiting.length) facts.push(`**Blocked:** waits on ${waiting.map(escape).join(', ')}`);
  parts.push(facts.join('  \n'));
  if (task.description) parts.push(escape(task.description));
  if (task.details) parts.push(`## Details\n\n${escapeLines(task.details)}`);
  if (task.testStrategy) parts.push(`## Test strategy\n\n${escapeLines(task.testStrategy)}`);
  if (task.dependencies.length) {
    const lines = task.dependencies.map((dep) => {
      const node = tag.byId.get(dep);
      return node ? `- ${checkbox(node)} ${escape(dep)} ${escape(node.title)} (${node.status})` : `- ${escape(dep)} (missing from the plan)`;
    });
    parts.push(`## Dependencies\n\n${lines.join('\n')}`);
  }
  if (task.subtasks.length) {
    const done = task.subtasks.filter((sub) => sub.status === 'done').length;
    const lines = task.subtasks.map((sub) => `- ${checkbox(sub)} ${escape(sub.id)} ${escape(sub.title)} (${sub.status})`);
    parts.push(`## Subtasks (${done}/${task.subtasks.length} done)\n\n${lines.join('\n')}`);
  }
  if (history.length) parts.push(`## History\n\n${history.map((line) => `- ${escape(line)}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

function checkbox(task: TaskNode): string {
  return task.status === 'done' ? '[x]' : '[ ]';
}

/** Multi-line plan text, each line escaped, its line breaks kept. */
function escapeLines(text: string): string {
  return text.split('\n').map((line) => `${escape(line)}  `).join('\n');
}
