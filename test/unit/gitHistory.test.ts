import * as assert from 'node:assert/strict';
import { readPlan } from '../../src/core/plan';
import { attributeCommit } from '../../src/progress/commitAttribution';
import { GitHistory } from '../../src/progress/gitHistory';
import { gitRepository } from '../support/gitRepository';
import { task, tagged, tempDir } from '../support/planBuilder';

describe('git history (a real repository)', function () {
  this.timeout(30_000);

  it('says why there is no history outside a repository', async () => {
    const folder = await tempDir('tml-nogit-');
    const result = await GitHistory.open(folder);
    assert.equal(GitHistory.isAvailable(result), false);
    assert.match((result as { message: string }).message, /not a git repository/);
  });

  it('lists commits not reachable from known ones, with their files, across amend', async () => {
    const { root, git, commit } = await gitRepository();
    await commit('Initial', { 'README.md': '# x' });
    const history = (await GitHistory.open(root)) as GitHistory;
    assert.ok(GitHistory.isAvailable(history));
    const known = await history.refTips();
    assert.deepEqual(await history.commitsNotIn(known, 10), []);

    await commit('Add login form (task 2)', { 'src/auth/login.ts': 'export {}', 'logo.png': Buffer.from([0, 1, 2, 255]) });
    const [first] = await history.commits(await history.commitsNotIn(known, 10));
    assert.equal(first.message, 'Add login form (task 2)');
    assert.deepEqual([...first.files].sort(), ['logo.png', 'src/auth/login.ts']);
    assert.deepEqual(await history.commitsNotIn([...known, first.hash], 10), []);

    await git.raw(['commit', '--amend', '-m', 'Add login form, closes task 2']);
    const amended = await history.commits(await history.commitsNotIn([...known, first.hash], 10));
    assert.deepEqual(amended.map((c) => c.message), ['Add login form, closes task 2'], 'an amended commit is new');
    assert.deepEqual(await history.commitsNotIn([...known, 'f'.repeat(40)], 10), [amended[0].hash], 'a hash the repository lacks is ignored');
    assert.equal(await history.branch(), (await git.revparse(['--abbrev-ref', 'HEAD'])).trim());
    await git.raw(['checkout', '--detach']);
    assert.equal(await history.branch(), undefined, 'detached HEAD has no branch');
  });

  it('bounds the file list of a huge commit', async () => {
    const { root, commit } = await gitRepository();
    await commit('Initial', { 'a.txt': 'a' });
    const history = (await GitHistory.open(root)) as GitHistory;
    const files: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) files[`gen/f${i}.txt`] = String(i);
    await commit('Generated files', files);
    const [big] = await history.commits([(await history.head())!]);
    assert.equal(big.files.length, 500);
    assert.equal(big.filesTruncated, true);
  });

  it('attributes commits by message and by the files tasks mention', async () => {
    const tag = readPlan(
      tagged({
        master: [
          task({ id: 2, details: 'Build the form in src/auth/login.ts' }),
          task({ id: 3, details: 'Everything under src/billing/ changes' }),
          task({ id: 4, subtasks: [{ id: 1 }] }),
        ],
      }),
    ).tags.get('master')!;
    const refs = attributeCommit('Completes task 4.1, see task 99', ['src/auth/login.ts', 'src/billing/invoice.ts', 'README.md'], tag);
    assert.deepEqual(
      refs.map((r) => [r.taskId, r.completes, r.by]),
      [
        ['4.1', true, 'message'],
        ['2', false, 'files'],
        ['3', false, 'files'],
      ],
    );
  });

  it('attributes real commits made with each documented message pattern', async () => {
    const { root, commit } = await gitRepository();
    await commit('Initial', { 'a.txt': '0' });
    const history = (await GitHistory.open(root)) as GitHistory;
    const known = await history.refTips();
    const tag = readPlan(
      tagged({ master: [1, 2, 3, 4, 5, 6, 7].map((id) => task({ id, subtasks: [{ id: 1 }], ...(id === 3 ? { metadata: { github: { number: 31, repository: 'acme/app' } } } : {}) })) }),
    ).tags.get('master')!;
    const messages = ['Work on task 1', 'Polish task #2.1', 'Login tests (#31)', 'tm-4: wiring', 'Task: 5\n\nbody', 'closes task 6', 'Fixes #31', 'Completes task 7.1'];
    for (const [i, message] of messages.entries()) await commit(message, { 'a.txt': String(i + 1) });
    const commits = await history.commits((await history.commitsNotIn(known, 50)).reverse());
    assert.deepEqual(commits.map((c) => c.message), messages, 'oldest first, each once');
    assert.deepEqual(
      commits.map((c) => attributeCommit(c.message, c.files, tag).map((a) => `${a.taskId}${a.completes ? '!' : ''}`).join(',')),
      ['1', '2.1', '3', '4', '5', '6!', '3!', '7.1!'],
    );
  });

  it('measures the working tree against HEAD, and saved files alone as git diff counts them', async () => {
    const { root, commit, write } = await gitRepository();
    const long = Array.from({ length: 300 }, (_, i) => `line ${i % 7}`).join('\n') + '\n';
    await commit('Initial', { 'a.txt': 'one\ntwo\n', 'b.txt': long, 'c.txt': 'x\ny\nz\n', 'd.bin': Buffer.from([0, 1, 2]), 'same.txt': 's\n' });
    const edited = long.split('\n');
    edited.splice(40, 3, 'new a', 'new b');
    edited.splice(200, 0, 'line 1', 'inserted');
    await write({ 'a.txt': 'one\nthree\nfour\n', 'b.txt': edited.join('\n'), 'c.txt': 'x\ny\nz', 'd.bin': Buffer.from([0, 1, 3]), 'new.txt': 'untracked\n' });
    const history = (await GitHistory.open(root)) as GitHistory;
    assert.deepEqual(await history.workingTreeStats(), { files: 4, insertions: 2 + 4 + 1, deletions: 1 + 3 + 1 });
    const byGit = await history.lineChanges();
    byGit.delete('d.bin'); // numstat says "-" for binary files; counted as no change
    assert.deepEqual(await history.lineChangesOf(['a.txt', 'b.txt', 'c.txt', 'd.bin', 'new.txt', 'same.txt']), byGit);
  });

  it('says which saved files git ignores, in one call, never a tracked one', async () => {
    const { root, git, commit, write } = await gitRepository();
    await commit('Initial', { '.gitignore': 'dist/\n*.log\n', 'src/a.ts': '' });
    await write({ 'kept.log': 'tracked although ignored', 'dist/out.js': '', 'debug.log': '', 'src/b.ts': '' });
    const history = (await GitHistory.open(root)) as GitHistory;
    await git.raw(['add', '-f', 'kept.log']);
    const before = history.gitCalls;
    assert.deepEqual([...(await history.ignored(['dist/out.js', 'debug.log', 'kept.log', 'src/a.ts', 'src/b.ts']))].sort(), ['debug.log', 'dist/out.js']);
    assert.equal(history.gitCalls - before, 2, 'check-ignore, then ls-files only for the files that matched a rule');
    const again = history.gitCalls;
    assert.deepEqual([...(await history.ignored(['src/a.ts', 'src/b.ts']))], []);
    assert.equal(history.gitCalls - again, 1);
  });
});

describe('commit diffs for progress notes', function () {
  this.timeout(30_000);
  it('gives a commit\'s stat and patch, cut to a bound', async () => {
    const { root, commit } = await gitRepository();
    await commit('Initial', { 'a.txt': 'one\n' });
    await commit('Second', { 'a.txt': 'one\ntwo\n', 'big.txt': 'x'.repeat(20_000) });
    const history = (await GitHistory.open(root)) as GitHistory;
    const head = (await history.head())!;
    const diff = await history.diffOf(head, 2000);
    assert.match(diff, /a\.txt +\| 1 \+/);
    assert.match(diff, /\+two/);
    assert.ok(diff.length < 2100);
    assert.match(diff, /diff cut at 2000 characters/);
  });
});
