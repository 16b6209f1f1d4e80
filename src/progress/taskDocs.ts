import type { Plan, TagView, TaskNode } from '../core/plan';
import { taskTable } from '../core/readmeExport';
import { plural } from '../core/text';

/**
 * The plan as readable markdown, one section per tag, for repositories whose documentation lives
 * in markdown (the home-lab workflow of the research note).
 */
export function renderTaskDocs(plan: Plan, projectName: string, now = new Date()): string {
  const lines = [`# ${projectName}: plan`, '', `Generated from .taskmaster/tasks/tasks.json on ${now.toISOString().slice(0, 10)}.`, ''];
  for (const tag of plan.tags.values()) lines.push(...renderTag(tag));
  return lines.join('\n');
}

function renderTag(tag: TagView): string[] {
  const done = tag.tasks.filter((task) => task.status === 'done').length;
  const description = typeof tag.metadata?.description === 'string' ? tag.metadata.description : '';
  const lines = [`## ${tag.name}`, '', ...(description ? [description, ''] : []), `${done} of ${plural(tag.tasks.length, 'task')} done.`, ''];
  lines.push(...taskTable(tag.tasks), '');
  for (const task of tag.tasks) lines.push(...renderTask(task));
  return lines;
}

function renderTask(task: TaskNode): string[] {
  const lines = [`### ${task.id}. ${task.title}`, '', `*${task.status}, ${task.priority} priority${task.dependencies.length ? `, after ${task.dependencies.join(', ')}` : ''}*`, ''];
  if (task.description) lines.push(task.description, '');
  if (task.details) lines.push('**Details**', '', task.details, '');
  if (task.testStrategy) lines.push('**Test strategy**', '', task.testStrategy, '');
  if (task.subtasks.length) {
    lines.push('**Subtasks**', '');
    for (const sub of task.subtasks) lines.push(`- [${sub.status === 'done' ? 'x' : ' '}] ${sub.id} ${sub.title}${sub.status !== 'done' && sub.status !== 'pending' ? ` (${sub.status})` : ''}`);
    lines.push('');
  }
  return lines;
}
