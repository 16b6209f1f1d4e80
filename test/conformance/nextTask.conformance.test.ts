import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { findNextTask } from '../../src/core/nextTask';
import { readPlan } from '../../src/core/plan';
import { validatePlan } from '../../src/core/validation';
import { task, tagged, taskMasterText, tempDir } from '../support/planBuilder';
import { generateConformanceTasks, seededRandom } from '../support/planGenerator';
import { mapWithLimit, peerCommand, peerNext, peerNextTask, peerScript, type PeerAnswer } from '../support/taskMasterPeer';

/**
 * `tml next` against the real `task-master next` (task-master-ai 0.43, a devDependency) on the same
 * files and tags. Neither answer is written down here: both are computed on every run.
 */
interface Case {
  name: string;
  data: unknown;
  tags: string[];
}

const GENERATED_PLANS = 24;

/** Plans aimed at one rule each, on top of the random ones. */
function edgeCases(): Case[] {
  const one = (name: string, tasks: Array<Record<string, unknown>>): Case => ({ name, data: tagged({ master: tasks }), tags: ['master'] });
  return [
    one('phase 1 beats a critical top-level task', [task({ id: 1, status: 'in-progress', priority: 'low', subtasks: [{ id: 1, status: 'done' }, { id: 2, dependencies: [1] }] }), task({ id: 2, priority: 'critical' })]),
    one('a subtask number names a sibling, not task 3', [task({ id: 3, status: 'done' }), task({ id: 2, status: 'in-progress', subtasks: [{ id: 1, dependencies: [3] }] })]),
    one('cancelled does not satisfy a dependency', [task({ id: 1, status: 'cancelled' }), task({ id: 2, priority: 'high', dependencies: [1] }), task({ id: 3, priority: 'low' })]),
    one('ids compare numerically, strings too', [task({ id: '10', priority: 'high' }), task({ id: '9', priority: 'high' }), task({ id: 11, priority: 'high' })]),
    one('non-numeric ids keep file order', [task({ id: 'b', priority: 'high' }), task({ id: 'a', priority: 'high' }), task({ id: 3, priority: 'high' })]),
    one('fewer dependencies first', [task({ id: 1, status: 'done' }), task({ id: 5, status: 'done' }), task({ id: 2, priority: 'high', dependencies: [1, 5] }), task({ id: 3, priority: 'high', dependencies: [1] })]),
    one('"01" is not 1', [task({ id: 1, status: 'done' }), task({ id: 2, priority: 'high', dependencies: ['01'] }), task({ id: 3, priority: 'low' })]),
    one('subtasks of a deferred task satisfy nothing', [task({ id: 1, status: 'deferred', subtasks: [{ id: 1, status: 'done' }] }), task({ id: 2, priority: 'high', dependencies: ['1.1'] }), task({ id: 3 })]),
    one('an in-progress task with all subtasks done is itself next', [task({ id: 1, status: 'in-progress', subtasks: [{ id: 1, status: 'done' }] }), task({ id: 2, priority: 'low' })]),
    one('subtask priority falls back to the parent, unknown counts as medium', [task({ id: 1, status: 'in-progress', priority: 'low', subtasks: [{ id: 1, priority: 'urgent' }, { id: 2 }] })]),
    one('odd subtask statuses', [task({ id: 1, status: 'in-progress', subtasks: ['review', 'blocked', 'completed', 'Pending', 'DONE'].map((status, i) => ({ id: i + 1, status })) })]),
    { name: 'legacy flat file', data: { tasks: [task({ id: 1, priority: 'low' }), task({ id: 2, priority: 'high' })], metadata: {} }, tags: ['master'] },
    { name: 'tagged file without master', data: tagged({ feature: [task({ id: 7 })] }), tags: ['master', 'feature'] },
  ];
}

function generatedCases(): Case[] {
  const random = seededRandom(20261125);
  return Array.from({ length: GENERATED_PLANS }, (_, i) => ({
    name: `generated plan ${i + 1}`,
    data: tagged({ master: generateConformanceTasks(random), 'feature-x': generateConformanceTasks(random) }),
    tags: ['master', 'feature-x'],
  }));
}

async function ourNext(tasksFile: string, tag: string): Promise<PeerAnswer> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['next', '--json', '--file', tasksFile, '--tag', tag], (line) => out.push(line), (line) => err.push(line));
  if (code !== 0) return { error: err.join('\n') };
  const result = JSON.parse(out.join('\n')) as { id: number | string } | null;
  return { id: result ? String(result.id) : null };
}

