import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { installMergeDriver, mergeDriverCommand, refreshMergeDriver } from '../../src/store/mergeDriverSetup';
import { locatePlan } from '../../src/store/planLocation';
import { cliBundle } from '../support/cliBundle';
import { editPlan, mergeBranches, PLAN_FILE, readPlanData, run } from '../support/planBranches';
import { gitRepository } from '../support/gitRepository';
import { task, tagged, taskMasterText, tempDir } from '../support/planBuilder';
import { tml } from '../support/tmlRunner';

type Data = Record<string, any>;

const tasksOf = (data: Data, tag = 'master'): Data[] => data[tag].tasks;
const byId = (data: Data, id: number, tag = 'master'): Data => tasksOf(data, tag).find((entry) => entry.id === id)!;

/** The merged file: git merged it cleanly, as valid a plan as `tml validate` wants. */
async function assertMergedValid(root: string, outcome: { code: number; stderr: string; text: string }): Promise<Data> {
  assert.equal(outcome.code, 0, `git merge failed: ${outcome.stderr}`);
  assert.doesNotMatch(outcome.text, /^<<<<<<< /m);
  const validate = await tml(['validate', '--project', root]);
  assert.equal(validate.code, 0, validate.out);
  const status = await run(root, ['status', '--porcelain']);
  assert.equal(status.stdout, '', 'the merge is committed, nothing left unmerged');
  return JSON.parse(outcome.text);
}

const basePlan = (): Data =>
  tagged({
    master: [
      task({ id: 1, title: 'Set up the repository' }),
      task({ id: 2, title: 'Write the parser', dependencies: [1] }),
      task({ id: 3, title: 'Ship it', dependencies: [2], subtasks: [{ id: 1, title: 'Tag the release' }] }),
    ],
  });

const add = (title: string, extra: string[] = []) => (root: string) => tml(['add-task', '--title', title, '--description', `${title}.`, ...extra, '--project', root]).then(expectOk);
const setStatus = (id: string, status: string) => (root: string) => tml(['set-status', '--id', id, '--status', status, '--project', root]).then(expectOk);
function expectOk(result: { code: number; out: string; err: string }): void {
  assert.equal(result.code, 0, result.err);
}
const both = (...edits: Array<(root: string) => Promise<void>>) => async (root: string) => {
  for (const edit of edits) await edit(root);
};

