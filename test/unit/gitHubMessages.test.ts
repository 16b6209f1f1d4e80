import * as assert from 'node:assert/strict';
import { importSummary, statusSyncConfirmation } from '../../src/githubCommands/gitHubMessages';
import type { ImportOutcome } from '../../src/github/issueImport';
import type { StatusProposal } from '../../src/github/statusSync';

const ids = (count: number, from = 1) => Array.from({ length: count }, (_, i) => String(from + i));
const outcome = (added: number, updated: number, unchanged = 0, withNewPullRequests = 0): ImportOutcome => ({
  added: ids(added),
  updated: ids(updated, 10),
  unchanged: ids(unchanged, 20),
  withNewPullRequests: ids(withNewPullRequests, 30),
});
const proposal = (taskId: string, status: StatusProposal['status']): StatusProposal => ({
  taskId,
  title: `Task ${taskId}`,
  issue: { number: Number(taskId), url: `https://github.com/o/r/issues/${taskId}`, repository: 'o/r' },
  status,
});

describe('what the GitHub commands say', () => {
  it('sums up an import with a noun for every count', () => {
    assert.equal(importSummary(outcome(3, 0)), 'Imported 3 new tasks; updated none.');
    assert.equal(importSummary(outcome(1, 1)), 'Imported 1 new task; updated 1 task.');
    assert.equal(importSummary(outcome(0, 2, 1)), 'Imported no new tasks; updated 2 tasks. 1 task was already up to date.');
    assert.equal(importSummary(outcome(0, 0, 4, 1)), 'Imported no new tasks; updated none. 4 tasks were already up to date. Pull requests recorded on 1 other task.');
  });

  it('asks a short question for Sync GitHub Status and lists the tasks only in the detail', () => {
    const done = statusSyncConfirmation([proposal('12', 'done'), proposal('14', 'done')]);
    assert.deepEqual(done, { question: 'Mark 2 tasks done whose issues are closed?', detail: 'Issue closed, so done:\n12: Task 12\n14: Task 14', action: 'Mark Done' });

    const mixed = statusSyncConfirmation([proposal('3', 'cancelled'), ...ids(17, 100).map((id) => proposal(id, 'done'))], 2);
    assert.equal(mixed.question, 'Mark 17 tasks done and 1 task cancelled whose issues are closed?');
    assert.equal(mixed.action, 'Update Statuses');
    const [doneList, cancelledList, unreadable] = mixed.detail.split('\n\n');
    assert.deepEqual(doneList.split('\n').slice(-2), ['114: Task 114', '… and 2 more'], 'a long list is cut short');
    assert.equal(cancelledList, 'Issue closed as not planned, so cancelled:\n3: Task 3');
    assert.equal(unreadable, '2 issues could not be read (see the log).');
  });
});