describe('next task conformance with task-master-ai 0.43', function () {
  const peer = peerCommand();
  const cases = [...edgeCases(), ...generatedCases()];
  const runs: Array<{ name: string; tag: string; tasksFile: string; theirs?: PeerAnswer }> = [];

  before(async function () {
    if (!peer) throw new Error(`task-master-ai is not installed at ${peerScript()}: run scripts/install-e2e.sh (npm test does).`);
    this.timeout(15 * 60_000);
    const root = await tempDir('tml-conformance-');
    for (const [index, plan] of cases.entries()) {
      const project = path.join(root, String(index));
      const tasksFile = path.join(project, '.taskmaster', 'tasks', 'tasks.json');
      await fs.mkdir(path.dirname(tasksFile), { recursive: true });
      await fs.writeFile(tasksFile, taskMasterText(plan.data));
      for (const tag of plan.tags) runs.push({ name: plan.name, tag, tasksFile });
    }
    await mapWithLimit(runs, Math.max(2, os.cpus().length), async (run) => {
      run.theirs = await peerNext(peer, path.dirname(path.dirname(path.dirname(run.tasksFile))), run.tag);
    });
  });

  it('gives the same next task id on every plan and tag', async () => {
    const mismatches: string[] = [];
    for (const run of runs) {
      const ours = await ourNext(run.tasksFile, run.tag);
      if (JSON.stringify(ours) !== JSON.stringify(run.theirs)) {
        mismatches.push(`${run.name} [${run.tag}] (${run.tasksFile}): task-master ${JSON.stringify(run.theirs)}, tml ${JSON.stringify(ours)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('covers both phases, no-answer cases and string ids in the generated plans', () => {
    const answers = runs.map((run) => run.theirs);
    const ids = answers.flatMap((answer) => (answer && 'id' in answer && answer.id !== null ? [answer.id] : []));
    assert.ok(ids.some((id) => id.includes('.')), 'some answers are subtasks');
    assert.ok(ids.some((id) => !id.includes('.')), 'some answers are top-level tasks');
    assert.ok(answers.some((answer) => answer && 'id' in answer && answer.id === null), 'some plans have no next task');
    assert.ok(answers.every((answer) => answer && 'id' in answer), 'task-master accepted every plan');
  });

  it('edits a file task-master itself wrote, changing only the status and the stamps', async () => {
    const root = await tempDir('tml-written-by-tm-');
    const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
    await fs.mkdir(path.dirname(tasksFile), { recursive: true });
    await fs.writeFile(tasksFile, taskMasterText(tagged({ master: generateConformanceTasks(seededRandom(7)).map((t, i) => ({ ...t, id: i + 1, status: 'pending', dependencies: [] })) })));
    // Let task-master rewrite the file its own way (string ids, parentId, updatedAt, its metadata).
    await new Promise<void>((resolve, reject) =>
      execFile(peer!.command, [...peer!.args, 'set-status', '--id', '1', '--status', 'review', '--project', root], { cwd: peer!.cwd, env: peer!.env }, (error) => (error ? reject(error) : resolve())),
    );
    const written = await fs.readFile(tasksFile, 'utf8');
    assert.match(written, /"lastModified"/, 'task-master wrote its own metadata');
    const out: string[] = [];
    assert.equal(await runCli(['set-status', '2', 'in-progress', '--file', tasksFile], (line) => out.push(line), () => undefined), 0);
    const after = await fs.readFile(tasksFile, 'utf8');
    const expected = JSON.parse(written);
    const changed = JSON.parse(after);
    expected.master.tasks[1].status = 'in-progress';
    // As task-master does, the changed task is stamped.
    assert.match(String(changed.master.tasks[1].updatedAt), /^\d{4}-\d\d-\d\dT/);
    expected.master.tasks[1].updatedAt = changed.master.tasks[1].updatedAt;
    expected.master.metadata.lastModified = changed.master.metadata.lastModified;
    assert.equal(after, JSON.stringify(expected, null, 2));
  });

  it('answers where task-master refuses the plan, and reports why', async () => {
    const refused = tagged({ master: [task({ id: 1, priority: undefined }), task({ id: 2, status: 'completed' }), task({ id: 3, description: '', priority: 'high', dependencies: [2] })] });
    const root = await tempDir('tml-refused-');
    const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
    await fs.mkdir(path.dirname(tasksFile), { recursive: true });
    await fs.writeFile(tasksFile, taskMasterText(refused));
    const theirs = await peerNext(peer!, root, 'master');
    assert.ok('error' in theirs, 'task-master refuses this plan');
    const ours = await ourNext(tasksFile, 'master');
    assert.deepEqual(ours, { id: '3' }, 'completed counts as done, a missing priority as medium');
    const plan = readPlan(refused);
    assert.equal(findNextTask(plan.tags.get('master')!)?.id, '3');
    const codes = validatePlan(plan).problems.map((problem) => problem.code);
    assert.deepEqual(codes.sort(), ['empty-description', 'missing-priority']);
  });
});

describe('next task priority as task-master-ai 0.43 reports it', function () {
  const peer = peerCommand()!;
  this.timeout(5 * 60_000);

  before(() => {
    if (!peer) throw new Error(`task-master-ai is not installed at ${peerScript()}: run scripts/install-e2e.sh (npm test does).`);
  });

  it('reports a subtask with the priority it was ranked by, its parent\'s when it has none', async () => {
    const plans = [
      [task({ id: 1, status: 'in-progress', priority: 'high', subtasks: [{ id: 1 }, { id: 2, priority: 'low' }] })],
      [task({ id: 1, status: 'in-progress', priority: 'high', subtasks: [{ id: 1, status: 'done' }, { id: 2, priority: 'critical' }] })],
    ];
    for (const tasks of plans) {
      const root = await tempDir('tml-next-priority-');
      const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
      await fs.mkdir(path.dirname(tasksFile), { recursive: true });
      await fs.writeFile(tasksFile, taskMasterText(tagged({ master: tasks })));
      const theirs = await peerNextTask(peer, root, 'master');
      assert.ok('task' in theirs && theirs.task, `task-master answers: ${JSON.stringify(theirs)}`);
      const out: string[] = [];
      assert.equal(await runCli(['next', '--json', '--file', tasksFile], (line) => out.push(line), () => undefined), 0);
      const ours = JSON.parse(out.join('\n')) as Record<string, unknown>;
      assert.deepEqual([ours.id, ours.priority], [theirs.task.id, theirs.task.priority]);
    }
  });
});
