import { plural } from '../core/text';
import type { ImportOutcome } from '../github/issueImport';
import type { StatusProposal } from '../github/statusSync';

/**
 * What Import GitHub Issues and Sync GitHub Status say, as plain text without `vscode`, so the
 * wording is tested with the rest of the unit tests.
 */

/** At most this many tasks are named per list in a modal's detail. */
const LISTED_TASKS = 15;

/** "Imported 3 new tasks; updated none. 1 task was already up to date." */
export function importSummary(outcome: ImportOutcome): string {
  const added = outcome.added.length ? plural(outcome.added.length, 'new task') : 'no new tasks';
  const updated = outcome.updated.length ? plural(outcome.updated.length, 'task') : 'none';
  const parts = [`Imported ${added}; updated ${updated}.`];
  if (outcome.unchanged.length) parts.push(`${plural(outcome.unchanged.length, 'task was', 'tasks were')} already up to date.`);
  if (outcome.withNewPullRequests.length) parts.push(`Pull requests recorded on ${plural(outcome.withNewPullRequests.length, 'other task')}.`);
  return parts.join(' ');
}

/** "2 issues could not be read (see the log)."; '' when every issue was read. */
export function unreadableIssuesNote(count: number): string {
  return count ? `${plural(count, 'issue')} could not be read (see the log).` : '';
}

/**
 * The Sync GitHub Status modal: a short question ("Mark 2 tasks done whose issues are closed?"),
 * the tasks in the detail, and what the button says.
 */
export function statusSyncConfirmation(proposals: StatusProposal[], unreadableIssues = 0): { question: string; detail: string; action: string } {
  const done = proposals.filter((proposal) => proposal.status === 'done');
  const cancelled = proposals.filter((proposal) => proposal.status === 'cancelled');
  const what = [done.length ? `${plural(done.length, 'task')} done` : '', cancelled.length ? `${plural(cancelled.length, 'task')} cancelled` : ''].filter(Boolean).join(' and ');
  const detail = [
    done.length ? `Issue closed, so done:\n${taskList(done)}` : '',
    cancelled.length ? `Issue closed as not planned, so cancelled:\n${taskList(cancelled)}` : '',
    unreadableIssuesNote(unreadableIssues),
  ].filter(Boolean).join('\n\n');
  return { question: `Mark ${what} whose issues are closed?`, detail, action: cancelled.length ? 'Update Statuses' : 'Mark Done' };
}

function taskList(proposals: StatusProposal[]): string {
  const lines = proposals.slice(0, LISTED_TASKS).map((proposal) => `${proposal.taskId}: ${proposal.title}`);
  if (proposals.length > LISTED_TASKS) lines.push(`… and ${proposals.length - LISTED_TASKS} more`);
  return lines.join('\n');
}
