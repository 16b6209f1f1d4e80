import * as assert from 'node:assert/strict';
import { parseCommitMessage } from '../../src/progress/commitAttribution';

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
  ];
  for (const [message, expected] of cases) {
    it(JSON.stringify(message), () => {
      assert.deepEqual(
        parseCommitMessage(message).map((ref) => [ref.taskId, ref.completes]),
        expected,
      );
    });
  }
});
