import * as assert from 'node:assert/strict';
import { cycleLinks } from '../../src/core/dependencyRepair';
import { readPlan } from '../../src/core/plan';
import { fixesFor, fixOperation } from '../../src/core/planFixes';
import { validatePlan } from '../../src/core/validation';
import { taskProblems } from '../../src/tree/taskProblems';
import { loadedPlan, openStore, tagged, task } from '../support/planBuilder';

/** The fixes offered for each problem of the store's plan, by problem code. */
function offered(plan: ReturnType<typeof readPlan>) {
  return validatePlan(plan).problems.flatMap((problem) => fixesFor(plan, problem).map((entry) => ({ code: problem.code, ...entry })));
}

describe('Quick fixes for the Problems of tasks.json (issue 14)', () => {
  it('removes a dependency on a missing task through the store, leaving the rest as it was', async () => {
    const { store, read } = await openStore(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1, 9] })] }));
    const [fix] = offered(loadedPlan(store).plan);
    assert.equal(fix.code, 'missing-dependency');
    assert.equal(fix.title, "Remove 2's dependency on missing 9");
    await store.edit(fixOperation(fix.fix), fix.fix.tag);
    const after = JSON.parse(await read());
    assert.deepEqual(after.master.tasks[1].dependencies, [1]);
    assert.deepEqual(validatePlan(loadedPlan(store).plan).problems, []);
  });

  it('offers each link of a cycle, and removing the chosen one breaks it', async () => {
    const { store, read } = await openStore(tagged({ master: [task({ id: 1, dependencies: [3] }), task({ id: 2, dependencies: [1] }), task({ id: 3, dependencies: [2] }), task({ id: 4, dependencies: [1] })] }));
    const fixes = offered(loadedPlan(store).plan).filter((entry) => entry.code === 'dependency-cycle');
    const links = fixes.map((entry) => entry.fix).map((fix) => (fix.kind === 'remove-dependency' ? `${fix.taskId}->${fix.dependency}` : ''));
    assert.deepEqual([...links].sort(), ['1->3', '2->1', '3->2']);
    const chosen = fixes.find((entry) => entry.fix.kind === 'remove-dependency' && entry.fix.taskId === '2')!;
    await store.edit(fixOperation(chosen.fix), 'master');
    const after = JSON.parse(await read());
    assert.deepEqual(after.master.tasks.map((t: { dependencies: number[] }) => t.dependencies), [[3], [], [2], [1]]);
    assert.deepEqual(validatePlan(loadedPlan(store).plan).problems, []);
  });

  it('finds a shortest cycle through a link, and none where the link closes no cycle', () => {
    const view = readPlan(tagged({ master: [task({ id: 1, dependencies: [2] }), task({ id: 2, dependencies: [1, 3] }), task({ id: 3, dependencies: [1] })] })).tags.get('master')!;
    assert.deepEqual(cycleLinks(view, '1', '2'), [{ taskId: '1', dependency: '2' }, { taskId: '2', dependency: '1' }]);
    assert.deepEqual(cycleLinks(view, '3', '1').length, 3);
    const acyclic = readPlan(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1] })] })).tags.get('master')!;
    assert.deepEqual(cycleLinks(acyclic, '2', '1'), []);
  });

  it('renumbers the second of two tasks with one id, and the first keeps its dependents', async () => {
    const { store, read } = await openStore(tagged({ master: [task({ id: 1 }), task({ id: 2, title: 'First two' }), task({ id: 2, title: 'Second two' }), task({ id: 3, dependencies: [2] })] }));
    const [fix] = offered(loadedPlan(store).plan);
    assert.equal(fix.code, 'duplicate-id');
    assert.equal(fix.title, 'Renumber this task 2 to 4');
    await store.edit(fixOperation(fix.fix), 'master');
    const after = JSON.parse(await read());
    assert.deepEqual(after.master.tasks.map((t: { id: number; title: string }) => `${t.id} ${t.title}`), ['1 Task 1', '2 First two', '4 Second two', '3 Task 3']);
    assert.deepEqual(after.master.tasks[3].dependencies, [2]);
    assert.deepEqual(validatePlan(loadedPlan(store).plan).problems, []);
  });

  it('renumbers a duplicate subtask among its siblings', async () => {
    const { store, read } = await openStore(tagged({ master: [task({ id: 1, subtasks: [{ id: 1 }, { id: 1, title: 'Again' }, { id: 2 }] })] }));
    const [fix] = offered(loadedPlan(store).plan);
    assert.equal(fix.title, 'Renumber this task 1.1 to 1.3');
    await store.edit(fixOperation(fix.fix), 'master');
    assert.deepEqual(JSON.parse(await read()).master.tasks[0].subtasks.map((s: { id: number }) => s.id), [1, 3, 2]);
  });

  it('refuses a renumbering whose duplicate is gone by the time it runs', async () => {
    const { store } = await openStore(tagged({ master: [task({ id: 1 }), task({ id: 1 })] }));
    const [fix] = offered(loadedPlan(store).plan);
    await store.edit(fixOperation(fix.fix), 'master');
    await assert.rejects(store.edit(fixOperation(fix.fix), 'master'), /no second task with id 1/);
  });
});

describe('Tree rows of tasks with a problem (issue 14)', () => {
  it('lists a task\'s errors and warnings, not the notes', () => {
    const plan = readPlan(tagged({ master: [task({ id: 1, description: '' }), task({ id: 2, dependencies: [9] }), task({ id: 3, dependencies: [4] }), task({ id: 4, dependencies: [3] })] }));
    assert.deepEqual(taskProblems(plan, 'master', '1'), [], 'an empty description is only a note');
    assert.deepEqual(taskProblems(plan, 'master', '2').map((problem) => problem.code), ['missing-dependency']);
    assert.equal(['3', '4'].flatMap((id) => taskProblems(plan, 'master', id)).filter((problem) => problem.code === 'dependency-cycle').length, 1);
    assert.deepEqual(taskProblems(plan, 'other', '2'), []);
  });
});
