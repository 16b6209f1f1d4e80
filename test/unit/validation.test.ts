import * as assert from 'node:assert/strict';
import { readPlan } from '../../src/core/plan';
import { validatePlan } from '../../src/core/validation';
import { task, tagged } from '../support/planBuilder';

describe('validatePlan', () => {
  it('finds duplicate ids, missing and self dependencies, cycles and unknown values', () => {
    const plan = readPlan(
      tagged({
        master: [
          task({ id: 1, dependencies: [3] }),
          task({ id: 2, dependencies: [1, 99, 2] }),
          task({ id: 3, dependencies: [2], status: 'wip', priority: 'urgent' }),
          task({ id: 3, title: 'again' }),
          task({ id: 4, subtasks: [{ id: 1, dependencies: [2] }, { id: 2, dependencies: [1] }] }),
        ],
      }),
    );
    const { problems, invalidDependencies } = validatePlan(plan);
    const codes = problems.map((p) => `${p.code}:${p.taskId}`).sort();
    assert.deepEqual(codes, [
      'dependency-cycle:2',
      'dependency-cycle:4.2',
      'duplicate-id:3',
      'missing-dependency:2',
      'self-dependency:2',
      'unknown-priority:3',
      'unknown-status:3',
    ]);
    assert.deepEqual(
      invalidDependencies.map((d) => `${d.taskId}->${d.dependency}:${d.reason}`).sort(),
      ['2->1:cycle', '2->2:self', '2->99:missing', '4.2->4.1:cycle'],
    );
  });

  it('finds nothing wrong in a sound plan', () => {
    const plan = readPlan(tagged({ master: [task({ id: 1, subtasks: [{ id: 1 }] }), task({ id: 2, dependencies: [1], subtasks: [{ id: 1, dependencies: ['1.1'] }, { id: 2, dependencies: [1, '1'] }] })] }));
    assert.deepEqual(validatePlan(plan).problems, []);
  });

  it('walks a long chain without overflowing the stack', () => {
    const tasks = Array.from({ length: 20000 }, (_, i) => task({ id: i + 1, dependencies: i ? [i] : [20000] }));
    const { invalidDependencies } = validatePlan(readPlan(tagged({ master: tasks })));
    assert.equal(invalidDependencies.length, 1);
    assert.equal(invalidDependencies[0].reason, 'cycle');
  });
});
