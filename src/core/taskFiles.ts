import { DEFAULT_TAG, type TagView, type TaskNode } from './plan';

/**
 * The files `task-master generate` (0.43) writes: one markdown file per task of a tag, in its
 * layout byte for byte. Every fact here was read off task-master's own output.
 */
export interface TaskFile {
  /** File name inside the output folder. */
  name: string;
  text: string;
}

/** Marks task-master puts after a top-level dependency, by the status of the task it names. */
const DEPENDENCY_MARKS: Record<string, string> = { done: ' ✓', 'in-progress': ' ⧖', deferred: ' ⏸', cancelled: ' ✗', blocked: ' ⛔' };

/** "task_007.md" in master, "task_007_feature.md" in any other tag. */
export function taskFileName(tagName: string, id: unknown): string {
  return `task_${String(id).padStart(3, '0')}${tagName === DEFAULT_TAG ? '' : `_${tagName}`}.md`;
}

/** task-master's fallbacks work on falsy values: an empty or zero field gets the fallback too. */
function orElse(value: unknown, fallback: string): string {
  return value ? String(value) : fallback;
}

export function renderTaskFiles(tag: TagView): TaskFile[] {
  return tag.tasks.map((task) => ({ name: taskFileName(tag.name, task.raw.id), text: renderTaskFile(tag, task) }));
}

function renderTaskFile(tag: TagView, task: TaskNode): string {
  const raw = task.raw;
  let text =
    `# Task ID: ${String(raw.id)}\n\n` +
    `**Title:** ${task.title}\n\n` +
    `**Status:** ${orElse(raw.status, 'pending')}\n\n` +
    `**Dependencies:** ${topLevelDependencies(tag, raw.dependencies)}\n\n` +
    `**Priority:** ${orElse(raw.priority, 'medium')}\n\n` +
    `**Description:** ${orElse(raw.description, '')}\n\n` +
    `**Details:**\n\n${orElse(raw.details, 'No details provided.')}\n\n` +
    `**Test Strategy:**\n\n${orElse(raw.testStrategy, 'No test strategy provided.')}`;
  if (task.subtasks.length > 0) text += `\n\n## Subtasks\n\n${task.subtasks.map((sub) => renderSubtask(task, sub)).join('\n\n')}`;
  // task-master folds every run of blank lines (its own and those inside the text) into one.
  return `${text}\n`.replace(/\n{3,}/g, '\n\n');
}

function topLevelDependencies(tag: TagView, dependencies: unknown): string {
  if (!Array.isArray(dependencies) || dependencies.length === 0) return 'None';
  return dependencies
    .map((dep) => {
      const named = tag.tasks.find((task) => String(task.raw.id) === String(dep));
      return `${String(dep)}${(named && DEPENDENCY_MARKS[String(named.raw.status)]) ?? ''}`;
    })
    .join(', ');
}

function renderSubtask(parent: TaskNode, sub: TaskNode): string {
  const parentId = String(parent.raw.id);
  const deps = sub.raw.dependencies;
  const dependencies =
    Array.isArray(deps) && deps.length > 0 ? deps.map((dep) => (String(dep).includes('.') ? String(dep) : `${parentId}.${String(dep)}`)).join(', ') : 'None';
  let text = `### ${parentId}.${String(sub.raw.id)}. ${sub.title}\n\n**Status:** ${orElse(sub.raw.status, 'pending')}  \n**Dependencies:** ${dependencies}  \n\n${orElse(sub.raw.description, '')}`;
  if (sub.raw.details) text += `\n\n**Details:**\n\n${String(sub.raw.details)}`;
  return text;
}

/**
 * Files of the output folder that belong to tasks no longer in the tag: task-master removes a
 * "task_<number>.md" (or "task_<number>_<tag>.md") whose number is no task's id in that tag.
 * Files of other tags and any other file stay. A tag without tasks removes nothing.
 */
export function staleTaskFiles(tag: TagView, fileNames: readonly string[]): string[] {
  if (tag.tasks.length === 0) return [];
  const ids = new Set(tag.tasks.map((task) => Number(task.raw.id)));
  const suffix = tag.name === DEFAULT_TAG ? '' : `_${tag.name}`;
  return fileNames.filter((name) => {
    if (!name.startsWith('task_') || !name.endsWith(`${suffix}.md`)) return false;
    const number = name.slice('task_'.length, name.length - `${suffix}.md`.length);
    return /^\d+$/.test(number) && !ids.has(Number(number));
  });
}
