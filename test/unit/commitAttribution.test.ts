import * as assert from 'node:assert/strict';
import { readPlan } from '../../src/core/plan';
import { attributeCommit, namedTaskIds, parseCommitMessage } from '../../src/progress/commitAttribution';
import { task, tagged } from '../support/planBuilder';

/**
 * Tasks 1–20 (1 and 12 with subtasks); 9 was imported from issue 88 of acme/app, 10 from issue 3
 * of acme/docs, 11 lists pull request 45, 13 and 14 both claim issue 200 (of two repositories).
 */
const tag = readPlan(
  tagged({
    master: Array.from({ length: 20 }, (_, i) => i + 1).map((id) => {
      const github =
        id === 9
          ? { number: 88, repository: 'acme/app', url: 'https://github.com/acme/app/issues/88' }
          : id === 10
            ? { number: 3, repository: 'acme/docs' }
            : id === 11
              ? { pullRequests: [{ number: 45, url: 'https://github.com/acme/app/pull/45', state: 'open', title: 'Task 11 work' }] }
              : id === 13 || id === 14
                ? { number: 200, repository: id === 13 ? 'acme/app' : 'acme/web' }
                : undefined;
      return task({ id, subtasks: id === 1 || id === 12 ? [{ id: 1 }, { id: 2 }, { id: 3 }] : [], ...(github ? { metadata: { github } } : {}) });
    }),
  }),
).tags.get('master')!;

/** "9!" completes task 9, "4" names it; in message order. */
function attribution(message: string): string {
  return attributeCommit(message, [], tag)
    .map((a) => `${a.taskId}${a.completes ? '!' : ''}`)
    .join(',');
}

describe('commit message attribution', () => {
  // Shaped like the histories of public repositories: what each names, and what it finishes.
  const cases: Array<[string, string]> = [
    // Task Master's own forms
    ['Add parser (task 12)', '12'],
    ['task 12.3: wire the tree', '12.3'],
    ['tm-12: scaffold', '12'],
    ['Task: 12\n\nLonger body', '12'],
    ['closes task 4', '4!'],
    ['Resolved: tasks 4, 5 and 6', '4!,5!,6!'],
    ['done: task 3', '3!'],
    ['Completes task 7 and mentions task 3', '7!,3'],
    ['closes task 1, also task 3', '1!,3'],
    ['task 5 again task 5, closes task 5', '5!'],
    ['Task 12.3 and tasks 4, 5; see task #12', '12.3,4,5,12'],
    ['(task 9) done', '9'],
    ['Merge branch \'tm-12-login\' into main', '12'],
    // the findings of issue 11
    ['Fixes #12: crash on empty input', ''],
    ['Add OAuth login (#7)', ''],
    ['Update footnotes [2]', ''],
    ['fix: task 1.2.3 regression', ''],
    ['Resolve task 3 and 4 other lint warnings', '3!'],
    // task ids that are not
    ['Split subtask 5 out', ''],
    ['Multitask 5 workers; closes subtasks 6, 7', ''],
    ['Release v1.2.3', ''],
    ['Bump version to 1.2.3 and PR #45 feedback', '11'],
    ['task 2024-01-05 backup rotation', ''],
    ['Handle tasks 3-5 in one pass', ''],
    ['Fix edge case #12.3', ''],
    ['[12.3] wire the tree', ''],
    ['Escape &#39; in titles', ''],
    ['Link to docs/page#7 fixed', ''],
    // conventional commits
    ['fix: task 1.2 off-by-one', '1.2'],
    ['fix(auth): task 3 token refresh', '3'],
    ['feat!: drop Node 16 (task 8)', '8'],
    ['chore: fix task 4', '4!'],
    ['fix: closes task 6 at last', '6!'],
    ['docs: finish task 15', '15!'],
    // closing keywords that do not close
    ['Partially fixes task 3', '3'],
    ['Does not fix task 3 yet', '3'],
    ['Almost done: task 16', '16'],
    ['WIP on task 2; will close task 17 later', '2,17'],
    ['Revert "closes task 4"\n\nThis reverts commit 4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f.', '4'],
    ['revert: fixes #88', '9'],
    // GitHub issue references, through the link stored on the task
    ['Fixes #88: crash', '9!'],
    ['Fixes acme/app#88', '9!'],
    ['Fixes acme/web#88', ''],
    ['Closes acme/docs#3', '10!'],
    ['Refs #88', '9'],
    ['Fixes #200', ''],
    ['Fix login redirect (#45)', '11'],
    ['Fixes #45', '11'],
    ['Closes #88 and #3', '9!,10'],
    // merges, bots, trailers, dates, lists
    ['Merge pull request #45 from acme/task-11-login\n\nAdd login', '11'],
    ["Merge branch 'main' into feature/task-5", ''],
    ["Merge remote-tracking branch 'origin/main'", ''],
    ['Bump lodash from 4.17.20 to 4.17.21 (#312)', ''],
    ['chore(deps): bump actions/checkout from 3 to 4\n\nBumps actions/checkout from 3 to 4.\n\nSigned-off-by: dependabot[bot] <support@github.com>', ''],
    ['Work on the importer, task 14\n\nCo-authored-by: Ada Lovelace <ada@example.com>\nCo-authored-by: Bot <12345+bot@users.noreply.github.com>', '14'],
    ['Nightly backup 2024-03-12', ''],
    ['Changelog for 3.0.0\n\n1. Faster startup\n2. Fixes #12\n3. Done', ''],
    ['Cleanup\n\n- closes task 18\n- task 19 half done', '18!,19'],
    ['Squash of several commits\n\n* task 20: parser\n* fixed task 20 tests', '20!'],
    ['Closes TASK 4, 5 and 6.', '4!,5!,6!'],
    ['Resolves tasks 4, 5 and 6 in the API', '4!,5!,6!'],
    ['Closes tasks 4 and 5 more tests', '4!'],
    ['Refactor without a task', ''],
    ['Remove task 99 leftovers', ''],
  ];
  for (const [message, expected] of cases) {
    it(JSON.stringify(message), () => assert.equal(attribution(message), expected));
  }

  it('keeps GitHub numbers apart from task ids until the plan resolves them', () => {
    assert.deepEqual(parseCommitMessage('Fixes #12, closes task 12'), [
      { kind: 'github', number: 12, completes: true },
      { kind: 'task', taskId: '12', completes: true },
    ]);
  });

  it('names tasks only by the word "task" or "tasks" on its own (pull requests use only this form)', () => {
    assert.deepEqual(namedTaskIds('Task 12.3, tasks 4, 5 and task #12'), ['12.3', '4', '5', '12']);
    assert.deepEqual(namedTaskIds('subtask 5, multitask 6, Subtasks 7 and #8'), []);
    assert.deepEqual(namedTaskIds('sub-task 5, multi-task 6'), []);
    assert.deepEqual(namedTaskIds('task 1.2.3 and task 3 and 4 other warnings'), ['3']);
  });
});
