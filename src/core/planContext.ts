import { findNextTask } from './nextTask';
import { allTasks, type TagView, type TaskNode } from './plan';

/**
 * A compact, size-bounded view of a tag for a model answering a question about it: one line per
 * task (id, status, priority, title, dependencies), details only for the tasks the question is
 * about. Never the whole file: a 1.5 MB plan still fits a small model's context.
 */
export interface PlanContext {
  text: string;
  /** Tasks the question names or is most likely about, whose details were included. */
  focus: TaskNode[];
  /** Task lines left out to stay within the budget. */
  omitted: number;
}

/** About four characters per token for English text and ids; budgets are in characters. */
export const CHARS_PER_TOKEN = 4;
const DETAIL_LIMIT = 1200;
const MAX_FOCUS = 5;
const STOP_WORDS = new Set('what which when where should would could about after before with from that this there their task tasks have does into them then than next work done need needs the and for are'.split(' '));

export function planContext(tag: TagView, question: string, budgetChars: number): PlanContext {
  const focus = focusTasks(tag, question);
  const next = findNextTask(tag);
  const header = [`Tag "${tag.name}": ${tag.tasks.length} tasks, ${tag.tasks.filter((task) => task.status === 'done').length} done.`, next ? `Next task (Task Master's rule): ${next.id}.` : 'No task is ready to start.'];
  const details = focus.map(describeForQuestion);
  const listHeading = 'All tasks (id [status] priority: title; after = dependencies):';
  const questionPart = details.length ? ['', 'Tasks in question:', ...details] : [];
  const fixed = [...header, '', listHeading, ...questionPart].join('\n').length;
  const allLines = tag.tasks.reduce((sum, task) => sum + taskLine(task).length + 1, 0);
  // Room for the line saying how many were left out, needed unless every line fits.
  const noteRoom = fixed + allLines <= budgetChars ? 0 : omittedNote(tag.tasks.length).length + 1;

  // Open tasks first when the list must be cut: they are what questions are usually about.
  const ranked = [...tag.tasks].sort((a, b) => rank(a) - rank(b));
  const chosen = new Set<TaskNode>();
  let used = fixed;
  for (const task of ranked) {
    const line = taskLine(task);
    if (used + line.length + 1 + noteRoom > budgetChars) break;
    chosen.add(task);
    used += line.length + 1;
  }
  const omitted = tag.tasks.length - chosen.size;
  const lines = tag.tasks.filter((task) => chosen.has(task)).map(taskLine);
  if (omitted) lines.push(omittedNote(omitted));
  const text = [...header, '', listHeading, ...lines, ...questionPart].join('\n');
  return { text, focus, omitted };
}

function omittedNote(count: number): string {
  return `(${count} more tasks left out for length, mostly done or cancelled)`;
}

function rank(task: TaskNode): number {
  return task.status === 'done' || task.status === 'cancelled' ? 1 : 0;
}

function taskLine(task: TaskNode): string {
  const subtasks = task.subtasks.length ? ` [${task.subtasks.filter((sub) => sub.status === 'done').length}/${task.subtasks.length} subtasks done]` : '';
  const after = task.dependencies.length ? `; after ${task.dependencies.join(', ')}` : '';
  return `${task.id} [${task.status}] ${task.priority}: ${task.title}${after}${subtasks}`;
}

/** A task with its description, details and test strategy (each clipped), and its subtasks as lines. */
export function describeForQuestion(task: TaskNode): string {
  const clip = (text: string) => (text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}…` : text);
  return [
    `## ${task.id}: ${task.title} [${task.status}]`,
    task.description && `Description: ${clip(task.description)}`,
    task.details && `Details: ${clip(task.details)}`,
    task.testStrategy && `Test strategy: ${clip(task.testStrategy)}`,
    ...task.subtasks.map((sub) => `- ${sub.id} [${sub.status}] ${sub.title}`),
  ]
    .filter(Boolean)
    .join('\n');
}

/** The tasks a question names by id ("12", "#12", "task 12.3"), else those its words match best. */
export function focusTasks(tag: TagView, question: string): TaskNode[] {
  const named = [...question.matchAll(/(?<![\w.])#?(\d+(?:\.\d+)?)(?![\w.]*\w)/g)].map((match) => tag.byId.get(match[1])).filter((task): task is TaskNode => task !== undefined);
  if (named.length) return [...new Set(named)].slice(0, MAX_FOCUS);
  const words = new Set((question.toLowerCase().match(/[a-z][a-z0-9-]{2,}/g) ?? []).filter((word) => !STOP_WORDS.has(word)));
  if (words.size === 0) return [];
  const scored: Array<{ task: TaskNode; score: number }> = [];
  for (const task of allTasks(tag)) {
    const haystack = `${task.title} ${task.description} ${task.details}`.toLowerCase();
    let score = 0;
    for (const word of words) if (haystack.includes(word)) score += task.title.toLowerCase().includes(word) ? 3 : 1;
    if (score > 0) scored.push({ task, score });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, MAX_FOCUS).map((entry) => entry.task);
}