describe('merge driver: branches that merge their plans (real git)', function () {
  this.timeout(60_000);

  it('keeps tasks both branches added; theirs take the next ids, and dependencies on them and their subtasks follow', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: add('Ours: add a linter', ['--dependencies', '2']),
      theirs: both(
        add('Theirs: write docs', ['--dependencies', '1']),
        (root) => tml(['add-subtask', '--parent', '4', '--title', 'Outline', '--project', root]).then(expectOk),
        (root) => tml(['add-subtask', '--parent', '4', '--title', 'Draft', '--dependencies', '4.1', '--project', root]).then(expectOk),
        add('Theirs: publish docs', ['--dependencies', '4']),
        (root) => editPlan(root, (data) => byId(data, 5).dependencies.push('4.2')),
      ),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(tasksOf(merged).map((entry) => [entry.id, entry.title]), [
      [1, 'Set up the repository'],
      [2, 'Write the parser'],
      [3, 'Ship it'],
      [4, 'Ours: add a linter'],
      [5, 'Theirs: write docs'],
      [6, 'Theirs: publish docs'],
    ]);
    assert.deepEqual(byId(merged, 4).dependencies, [2]);
    assert.deepEqual(byId(merged, 6).dependencies, [5, '5.2'], 'theirs 4 is now 5, its subtask 4.2 now 5.2');
    assert.deepEqual(byId(merged, 5).subtasks.map((sub: Data) => [sub.id, sub.dependencies, sub.parentTaskId]), [
      [1, [], 5],
      [2, [1], 5],
    ]);
    assert.match(outcome.stderr, /task 4 was added on both branches: theirs \("Theirs: write docs"\) is now task 5/);
  });

  it('merges one task field by field: each branch changed a different field', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: setStatus('2', 'in-progress'),
      theirs: (root) => editPlan(root, (data) => Object.assign(byId(data, 2), { title: 'Write the parser (streaming)', priority: 'high' })),
    });
    const merged = await assertMergedValid(root, outcome);
    const parser = byId(merged, 2);
    assert.equal(parser.status, 'in-progress');
    assert.equal(parser.title, 'Write the parser (streaming)');
    assert.equal(parser.priority, 'high');
    assert.equal(parser.details, '', 'a clean merge adds no note');
    assert.doesNotMatch(outcome.stderr, /changed on both branches/);
  });

  for (const [ours, theirs, kept] of [
    ['done', 'in-progress', 'done'],
    ['review', 'in-progress', 'review'],
    ['cancelled', 'done', 'done'],
    ['deferred', 'in-progress', 'in-progress'],
  ] as const) {
    it(`status changed two ways (ours ${ours}, theirs ${theirs}): the further one, ${kept}, reported`, async () => {
      const { root, outcome } = await mergeBranches({ base: basePlan(), driver: true, ours: setStatus('1', ours), theirs: setStatus('1', theirs) });
      const merged = await assertMergedValid(root, outcome);
      assert.equal(byId(merged, 1).status, kept);
      assert.match(outcome.stderr, new RegExp(`task 1: status changed on both branches \\(ours "${ours}", theirs "${theirs}"\\): kept "${kept}"`));
    });
  }

  it('text changed two ways: ours kept, theirs appended to the details as an <info added on …> note, reported', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: (root) => editPlan(root, (data) => Object.assign(byId(data, 2), { title: 'Write the JSON parser', details: 'Use a hand-written scanner.' })),
      theirs: (root) => editPlan(root, (data) => Object.assign(byId(data, 2), { title: 'Write the YAML parser', description: 'Parse YAML.' })),
    });
    const merged = await assertMergedValid(root, outcome);
    const parser = byId(merged, 2);
    assert.equal(parser.title, 'Write the JSON parser');
    assert.equal(parser.description, 'Parse YAML.', 'a field only theirs changed is theirs');
    assert.match(parser.details, /^Use a hand-written scanner\.\n\n<info added on (\S+)>\nMerged from another branch, where this task read differently:\ntitle: Write the YAML parser\n<\/info added on \1>$/);
    assert.match(outcome.stderr, /task 2: title changed on both branches .*kept ours, theirs added to the details as a note/);
  });

  it('details both branches appended notes to (update-subtask): both notes kept', async () => {
    const note = (stamp: string, text: string) => `\n\n<info added on ${stamp}>\n${text}\n</info added on ${stamp}>`;
    const base: Data = basePlan();
    byId(base, 2).details = 'Parse the config.';
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: (root) => editPlan(root, (data) => (byId(data, 2).details += note('2026-01-01T10:00:00.000Z', 'Ours found a bug.'))),
      theirs: (root) => editPlan(root, (data) => (byId(data, 2).details += note('2026-01-01T11:00:00.000Z', 'Theirs added tests.'))),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.equal(byId(merged, 2).details, `Parse the config.${note('2026-01-01T10:00:00.000Z', 'Ours found a bug.')}${note('2026-01-01T11:00:00.000Z', 'Theirs added tests.')}`);
  });

  it('priority changed two ways: the higher one', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: (root) => editPlan(root, (data) => (byId(data, 3).priority = 'low')),
      theirs: (root) => editPlan(root, (data) => (byId(data, 3).priority = 'critical')),
    });
    assert.equal(byId(await assertMergedValid(root, outcome), 3).priority, 'critical');
  });

  it('deleted on one branch and edited on the other: the edited task is kept; deleted and untouched: deleted', async () => {
    const base: Data = basePlan();
    tasksOf(base).push(task({ id: 4, title: 'Old idea' }));
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: both(setStatus('3', 'in-progress'), (root) => tml(['remove-task', '--id', '4', '-y', '--project', root]).then(expectOk)),
      theirs: (root) => tml(['remove-task', '--id', '3', '-y', '--project', root]).then(expectOk),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(tasksOf(merged).map((entry) => entry.title), ['Set up the repository', 'Write the parser', 'Ship it']);
    assert.equal(byId(merged, 3).status, 'in-progress');
    assert.match(outcome.stderr, /task 3 was deleted on theirs and changed on ours: kept/);
  });

  it('a task renumbered on one branch (move --from --to) and changed on the other: the change follows it to its new id, and so do dependencies on it', async () => {
    const move = (from: string, to: string) => (root: string) => tml(['move', '--from', from, '--to', to, '--project', root]).then(expectOk);
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: both(move('1', '7'), setStatus('2', 'in-progress')),
      theirs: both(move('2', '9'), setStatus('1', 'done')),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(tasksOf(merged).map((entry) => entry.id).sort((a, b) => a - b), [3, 7, 9]);
    assert.deepEqual([byId(merged, 7).title, byId(merged, 7).status], ['Set up the repository', 'done']);
    assert.deepEqual([byId(merged, 9).title, byId(merged, 9).status, byId(merged, 9).dependencies], ['Write the parser', 'in-progress', [7]]);
    assert.deepEqual(byId(merged, 3).dependencies, [9]);
    assert.match(outcome.stderr, /task 2 was moved to 9 on theirs: ours' changes to it follow it there/);
    assert.match(outcome.stderr, /task 1 was moved to 7 on ours: theirs' changes to it follow it there/);
  });

  it('a task renumbered on one branch while the other added its own task under that id: both kept, as a deletion and two additions', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: both(add('Ours: new fourth'), setStatus('2', 'review')),
      theirs: (root) => tml(['move', '--from', '2', '--to', '4', '--project', root]).then(expectOk),
    });
    const merged = await assertMergedValid(root, outcome);
    const titles = tasksOf(merged).map((entry) => [entry.id, entry.title, entry.status]);
    assert.deepEqual(titles, [
      [1, 'Set up the repository', 'pending'],
      [2, 'Write the parser', 'review'],
      [3, 'Ship it', 'pending'],
      [4, 'Ours: new fourth', 'pending'],
      [5, 'Write the parser', 'pending'],
    ]);
    assert.match(outcome.stderr, /task 2 was deleted on theirs and changed on ours: kept/);
  });

  it('a dependency on a task the other branch deleted is dropped, and reported', async () => {
    const base: Data = basePlan();
    tasksOf(base).push(task({ id: 4, title: 'Spike' }));
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: (root) => tml(['add-dependency', '--id', '3', '--depends-on', '4', '--project', root]).then(expectOk),
      theirs: (root) => tml(['remove-task', '--id', '4', '-y', '--project', root]).then(expectOk),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(byId(merged, 3).dependencies, [2]);
    assert.match(outcome.stderr, /task 3: dropped the dependency on 4: it no longer exists/);
  });

  it('dependencies added on each branch that close a cycle together: one is dropped, the plan stays valid', async () => {
    const base: Data = basePlan();
    tasksOf(base).push(task({ id: 4, title: 'Spike' }), task({ id: 5, title: 'Docs' }));
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: (root) => tml(['add-dependency', '--id', '4', '--depends-on', '5', '--project', root]).then(expectOk),
      theirs: (root) => tml(['add-dependency', '--id', '5', '--depends-on', '4', '--project', root]).then(expectOk),
    });
    await assertMergedValid(root, outcome);
    assert.match(outcome.stderr, /it closed a dependency cycle/);
  });

  it('subtasks both branches added to one task: all kept, theirs renumbered with its sibling dependencies (plain numbers, as task-master writes them)', async () => {
    const sub = (title: string, deps: string[] = []) => (root: string) =>
      tml(['add-subtask', '--parent', '3', '--title', title, ...(deps.length ? ['--dependencies', deps.join(',')] : []), '--project', root]).then(expectOk);
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: sub('Write the changelog'),
      theirs: both(sub('Build the package'), sub('Upload the package', ['3.2'])),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(
      byId(merged, 3).subtasks.map((entry: Data) => [entry.id, entry.title, entry.dependencies]),
      [
        [1, 'Tag the release', []],
        [2, 'Write the changelog', []],
        [3, 'Build the package', []],
        [4, 'Upload the package', [3]],
      ],
    );
  });

  it('tags added and removed on either branch; metadata stamps take the later, counts are recomputed', async () => {
    const base: Data = tagged({ master: [task({ id: 1, title: 'One' })], old: [task({ id: 1, title: 'Old one' })] });
    base.master.metadata = { created: '2025-01-01T00:00:00.000Z', updated: '2025-01-01T00:00:00.000Z', description: 'm', taskCount: 1, completedCount: 0 };
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: both(
        (root) => tml(['add-tag', 'ours-tag', '--project', root]).then(expectOk),
        (root) => editPlan(root, (data) => Object.assign(data.master.metadata, { updated: '2026-03-01T00:00:00.000Z' })),
      ),
      theirs: both(
        (root) => tml(['add-tag', 'theirs-tag', '--project', root]).then(expectOk),
        (root) => tml(['delete-tag', 'old', '-y', '--project', root]).then(expectOk),
        (root) => editPlan(root, (data) => {
          data.master.tasks.push(task({ id: 2, title: 'Two', status: 'done' }));
          data.master.metadata.updated = '2026-02-01T00:00:00.000Z';
        }),
      ),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(Object.keys(merged), ['master', 'ours-tag', 'theirs-tag']);
    assert.deepEqual(merged.master.metadata, { created: '2025-01-01T00:00:00.000Z', updated: '2026-03-01T00:00:00.000Z', description: 'm', taskCount: 2, completedCount: 1 });
  });

  it('a branch that reordered tasks keeps its order; the other branch\'s new task goes at the end, where it was', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: add('Ours: benchmark'),
      theirs: (root) => editPlan(root, (data) => data.master.tasks.reverse()),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(tasksOf(merged).map((entry) => entry.id), [3, 2, 1, 4]);
  });

  it('the same task added on both branches (same id, same title) is one task', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: add('Add CI'),
      theirs: both(add('Add CI'), setStatus('4', 'in-progress')),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(tasksOf(merged).map((entry) => [entry.id, entry.title, entry.status]).slice(3), [[4, 'Add CI', 'in-progress']]);
  });

  it('a plan from before tags (flat file) merges and stays flat', async () => {
    const base = { tasks: [task({ id: 1, title: 'Flat one' })] };
    const { root, outcome } = await mergeBranches({
      base,
      driver: true,
      ours: (root) => editPlan(root, (data) => data.tasks.push(task({ id: 2, title: 'Ours flat' }))),
      theirs: (root) => editPlan(root, (data) => data.tasks.push(task({ id: 2, title: 'Theirs flat', dependencies: [1] }))),
    });
    const merged = await assertMergedValid(root, outcome);
    assert.deepEqual(merged.tasks.map((entry: Data) => [entry.id, entry.title]), [
      [1, 'Flat one'],
      [2, 'Ours flat'],
      [3, 'Theirs flat'],
    ]);
  });

  it('writes the file as Task Master does: 2-space JSON, no final newline, keys in their order', async () => {
    const { root, outcome } = await mergeBranches({ base: basePlan(), driver: true, ours: add('Ours'), theirs: add('Theirs') });
    const merged = await assertMergedValid(root, outcome);
    assert.equal(outcome.text, taskMasterText(merged));
  });

  it('a side that is not a plan: the driver exits non-zero and git leaves its line-by-line conflict', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: true,
      ours: add('Ours'),
      theirs: (root) => fs.writeFile(path.join(root, PLAN_FILE), '{ "master": { "tasks": [ oops'),
    });
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /tml merge-driver: \.taskmaster\/tasks\/tasks\.json: theirs is not a readable plan/);
    assert.match(outcome.text, /^<<<<<<< ours$/m);
    assert.match((await run(root, ['status', '--porcelain'])).stdout, /^UU \.taskmaster\/tasks\/tasks\.json$/m);
  });
});

