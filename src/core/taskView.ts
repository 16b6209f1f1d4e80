import { escapeMarkdown as escape } from './markdown';
import type { TagView, TaskNode } from './plan';
import { unmetDependencies } from './taskOrder';

/**
 * A task as one reads it (what `task-master show` prints): title, status, priority, description,
 * details, test strategy, dependencies with their state, subtasks with theirs, and its recorded
 * history. Description, details and test strategy are markdown (as Task Master and the board treat
 * them); ids, titles and history are escaped, so they cannot become links, html or headings.
 */
export function taskViewMarkdown(task: TaskNode, tag: TagView, history: readonly string[] = []): string {
  const parts = [`# ${escape(task.id)} ${escape(task.title)}`];
  const facts = [`**Status:** ${task.status}`, ...(task.parent ? [`**Subtask of:** ${escape(task.parent.id)} ${escape(task.parent.title)}`] : [`**Priority:** ${task.priority}`]), `**Tag:** ${escape(tag.name)}`];
  const waiting = unmetDependencies(task, tag);
  if (task.status === 'pending' && waiting.length) facts.push(`**Blocked:** waits on ${waiting.map(escape).join(', ')}`);
  parts.push(facts.join('  \n'));
  if (task.description) parts.push(task.description);
  if (task.details) parts.push(`## Details\n\n${task.details}`);
  if (task.testStrategy) parts.push(`## Test strategy\n\n${task.testStrategy}`);
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
