import * as assert from 'node:assert/strict';
import { canonicalId, compareIds } from '../../src/core/ids';
import { closestIds, readPlan } from '../../src/core/plan';
import { task, tagged } from '../support/planBuilder';

describe('readPlan', () => {
  it('reads tags in file order with tasks, subtasks and resolved dependencies', () => {
    const plan = readPlan(
      tagged({
        master: [task({ id: 1 }), task({ id: 2, dependencies: [1, '3.1'], subtasks: [{ id: 1 }, { id: 2, dependencies: [1, '1'] }] })],
        feature: [task({ id: 1, status: 'completed' })],
      }),
    );
    assert.equal(plan.format, 'tagged');
    assert.deepEqual([...plan.tags.keys()], ['master', 'feature']);
    const two = plan.tags.get('master')!.byId.get('2')!;
    assert.deepEqual(two.dependencies, ['1', '3.1']);
    assert.deepEqual(two.subtasks[1].dependencies, ['2.1', '2.1']);
    assert.deepEqual(two.subtasks[1].path, ['master', 'tasks', 1, 'subtasks', 1]);
    assert.equal(plan.tags.get('feature')!.tasks[0].status, 'done', 'completed is read as done');
  });

  it('reads the legacy flat format as the master tag', () => {
    const plan = readPlan({ tasks: [task({ id: 1 })], meta: { projectName: 'x' } });
    assert.equal(plan.format, 'legacy');
    assert.deepEqual(plan.tags.get('master')!.path, []);
  });

  it('treats string ids like numbers and keeps odd fields in the raw task', () => {
    const plan = readPlan(tagged({ master: [task({ id: '5', parentId: 'undefined' }), task({ id: 6, dependencies: ['5'] })] }));
    const view = plan.tags.get('master')!;
    assert.equal(view.byId.get('5')!.raw.parentId, 'undefined');
    assert.deepEqual(view.byId.get('6')!.dependencies, ['5']);
  });

  it('reports wrong shapes and keeps what it can read', () => {
    const plan = readPlan({ master: { tasks: [task({ id: 1 }), 'junk', { title: 'no id' }] }, broken: { tasks: {} }, info: { note: 1 } });
    assert.equal(plan.tags.get('master')!.tasks.length, 1);
    assert.deepEqual(
      plan.problems.map((p) => p.path),
      [
        ['master', 'tasks', 1],
        ['master', 'tasks', 2],
        ['broken', 'tasks'],
      ],
    );
    assert.throws(() => readPlan([1, 2]), /holds a list, not a plan/);
    assert.match(readPlan({ foo: 1 }).problems[0].message, /No task list found/);
  });
});

describe('ids', () => {
  it('canonicalises and orders ids numerically', () => {
    assert.equal(canonicalId(' 07 '), '7');
    assert.equal(canonicalId(3), '3');
    assert.deepEqual(['10', '2', '3.10', '3.2', '3'].sort(compareIds), ['2', '3', '3.2', '3.10', '10']);
  });

  it('suggests the closest ids for an unknown one', () => {
    const view = readPlan(tagged({ master: [1, 2, 3, 10, 11].map((id) => task({ id })) })).tags.get('master')!;
    assert.deepEqual(closestIds(view, '9', 2), ['10', '11']);
  });
});