describe('merge conflicts left by git without the driver (real git)', function () {
  this.timeout(60_000);

  it('tml resolve-conflict during the merge: the sides from git, merged by the rules, a backup kept, the plan valid', async () => {
    const { root, outcome } = await mergeBranches({
      base: basePlan(),
      driver: false,
      ours: both(add('Ours: add a linter', ['--dependencies', '2']), setStatus('1', 'done')),
      theirs: both(add('Theirs: write docs', ['--dependencies', '3']), setStatus('1', 'in-progress')),
    });
    assert.equal(outcome.code, 1, 'git alone cannot merge this');
    assert.match(outcome.text, /^<<<<<<< HEAD$/m);
    const listed = await tml(['list', '--project', root]);
    assert.equal(listed.code, 2);
    assert.match(listed.err, /holds git conflict markers from a merge\. "Resolve Merge Conflict" \(tml resolve-conflict\)/);

    const resolved = await tml(['resolve-conflict', '--project', root]);
    assert.equal(resolved.code, 0, resolved.err);
    assert.match(resolved.out, /both branches and their common ancestor as git's merge has them/);
    assert.match(resolved.out, /task 4 was added on both branches: theirs \("Theirs: write docs"\) is now task 5/);
    const merged = await readPlanData(root);
    assert.deepEqual(tasksOf(merged).map((entry) => [entry.id, entry.title, entry.dependencies]).slice(3), [
      [4, 'Ours: add a linter', [2]],
      [5, 'Theirs: write docs', [3]],
    ]);
    assert.equal(byId(merged, 1).status, 'done');
    assert.equal((await tml(['validate', '--project', root])).code, 0);
    const backups = await fs.readdir(path.join(root, '.taskmaster', 'backups'));
    assert.equal(backups.length, 1);
    assert.match(await fs.readFile(path.join(root, '.taskmaster', 'backups', backups[0]), 'utf8'), /^<<<<<<< HEAD$/m, 'the backup is the conflicted file');
    await run(root, ['add', PLAN_FILE]);
    assert.equal((await run(root, ['commit', '--no-edit'])).code, 0);
  });

  for (const [style, source] of [
    ['diff3', /both sides and their common ancestor from the diff3 markers/],
    ['merge', /both sides from the markers, without a common ancestor/],
  ] as const) {
    it(`a file committed with ${style} conflict markers (no merge under way): the markers are split into the sides`, async () => {
      const base: Data = basePlan();
      byId(base, 2).details = 'Parse it.';
      const { root, outcome } = await mergeBranches({
        base,
        driver: false,
        conflictStyle: style,
        ours: both(add('Ours only'), (root) => editPlan(root, (data) => (byId(data, 2).details = 'Parse it.\n\nOurs.'))),
        theirs: both(add('Theirs only'), (root) => editPlan(root, (data) => (byId(data, 2).details = 'Parse it.\n\nTheirs.'))),
      });
      assert.equal(outcome.code, 1);
      await run(root, ['commit', '-qam', 'merged with the markers in']);
      const resolved = await tml(['resolve-conflict', '--project', root]);
      assert.equal(resolved.code, 0, resolved.err);
      assert.match(resolved.out, source);
      const merged = await readPlanData(root);
      assert.deepEqual(tasksOf(merged).map((entry) => entry.title).slice(3), ['Ours only', 'Theirs only']);
      // With the ancestor both appended texts are kept; without it, theirs becomes a note.
      assert.match(byId(merged, 2).details, style === 'diff3' ? /^Parse it\.\n\nOurs\.\n\nTheirs\.$/ : /^Parse it\.\n\nOurs\.\n\n<info added on [^>]+>\n[^]*details: Parse it\.\n\nTheirs\.\n/);
    });
  }

  it('refuses a file without markers, writing nothing', async () => {
    const { root } = await mergeBranches({ base: basePlan(), driver: false, ours: add('Ours only'), theirs: async () => undefined });
    const before = await fs.readFile(path.join(root, PLAN_FILE), 'utf8');
    const resolved = await tml(['resolve-conflict', '--project', root]);
    assert.equal(resolved.code, 2);
    assert.match(resolved.err, /holds no git conflict markers/);
    assert.equal(await fs.readFile(path.join(root, PLAN_FILE), 'utf8'), before);
  });
});

describe('tml init-merge', function () {
  this.timeout(30_000);

  it('adds the .gitattributes entry once and sets the driver in git config; a second run changes nothing', async () => {
    const repo = await gitRepository();
    await repo.write({ '.gitattributes': '*.png binary', [PLAN_FILE]: taskMasterText(basePlan()) });
    const first = await tml(['init-merge', '--project', repo.root]);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Added the tasks.json entry/);
    const second = await tml(['init-merge', '--project', repo.root]);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /already has the tasks.json entry[\s\S]*git already merges tasks.json with/);
    assert.equal(await fs.readFile(path.join(repo.root, '.gitattributes'), 'utf8'), '*.png binary\n.taskmaster/tasks/tasks.json merge=taskmaster-local\n');
    const driver = (await run(repo.root, ['config', '--get', 'merge.taskmaster-local.driver'])).stdout.trim();
    assert.equal(driver, `'${process.execPath}' '${path.resolve(process.argv[1])}' merge-driver %O %A %B %P`);
    assert.match((await run(repo.root, ['config', '--get', 'merge.taskmaster-local.name'])).stdout, /Taskmaster Local/);
    assert.equal((await run(repo.root, ['check-attr', 'merge', PLAN_FILE])).stdout.trim(), `${PLAN_FILE}: merge: taskmaster-local`);
  });

  it('follows a driver program that moved (an updated extension), and leaves a working one alone', async () => {
    const repo = await gitRepository();
    const location = locatePlan(repo.root);
    const old = path.join(await tempDir(), "it's-gone", 'cli.js');
    await installMergeDriver(location, [process.execPath, old], { ELECTRON_RUN_AS_NODE: '1' });
    const current = await cliBundle();
    assert.equal(await refreshMergeDriver(location, [process.execPath, current], { ELECTRON_RUN_AS_NODE: '1' }), true);
    const driver = (await run(repo.root, ['config', '--get', 'merge.taskmaster-local.driver'])).stdout.trim();
    assert.equal(driver, mergeDriverCommand([process.execPath, current], { ELECTRON_RUN_AS_NODE: '1' }));
    assert.equal(await refreshMergeDriver(location, [process.execPath, old], { ELECTRON_RUN_AS_NODE: '1' }), false, 'the installed one still works');
  });

  it('says what to do outside a git repository', async () => {
    const result = await tml(['init-merge', '--project', await tempDir()]);
    assert.equal(result.code, 2);
    assert.match(result.err, /is not in a git repository.*git init/);
  });
});
