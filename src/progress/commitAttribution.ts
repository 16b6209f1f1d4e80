import { allTasks, type TagView, type TaskNode } from '../core/plan';
import { readGitHubLink } from '../github/gitHubLink';

/**
 * Which tasks a commit message names, and whether it says it finishes them. Case-insensitive; a
 * task id is "12" or a subtask id "12.3" ("1.2.3", "v1.2", "2024-01-05" are not ids):
 *
 *   task 12     task #12.3     Task: 12     tasks 4, 5 and 6     tm-12
 *
 * and GitHub references, which name a task only through the link GitHub import stored on it
 * (`metadata.github`): `#7` or `owner/repo#7` is the task imported from issue 7, or a task whose
 * linked pull requests include 7. Nothing else names a task: not `[2]`, not a bare `#12.3`.
 *
 * A closing keyword (close(s/d), complete(s/d), finish(es/ed), fix(es/ed), resolve(s/d), done)
 * finishes only the reference it directly precedes: "closes task 4", "Fixes #7". Not when it is
 * the conventional-commit type `fix:`, not after not/never/partially/partly/almost/half, not in a
 * revert, and not for a pull request number.
 */
export type MessageReference =
  | { kind: 'task'; taskId: string; completes: boolean }
  | { kind: 'github'; number: number; repository?: string; completes: boolean };

/** An id not followed by more of a number: "1.2" in "1.2.3" or "2024" in "2024-01" is no id. */
const ID = String.raw`\d+(?:\.\d+)?(?!\w|[.\-/]\d)`;
const LIST_SEPARATOR = String.raw`\s*(?:,|\band\b|&)\s*`;
/**
 * "task 12", "task #12.3", "Task: 12", "tasks 4, 5 and 6": tasks named in so many words; the word
 * must stand alone ("subtask 5", "sub-task 5" and "multitask 5" name no task 5).
 */
