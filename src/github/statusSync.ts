import { combineOperations, type PlanOperation } from '../core/operations';
import type { TagView } from '../core/plan';
import { changeStatuses } from '../core/statusChange';
import { isClosedStatus } from '../core/task';
import { GitHubError } from './gitHubError';
import { parseRepositoryName, repositoryName, type GitHubClient } from './gitHubClient';
import { readGitHubLink, updateGitHubLink } from './gitHubLink';

/** A status change the closed issue of a task suggests; nothing is written until it is applied. */
export interface StatusProposal {
  taskId: string;
  title: string;
  issue: { number: number; url: string; repository: string };
  /** done for an issue closed as completed, cancelled for one closed as not planned. */
  status: 'done' | 'cancelled';
}

export interface StatusSync {
  proposals: StatusProposal[];
  /** Linked issues GitHub no longer shows (deleted, or no access), by task id. */
  unavailable: Array<{ taskId: string; number: number }>;
}

/**
 * Asks GitHub about the issue of every task in the tag that was imported from one and is still
 * open (neither done nor cancelled), and proposes a status for each whose issue is closed.
 */
export async function proposeStatusSync(tag: TagView, client: GitHubClient, onProgress?: (checked: number, total: number) => void): Promise<StatusSync> {
  const linked = tag.tasks.flatMap((task) => {
    const link = readGitHubLink(task);
    const repository = link?.repository !== undefined ? parseRepositoryName(link.repository) : undefined;
    return link?.number !== undefined && repository && !isClosedStatus(task.status) ? [{ task, number: link.number, repository }] : [];
  });
  const sync: StatusSync = { proposals: [], unavailable: [] };
  for (const [index, { task, number, repository }] of linked.entries()) {
    try {
      const issue = await client.issue(repository, number);
      if (issue.state === 'closed') {
        sync.proposals.push({
          taskId: task.id,
          title: task.title,
          issue: { number, url: issue.url, repository: repositoryName(repository) },
          status: issue.notPlanned ? 'cancelled' : 'done',
        });
      }
    } catch (error) {
      // One deleted issue must not keep the others from syncing.
      if (!GitHubError.is(error) || error.kind !== 'not-found') throw error;
      sync.unavailable.push({ taskId: task.id, number });
    }
    onProgress?.(index + 1, linked.length);
  }
  return sync;
}

/**
 * Applies accepted proposals: the statuses as `task-master set-status` sets them (updatedAt, the
 * tag's counts), and the issue state recorded on each task.
 */
export function applyStatusProposals(proposals: StatusProposal[]): PlanOperation {
  return combineOperations([
    changeStatuses(proposals.map((proposal) => ({ id: proposal.taskId, status: proposal.status }))),
    ...proposals.map((proposal) => updateGitHubLink(proposal.taskId, { state: 'closed' })),
  ]);
}
