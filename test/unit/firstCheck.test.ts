import * as assert from 'node:assert/strict';
import { FirstCheck } from '../../src/core/firstCheck';
import { readPlan } from '../../src/core/plan';
import { validatePlan } from '../../src/core/validation';
import { tagged, task } from '../support/planBuilder';

const loaded = () => readPlan(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [9] })] }));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FirstCheck: a project\'s first plan is checked a moment after it loads, later plans at once', () => {
  type Project = { folder: string };
  const checks: Array<FirstCheck<Project>> = [];
  afterEach(() => checks.splice(0).forEach((check) => check.dispose()));
  const firstCheck = (onDue: (project: Project) => void) => {
    const check = new FirstCheck<Project>((project) => project.folder, onDue, 20);
    checks.push(check);
    return check;
  };

  it('puts off the first plan of a project once, then calls back, and answers at once from then on', async () => {
    const due: Project[] = [];
    const check = firstCheck((project) => due.push(project));
    const project = { folder: '/a' };
    assert.equal(check.ready(project, loaded()), false);
    assert.equal(check.ready(project, loaded()), false, 'asked again before the delay: still put off');
    assert.deepEqual(due, []);
    await wait(60);
    assert.deepEqual(due, [project], 'one call back for the project, however often it was asked');
    assert.equal(check.ready(project, loaded()), true, 'a later plan of the project is checked at once');
  });

  it('answers at once for a plan already checked (by another surface), and keeps projects apart', async () => {
    const due: Project[] = [];
    const check = firstCheck((project) => due.push(project));
    const checked = loaded();
    validatePlan(checked);
    const first = { folder: '/a' };
    const second = { folder: '/b' };
    assert.equal(check.ready(first, checked), true);
    assert.equal(check.ready(second, loaded()), false, 'another project has its own first plan');
    assert.equal(check.ready(first, loaded()), true, 'the first project has had its first check');
    await wait(60);
    assert.deepEqual(due, [second]);
  });

  it('calls nothing back once disposed', async () => {
    const due: Project[] = [];
    const check = firstCheck((project) => due.push(project));
    check.ready({ folder: '/a' }, loaded());
    check.dispose();
    await wait(60);
    assert.deepEqual(due, []);
  });

  it('knows a project opened again by its folder: its plan is checked at once, with no first-plan pause', async () => {
    const due: Project[] = [];
    const check = firstCheck((project) => due.push(project));
    assert.equal(check.ready({ folder: '/a' }, loaded()), false);
    await wait(60);
    // A plan server's new token opens the folder's project anew: its rows must not lose their problems for a moment.
    assert.equal(check.ready({ folder: '/a' }, loaded()), true);
    assert.equal(due.length, 1);
  });

  it('calls back with the project last asked about when its folder was opened again before the check', async () => {
    const due: Project[] = [];
    const check = firstCheck((project) => due.push(project));
    const first = { folder: '/a' };
    const reopened = { folder: '/a' };
    assert.equal(check.ready(first, loaded()), false);
    assert.equal(check.ready(reopened, loaded()), false);
    await wait(60);
    assert.equal(due.length, 1);
    assert.equal(due[0], reopened, 'the old project\'s store is closed: the check is for the new one');
  });
});
