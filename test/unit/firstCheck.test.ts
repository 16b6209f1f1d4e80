import * as assert from 'node:assert/strict';
import { FirstCheck } from '../../src/core/firstCheck';
import { readPlan } from '../../src/core/plan';
import { validatePlan } from '../../src/core/validation';
import { tagged, task } from '../support/planBuilder';

const loaded = () => readPlan(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [9] })] }));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FirstCheck: a project\'s first plan is checked a moment after it loads, later plans at once', () => {
  const checks: Array<FirstCheck<object>> = [];
  afterEach(() => checks.splice(0).forEach((check) => check.dispose()));
  const firstCheck = (onDue: (project: object) => void) => {
    const check = new FirstCheck<object>(onDue, 20);
    checks.push(check);
    return check;
  };

  it('puts off the first plan of a project once, then calls back, and answers at once from then on', async () => {
    const due: object[] = [];
    const check = firstCheck((project) => due.push(project));
    const project = {};
    assert.equal(check.ready(project, loaded()), false);
    assert.equal(check.ready(project, loaded()), false, 'asked again before the delay: still put off');
    assert.deepEqual(due, []);
    await wait(60);
    assert.deepEqual(due, [project], 'one call back for the project, however often it was asked');
    assert.equal(check.ready(project, loaded()), true, 'a later plan of the project is checked at once');
  });

  it('answers at once for a plan already checked (by another surface), and keeps projects apart', async () => {
    const due: object[] = [];
    const check = firstCheck((project) => due.push(project));
    const checked = loaded();
    validatePlan(checked);
    const first = {};
    const second = {};
    assert.equal(check.ready(first, checked), true);
    assert.equal(check.ready(second, loaded()), false, 'another project has its own first plan');
    assert.equal(check.ready(first, loaded()), true, 'the first project has had its first check');
    await wait(60);
    assert.deepEqual(due, [second]);
  });

  it('calls nothing back once disposed', async () => {
    const due: object[] = [];
    const check = firstCheck((project) => due.push(project));
    check.ready({}, loaded());
    check.dispose();
    await wait(60);
    assert.deepEqual(due, []);
  });
});
