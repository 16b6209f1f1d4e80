import { requireTag, requireTask, setMetadataEntry, touchTag, type PlanOperation } from '../core/operations';
import type { TagView, TaskNode } from '../core/plan';
import type { GitHubPullRequest, IssueState } from './gitHubClient';

export type PullRequestLink = Pick<GitHubPullRequest, 'number' | 'url' | 'state' | 'title'>;

/**
 * What a task keeps of GitHub, in its `metadata.github` (Task Master keeps `metadata` as it is):
 * the issue it was imported from, and the pull requests that name it.
 */
export interface GitHubLink {
  number?: number;
  url?: string;
  state?: IssueState;
  /** owner/name */
  repository?: string;
  pullRequests?: PullRequestLink[];
}

/** The task's `metadata.github` as written, or an empty object. */
function rawLink(task: TaskNode): Record<string, unknown> {
  const github = (task.raw.metadata as Record<string, unknown> | undefined)?.github;
  return typeof github === 'object' && github !== null && !Array.isArray(github) ? (github as Record<string, unknown>) : {};
}

/** The task's link to GitHub, with only well-typed fields; undefined when it has none. */
export function readGitHubLink(task: TaskNode): GitHubLink | undefined {
  const raw = rawLink(task);
  const link: GitHubLink = {};
  if (typeof raw.number === 'number') link.number = raw.number;
  if (typeof raw.url === 'string') link.url = raw.url;
  if (raw.state === 'open' || raw.state === 'closed') link.state = raw.state;
  if (typeof raw.repository === 'string') link.repository = raw.repository;
  if (Array.isArray(raw.pullRequests)) link.pullRequests = raw.pullRequests.filter(isPullRequestLink);
  return Object.keys(link).length ? link : undefined;
}

function isPullRequestLink(value: unknown): value is PullRequestLink {
  const pull = value as PullRequestLink;
  return typeof pull === 'object' && pull !== null && typeof pull.number === 'number' && typeof pull.url === 'string' && typeof pull.title === 'string' && typeof pull.state === 'string';
}

/** The tag's tasks imported from the repository's issues, by issue number (GitHub names are case-insensitive). */
export function tasksByIssue(tag: TagView, repository: string): Map<number, TaskNode> {
  const byIssue = new Map<number, TaskNode>();
  for (const task of tag.tasks) {
    const link = readGitHubLink(task);
    if (link?.number !== undefined && link.repository?.toLowerCase() === repository.toLowerCase() && !byIssue.has(link.number)) byIssue.set(link.number, task);
  }
  return byIssue;
}

/** Merges changes into a task's `metadata.github`, keeping keys other tools put there; nothing when it already says so. */
export function updateGitHubLink(taskId: string, changes: GitHubLink): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const task = requireTask(view, taskId);
    const current = rawLink(task);
    const merged = { ...current, ...changes };
    // Spreading keeps the current key order, so equal text means nothing changed.
    if (JSON.stringify(merged) === JSON.stringify(current)) return [];
    return [setMetadataEntry(task, 'github', merged), ...touchTag(view, now)];
  };
}