const NAMED_TASKS = String.raw`(?<![\w-])tasks?\s*:?\s*#?(${ID}(?:${LIST_SEPARATOR}#?${ID})*)`;
const TM_PREFIX = String.raw`(?<![\w-])tm-(${ID})`;
/** "#7", "owner/repo#7"; not "&#39;", "page#7" or "#7.1". */
const GITHUB = String.raw`(?:(?<![\w./-])([A-Za-z0-9][\w.-]*\/[\w.-]+)#|(?<![\w&/#.-])#)(\d+)(?!\w|[.\-/]\d)`;
const CLOSING = String.raw`close[sd]?|complete[sd]?|finish(?:e[sd])?|fix(?:e[sd])?|resolve[sd]?|done`;
const REFERENCE = new RegExp(String.raw`(?:(?<![\w-])(${CLOSING})(\s*:)?\s*)?(?:${NAMED_TASKS}|${TM_PREFIX}|${GITHUB})`, 'gi');
const NEGATED = /(?:\b(?:not|never|partially|partly|almost|half|will|would|should|could|can|cannot|may|might|must|to)|n't)\s+$/i;
const REVERT = /^\s*revert\b/i;

/** A word after a list's last number that does not continue the sentence: the number is a count. */
const COUNTED_WORD = /^\s+(?!(?:and|or|but|plus|also|too|together|now|then|so|in|on|for|to|with|from|by|via|at|of|as|into|after|before|since|because|is|are|was|were)\b)[a-z]/i;

/**
 * The ids of a list such as "4, #5 and 6" or "07", without leading zeros. A last id followed by
 * a word that does not continue a sentence is a count ("task 3 and 4 other warnings"): dropped.
 */
function idList(list: string, after: string): string[] {
  const ids = list.split(new RegExp(LIST_SEPARATOR, 'i')).map((id) => id.replace('#', '').replace(/^0+(?=\d)/, ''));
  if (ids.length > 1 && COUNTED_WORD.test(after)) ids.pop();
  return ids;
}

/** Whether the keyword of a match says the work is finished (see the module comment). */
function isClosing(message: string, match: RegExpMatchArray): boolean {
  const [, keyword, colon] = match;
  if (!keyword) return false;
  const before = message.slice(0, match.index);
  const conventionalType = keyword.toLowerCase() === 'fix' && colon !== undefined && /(^|\n)\s*$/.test(before);
  return !conventionalType && !NEGATED.test(before);
}

/**
 * The task ids a text names in so many words ("task 12", "Task #12.3", "tasks 4, 5"). Pull
 * requests use only this form: there a bare "#12" means a GitHub issue, not a task.
 */
export function namedTaskIds(text: string): string[] {
  return [...new Set([...text.matchAll(new RegExp(NAMED_TASKS, 'gi'))].flatMap((match) => idList(match[1], text.slice(match.index! + match[0].length))))];
}

/** Every reference in a message, in order, each task or GitHub number once (closing wins). */
export function parseCommitMessage(message: string): MessageReference[] {
  const found = new Map<string, MessageReference>();
  const reverted = REVERT.test(message);
  const add = (key: string, reference: MessageReference) => {
    const known = found.get(key);
    found.set(key, { ...reference, completes: reference.completes || (known?.completes ?? false) });
  };
  for (const match of message.matchAll(REFERENCE)) {
    const completes = !reverted && isClosing(message, match);
    const [, , , named, prefixed, repository, number] = match;
    if (number !== undefined) {
      add(`#${repository?.toLowerCase() ?? ''}#${number}`, { kind: 'github', number: Number(number), ...(repository ? { repository } : {}), completes });
      continue;
    }
    const ids = named !== undefined ? idList(named, message.slice(match.index! + match[0].length)) : idList(prefixed, '');
    for (const taskId of ids) add(taskId, { kind: 'task', taskId, completes });
  }
  return [...found.values()];
}

export interface Attribution {
  taskId: string;
  /** The message says the commit finishes this task. */
  completes: boolean;
  /** How the commit was tied to the task. */
  by: 'message' | 'files';
}

/**
 * The one task a GitHub number stands for: the task imported from that issue, else the task that
 * lists that pull request (never completed by it). Two candidates are no answer.
 */
function taskForGitHubNumber(tag: TagView, reference: Extract<MessageReference, { kind: 'github' }>): { task: TaskNode; completes: boolean } | undefined {
  const inRepository = (repository: string | undefined) => !reference.repository || repository?.toLowerCase() === reference.repository.toLowerCase();
  const issues: TaskNode[] = [];
  const pulls: TaskNode[] = [];
  for (const task of allTasks(tag)) {
    const link = readGitHubLink(task);
    if (!link || !inRepository(link.repository)) continue;
    if (link.number === reference.number) issues.push(task);
    else if (link.pullRequests?.some((pull) => pull.number === reference.number)) pulls.push(task);
  }
  if (issues.length === 1) return { task: issues[0], completes: reference.completes };
  if (issues.length === 0 && pulls.length === 1) return { task: pulls[0], completes: false };
  return undefined;
}

/** Paths a task's text may name for these files: each file, and its folder when specific enough. */
function fileNeedles(files: readonly string[]): Set<string> {
  const needles = new Set<string>();
  for (const file of files) {
    needles.add(file);
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    // A folder counts only when specific enough ("src/auth", not "src") to mean one area of work.
    if (folder.includes('/')) needles.add(`${folder}/`);
  }
  return needles;
}

/**
 * The tasks a commit belongs to: those its message names (when they exist in the tag), and those
 * whose details or test strategy name a file it touched, or that file's folder.
 */
export function attributeCommit(message: string, files: readonly string[], tag: TagView): Attribution[] {
  const result = new Map<string, Attribution>();
  const add = (taskId: string, completes: boolean) => {
    const known = result.get(taskId);
    result.set(taskId, { taskId, completes: completes || (known?.completes ?? false), by: 'message' });
  };
  for (const reference of parseCommitMessage(message)) {
    if (reference.kind === 'task') {
      if (tag.byId.has(reference.taskId)) add(reference.taskId, reference.completes);
      continue;
    }
    const linked = taskForGitHubNumber(tag, reference);
    if (linked) add(linked.task.id, linked.completes);
  }
  const needles = fileNeedles(files);
  if (needles.size === 0) return [...result.values()];
  for (const task of allTasks(tag)) {
    if (result.has(task.id)) continue;
    const text = `${task.details}\n${task.testStrategy}`;
    if ([...needles].some((needle) => text.includes(needle))) result.set(task.id, { taskId: task.id, completes: false, by: 'files' });
  }
  return [...result.values()];
}
