import { allTasks, type TagView } from '../core/plan';

/**
 * Which tasks a commit message names, and whether it says it finishes them. The patterns, all
 * case-insensitive (a task id is "12" or a subtask id "12.3"):
 *
 *   task 12      task #12.3     Task: 12      tasks 4, 5     #12.3     [12.3]     tm-12
 *
 * and, to say the work is finished, one of closes / closed / close / completes / completed /
 * complete / finishes / finished / fixes / fixed / resolves / resolved / done right before
 * the reference: "closes task 4", "completes #12.3", "fixes [7]", "done: task 3".
 */
export interface CommitReference {
  taskId: string;
  /** The message says the commit finishes this task. */
  completes: boolean;
}

const ID = String.raw`\d+(?:\.\d+)?`;
/**
 * "task 12", "task #12.3", "Task: 12", "tasks 4, 5 and 6": tasks named in so many words; the word
 * must stand alone ("subtask 5", "sub-task 5" and "multitask 5" name no task 5).
 */
const NAMED_TASKS = String.raw`(?<![\w-])tasks?\s*:?\s*#?(${ID}(?:\s*(?:,|and|&)\s*#?${ID})*)`;
const CLOSING = String.raw`(?:close[sd]?|complete[sd]?|finish(?:e[sd])?|fix(?:e[sd])?|resolve[sd]?|done)`;
const REFERENCE = new RegExp(
  String.raw`(?:(${CLOSING})\s*:?\s*)?(?:${NAMED_TASKS}|\[(${ID})\]|(?<![\w.])#(${ID})\b|\btm-(${ID})\b)`,
  'gi',
);

/** The ids of a reference such as "4, #5 and 6" or "07", without leading zeros. */
function idList(list: string): string[] {
  return list.split(/\s*(?:,|and|&)\s*/i).map((id) => id.replace('#', '').replace(/^0+(?=\d)/, ''));
}

/**
 * The task ids a text names in so many words ("task 12", "Task #12.3", "tasks 4, 5"). Pull
 * requests use only this form: there a bare "#12" means a GitHub issue, not a task.
 */
export function namedTaskIds(text: string): string[] {
  return [...new Set([...text.matchAll(new RegExp(NAMED_TASKS, 'gi'))].flatMap((match) => idList(match[1])))];
}

export function parseCommitMessage(message: string): CommitReference[] {
  const found = new Map<string, CommitReference>();
  for (const match of message.matchAll(REFERENCE)) {
    const completes = Boolean(match[1]);
    for (const taskId of idList(match[2] ?? match[3] ?? match[4] ?? match[5])) {
      const known = found.get(taskId);
      found.set(taskId, { taskId, completes: completes || (known?.completes ?? false) });
    }
  }
  return [...found.values()];
}

export interface Attribution extends CommitReference {
  /** How the commit was tied to the task. */
  by: 'message' | 'files';
}

/**
 * The tasks a commit belongs to: those its message names (when they exist in the tag), and those
 * whose details or test strategy name a file it touched, or that file's folder.
 */
export function attributeCommit(message: string, files: readonly string[], tag: TagView): Attribution[] {
  const result = new Map<string, Attribution>();
  for (const reference of parseCommitMessage(message)) {
    if (tag.byId.has(reference.taskId)) result.set(reference.taskId, { ...reference, by: 'message' });
  }
  const needles = new Set<string>();
  for (const file of files) {
    needles.add(file);
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    // A folder counts only when specific enough ("src/auth", not "src") to mean one area of work.
    if (folder.includes('/')) needles.add(`${folder}/`);
  }
  if (needles.size === 0) return [...result.values()];
  for (const task of allTasks(tag)) {
    if (result.has(task.id)) continue;
    const text = `${task.details}\n${task.testStrategy}`;
    if ([...needles].some((needle) => text.includes(needle))) result.set(task.id, { taskId: task.id, completes: false, by: 'files' });
  }
  return [...result.values()];
}
