import { addTasks, combineOperations, requireTag, updateTask, type AddTaskInput, type JsonEdit, type PlanOperation } from '../core/operations';
import type { TagView, TaskNode } from '../core/plan';
import { TASK_PRIORITIES, isTaskPriority, type TaskPriority } from '../core/task';
import { namedTaskIds } from '../progress/commitAttribution';
import type { GitHubIssue, GitHubPullRequest } from './gitHubClient';
import { readGitHubLink, tasksByIssue, updateGitHubLink, type PullRequestLink } from './gitHubLink';

/** Labels that set an imported task's priority, matched case-insensitively (the setting's default). */
export const DEFAULT_PRIORITY_BY_LABEL: Record<string, TaskPriority> = {
  'priority: critical': 'critical',
  critical: 'critical',
  bug: 'high',
  'priority: high': 'high',
  enhancement: 'medium',
  'priority: low': 'low',
};

/** How many of the most recently updated pull requests are searched for task references. */
export const PULL_REQUEST_SCAN_LIMIT = 300;

/** The highest priority any of the labels maps to; undefined when none maps. */
export function priorityFromLabels(labels: string[], priorityByLabel: Record<string, string>): TaskPriority | undefined {
  const byLabel = new Map(Object.entries(priorityByLabel).map(([label, priority]) => [label.toLowerCase(), priority]));
  const mapped = labels.map((label) => byLabel.get(label.toLowerCase())).filter(isTaskPriority);
  return mapped.sort((a, b) => TASK_PRIORITIES.indexOf(b) - TASK_PRIORITIES.indexOf(a))[0];
}

/** An issue body as task text: its first paragraph is the description, the rest the details. */
export function splitIssueBody(body: string): { description: string; details: string } {
  // Issue templates leave HTML comments for the author: they are not part of the issue.
  const text = body.replace(/<!--[\s\S]*?-->/g, '').replace(/\r\n?/g, '\n').trim();
  const paragraphBreak = /\n[ \t]*\n/.exec(text);
  if (!paragraphBreak) return { description: text, details: '' };
  return { description: text.slice(0, paragraphBreak.index).trim(), details: text.slice(paragraphBreak.index).trim() };
}

export interface IssueTaskFields {
  title: string;
  description: string;
  details: string;
  /** Only when a label maps to one. */
  priority?: TaskPriority;
}

/**
 * The timestamped note blocks in a task's details, in order: what `appendNote` (and Task Master's
 * update-subtask) add, `<info added on STAMP>…</info added on STAMP>`.
 */
function noteBlocks(details: string): string[] {
  return [...details.matchAll(/<info added on ([^>\n]+)>[\s\S]*?<\/info added on \1>/g)].map((match) => match[0]);
}

/**
 * Details from the issue, followed by the notes the task gathered: GitHub owns the one, the user
 * the other. A note the issue itself quotes is not added again.
 */
function detailsWithNotes(fromIssue: string, current: string): string {
  return [fromIssue, ...noteBlocks(current).filter((note) => !fromIssue.includes(note))].filter(Boolean).join('\n\n');
}

export function taskFieldsFromIssue(issue: GitHubIssue, priorityByLabel: Record<string, string>): IssueTaskFields {
  return { title: issue.title.trim(), ...splitIssueBody(issue.body), priority: priorityFromLabels(issue.labels, priorityByLabel) };
}

/** The pull requests naming each task of the tag ("task 12", "Task #12.3"), by task id. */
export function pullRequestsByTask(pullRequests: GitHubPullRequest[], tag: TagView): Map<string, PullRequestLink[]> {
  const byTask = new Map<string, PullRequestLink[]>();
  for (const pull of pullRequests) {
    for (const taskId of namedTaskIds(`${pull.title}\n${pull.body}`)) {
      if (!tag.byId.has(taskId)) continue;
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), { number: pull.number, url: pull.url, state: pull.state, title: pull.title }]);
    }
  }
  return byTask;
}

/**
 * The task's pull requests with those just found: a found one replaces its older record, and
 * earlier ones stay (only the latest pull requests are searched each time).
 */
function withPullRequests(task: TaskNode, found: PullRequestLink[] | undefined): { pullRequests?: PullRequestLink[] } {
  if (!found) return {};
  const byUrl = new Map((readGitHubLink(task)?.pullRequests ?? []).map((pull) => [pull.url, pull]));
  for (const pull of found) byUrl.set(pull.url, pull);
  return { pullRequests: [...byUrl.values()].sort((a, b) => a.number - b.number) };
}

export interface GitHubImport {
  /** owner/name */
  repository: string;
  issues: GitHubIssue[];
  pullRequests: GitHubPullRequest[];
  priorityByLabel: Record<string, string>;
}

/** What an import did, by task id. */
export interface ImportOutcome {
  added: string[];
  /** Tasks of imported issues that changed. */
  updated: string[];
  /** Tasks of imported issues that already said what the issue says. */
  unchanged: string[];
  /** Other tasks whose list of pull requests changed. */
  withNewPullRequests: string[];
}

/**
 * Imports issues into the tag in one write. An issue already imported (its task's
 * `metadata.github` names the repository and number) updates that task's title, description,
 * details, priority and issue state, keeping its status, subtasks, dependencies and the notes
 * added to its details; other issues become new tasks. Pull requests naming a task are recorded
 * on it.
 */
export function importFromGitHub(input: GitHubImport, outcome: ImportOutcome): PlanOperation {
  return (context) => {
    const view = requireTag(context.plan, context.tag);
    const pullRequests = pullRequestsByTask(input.pullRequests, view);
    const imported = tasksByIssue(view, input.repository);
    const edits: JsonEdit[] = [];
    const newTasks: AddTaskInput[] = [];
    // Oldest issue first, so task ids follow issue numbers (GitHub lists the newest first).
    for (const issue of [...input.issues].sort((a, b) => a.number - b.number)) {
      const fields = taskFieldsFromIssue(issue, input.priorityByLabel);
      const link = { number: issue.number, url: issue.url, state: issue.state, repository: input.repository };
      const task = imported.get(issue.number);
      if (!task) {
        newTasks.push({ ...fields, metadata: { github: link } });
        continue;
      }
      const update = updateTask(task.id, { ...fields, details: detailsWithNotes(fields.details, task.details) });
      const changes = combineOperations([update, updateGitHubLink(task.id, { ...link, ...withPullRequests(task, pullRequests.get(task.id)) })])(context);
      pullRequests.delete(task.id);
      (changes.length ? outcome.updated : outcome.unchanged).push(task.id);
      edits.push(...changes);
    }
    for (const [taskId, found] of pullRequests) {
      const changes = updateGitHubLink(taskId, withPullRequests(view.byId.get(taskId)!, found))(context);
      if (changes.length) outcome.withNewPullRequests.push(taskId);
      edits.push(...changes);
    }
    return combineOperations([() => edits, addTasks(newTasks, (ids) => outcome.added.push(...ids))])(context);
  };
}
