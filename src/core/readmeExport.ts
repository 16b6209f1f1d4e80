import { markdownCell } from './markdown';
import type { TaskNode } from './plan';
import type { TaskStatus } from './task';

/**
 * The markers that fence the task list `sync-readme` keeps in README.md. They are the ones earlier
 * task-master versions wrote, so a README synced by task-master is updated in place, not doubled.
 */
export const README_EXPORT_START = '<!-- TASKMASTER_EXPORT_START -->';
export const README_EXPORT_END = '<!-- TASKMASTER_EXPORT_END -->';

/** The plan's tasks as a markdown table, with each task's subtasks below it when asked for. */
export function taskTable(tasks: readonly TaskNode[], withSubtasks = false): string[] {
  const row = (task: TaskNode, priority: string) =>
    `| ${task.id}. ${markdownCell(task.title)} | ${task.status} | ${priority} | ${task.dependencies.join(', ') || '–'} |`;
  const lines = ['| Task | Status | Priority | Depends on |', '| --- | --- | --- | --- |'];
  for (const task of tasks) {
    lines.push(row(task, task.priority));
    // A subtask has a priority only where someone wrote one.
    if (withSubtasks) for (const sub of task.subtasks) lines.push(row(sub, typeof sub.raw.priority === 'string' ? sub.priority : '–'));
  }
  return lines;
}

export interface ReadmeExportOptions {
  withSubtasks: boolean;
  /** Only tasks with one of these statuses; all tasks when absent. */
  statuses?: readonly TaskStatus[];
  tagName: string;
  now: Date;
}

/** The fenced section: when and how it was exported, then the table. */
export function renderReadmeExport(tasks: readonly TaskNode[], options: ReadmeExportOptions): string {
  const shown = options.statuses ? tasks.filter((task) => options.statuses!.includes(task.status)) : tasks;
  const stamp = `${options.now.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return [
    README_EXPORT_START,
    `> 🎯 **Taskmaster Export** - ${stamp}`,
    `> 📋 Export: ${options.withSubtasks ? 'with' : 'without'} subtasks • Status filter: ${options.statuses?.join(', ') ?? 'none'} • Tag: ${options.tagName}`,
    '',
    ...taskTable(shown, options.withSubtasks),
    '',
    '> 📋 **End of Taskmaster Export** - Tasks are synced from your project using the `sync-readme` command.',
    README_EXPORT_END,
  ].join('\n');
}

export class ReadmeMarkerError extends Error {}

/**
 * README.md with the section put in: in place of the fenced one when there is one, else at the
 * end. A missing README becomes a heading with the project's name and the section.
 */
export function syncReadmeText(readme: string | undefined, section: string, projectName: string): string {
  if (readme === undefined) return `# ${projectName}\n\n${section}\n`;
  const start = readme.indexOf(README_EXPORT_START);
  const end = readme.indexOf(README_EXPORT_END, start);
  if (start >= 0 && end < 0) {
    // Replacing up to a guessed end could eat the user's text: ask for the fence to be repaired.
    throw new ReadmeMarkerError(
      `README.md has ${README_EXPORT_START} but no ${README_EXPORT_END} after it. Add the end marker where the task list ends (or remove the start marker), then run sync-readme again; README.md was not changed.`,
    );
  }
  if (start >= 0) return readme.slice(0, start) + section + readme.slice(end + README_EXPORT_END.length);
  const separator = readme === '' ? '' : readme.endsWith('\n\n') ? '' : readme.endsWith('\n') ? '\n' : '\n\n';
  return `${readme}${separator}${section}\n`;
}
