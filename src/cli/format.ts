import type { TagView, TaskNode } from '../core/plan';
import { plural } from '../core/text';

function row(task: TaskNode, indent: string): string {
  return `${indent}${task.id.padEnd(6)} ${task.status.padEnd(11)} ${task.parentId ? ''.padEnd(8) : task.priority.padEnd(8)} ${task.title}`;
}

export function formatTaskList(tag: TagView, tasks: TaskNode[], withSubtasks = true): string {
  const done = tag.tasks.filter((task) => task.status === 'done').length;
  const lines = [`Tag ${tag.name}: ${plural(tag.tasks.length, 'task')}, ${done} done`];
  for (const task of tasks) {
    lines.push(row(task, ''));
    if (withSubtasks) for (const sub of task.subtasks) lines.push(row(sub, '  '));
  }
  return lines.join('\n');
}

export function formatTask(task: TaskNode): string {
  const lines = [`${task.id}  ${task.title}`, `status: ${task.status}   priority: ${task.priority}`];
  if (task.dependencies.length) lines.push(`depends on: ${task.dependencies.join(', ')}`);
  if (task.description) lines.push('', task.description);
  if (task.details) lines.push('', 'Details:', task.details);
  if (task.testStrategy) lines.push('', 'Test strategy:', task.testStrategy);
  if (task.subtasks.length) lines.push('', 'Subtasks:', ...task.subtasks.map((sub) => row(sub, '  ')));
  return lines.join('\n');
}
