import * as assert from 'node:assert/strict';
import { readPlan } from '../../src/core/plan';
import { diffStatuses } from '../../src/progress/statusChanges';
import { renderTaskDocs } from '../../src/progress/taskDocs';
import { task, tagged } from '../support/planBuilder';

describe('status changes between plan versions', () => {
  it('lists every task whose status changed, from any source, and new tasks', () => {
    const before = readPlan(tagged({ master: [task({ id: 1 }), task({ id: 2, subtasks: [{ id: 1 }] })] }));
    const after = readPlan(tagged({ master: [task({ id: 1, status: 'done' }), task({ id: 2, subtasks: [{ id: 1, status: 'in-progress' }] }), task({ id: 3 })] }));
    assert.deepEqual(
      diffStatuses(before, after).map((c) => [c.taskId, c.from, c.to]),
      [
        ['1', 'pending', 'done'],
        ['2.1', 'pending', 'in-progress'],
        ['3', undefined, 'pending'],
      ],
    );
    assert.deepEqual(diffStatuses(undefined, after), [], 'the first load is not a change');
  });
});

describe('task docs', () => {
  it('renders every tag with a summary table and each task with its subtasks', () => {
    const plan = readPlan(tagged({ master: [task({ id: 1, status: 'done', title: 'A | B' }), task({ id: 2, dependencies: [1], details: 'Use nginx.', subtasks: [{ id: 1, status: 'done' }, { id: 2, status: 'blocked' }] })], ops: [task({ id: 1 })] }));
    const docs = renderTaskDocs(plan, 'home-lab', new Date('2026-11-25T00:00:00Z'));
    assert.match(docs, /^# home-lab: plan/);
    assert.match(docs, /## master\n\nTasks for master context\n\n1 of 2 tasks done\./);
    assert.match(docs, /\| 1\. A \\\| B \| done \| medium \| – \|/);
    assert.match(docs, /### 2\. Task 2\n\n\*pending, medium priority, after 1\*/);
    assert.match(docs, /- \[x\] 2\.1 Subtask 1\n- \[ \] 2\.2 Subtask 2 \(blocked\)/);
    assert.match(docs, /## ops/);
  });
});
