import * as assert from 'node:assert/strict';
import { namedTaskIds, parseCommitMessage } from '../../src/progress/commitAttribution';

describe('commit message attribution', () => {
  const cases: Array<[string, Array<[string, boolean]>]> = [
    ['Add parser (task 12)', [['12', false]]],
    ['Fix edge case #12.3', [['12.3', false]]],
    ['[12.3] wire the tree', [['12.3', false]]],
    ['tm-12: scaffold', [['12', false]]],
    ['Task: 12\n\nLonger body', [['12', false]]],
    ['closes task 4', [['4', true]]],
    ['Completes #7.2 and mentions task 3', [['7.2', true], ['3', false]]],
    ['Resolved: tasks 4, 5 and 6', [['4', true], ['5', true], ['6', true]]],
    ['done: task 3', [['3', true]]],
    ['Fixes [8]', [['8', true]]],
    ['Bump version to 1.2.3 and PR #45 feedback', [['45', false]]],
    ['Refactor without a task', []],
    ['task 5 again task 5, closes task 5', [['5', true]]],
    ['Split subtask 5 out', []],
    ['Multitask 5 workers; closes subtasks 6, 7', []],
    ['Task 12.3 and tasks 4, 5; see task #12', [['12.3', false], ['4', false], ['5', false], ['12', false]]],
    ['(task 9) done', [['9', false]]],
  ];
  for (const [message, expected] of cases) {
    it(JSON.stringify(message), () => {
      assert.deepEqual(
        parseCommitMessage(message).map((ref) => [ref.taskId, ref.completes]),
        expected,
      );
    });
  }

  it('names tasks only by the word "task" or "tasks" on its own (pull requests use only this form)', () => {
    assert.deepEqual(namedTaskIds('Task 12.3, tasks 4, 5 and task #12'), ['12.3', '4', '5', '12']);
    assert.deepEqual(namedTaskIds('subtask 5, multitask 6, Subtasks 7 and #8'), []);
    assert.deepEqual(namedTaskIds('sub-task 5, multi-task 6'), []);
  });
});
