import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readPlan } from '../../src/core/plan';
import { ActivityLedger, locateSqlWasm } from '../../src/ledger';
import { GitHistory } from '../../src/progress/gitHistory';
import { ProjectProgress } from '../../src/progress/projectProgress';
import { gitRepository } from '../support/gitRepository';
import { task, tagged, tempDir } from '../support/planBuilder';

const tag = readPlan(
  tagged({
    master: [
      task({ id: 1, details: 'Build the form in packages/app/src/auth/login.ts' }),
      task({ id: 2, details: 'Invoices: src/billing/invoice.ts' }),
      ...[3, 4, 5, 6, 7].map((id) => task({ id })),
    ],
  }),
).tags.get('master')!;

async function openGit(folder: string): Promise<GitHistory> {
  const git = await GitHistory.open(folder);
  assert.ok(GitHistory.isAvailable(git));
  return git;
}

/** A new window on the same project: a fresh repository reader and progress, the ledger kept. */
async function session(ledger: ActivityLedger, folder: string): Promise<ProjectProgress> {
  return ProjectProgress.open(ledger, folder, await openGit(folder));
}

const subjects = async (progress: ProjectProgress) => (await progress.newCommits()).map((commit) => commit.message);

describe('project progress from a real repository', function () {
  this.timeout(60_000);

  it('offers each commit once whenever it appears, and nothing the repository held when first watched', async () => {
    const { root, git, commit } = await gitRepository();
    await commit('Initial, closes task 1', { 'a.txt': '0' });
    await git.checkoutLocalBranch('old-work');
    await commit('Old work, closes task 2', { 'b.txt': '0' });
    await git.checkout('master');
    const ledgerFile = path.join(await tempDir('tml-seen-'), 'activity.sqlite');
    let ledger = await ActivityLedger.open(ledgerFile, locateSqlWasm);

    const first = await session(ledger, root);
    assert.deepEqual(await subjects(first), [], 'installing on an old repository asks nothing');
    await git.checkout('old-work');
    assert.deepEqual(await subjects(first), [], 'a branch that existed before the first watch replays nothing');
    await git.checkout('master');

    // Made while no window watched (or while one was starting): offered by the next session.
    await commit('Login, closes task 3', { 'a.txt': '1' });
    const second = await session(ledger, root);
    assert.deepEqual(await subjects(second), ['Login, closes task 3']);
    assert.deepEqual(await subjects(second), [], 'HEAD unchanged: nothing new');

    await git.checkoutLocalBranch('feature');
    await commit('Billing, closes task 4', { 'c.txt': '1' });
    await commit('Billing tests, task 4', { 'd.txt': '2' });
    assert.deepEqual(await subjects(second), ['Billing, closes task 4', 'Billing tests, task 4'], 'oldest first');
    await git.checkout('master');
    assert.deepEqual(await subjects(second), []);
    await git.checkout('feature');
    assert.deepEqual(await subjects(second), [], 'switching back replays nothing');

    await ledger.close();
    ledger = await ActivityLedger.open(ledgerFile, locateSqlWasm);
    const third = await session(ledger, root);
    assert.deepEqual(await subjects(third), [], 'what was seen is remembered in the ledger file');
    await git.checkout('old-work');
    await git.raw(['cherry-pick', 'feature']);
    assert.deepEqual(await subjects(third), ['Billing tests, task 4'], 'a cherry-pick is a new commit');
    await ledger.close();
  });

  it('uses the repository root for saves and commits when the workspace folder is below it', async () => {
    const { root, git, write, commit } = await gitRepository();
    await commit('Monorepo', {
      '.gitignore': 'packages/app/generated/\n',
      'packages/app/src/auth/login.ts': 'export {}\n',
      'packages/app/src/billing/invoice.ts': 'export {}\n',
    });
    const folder = path.join(root, 'packages', 'app');
    const ledger = await ActivityLedger.open(path.join(await tempDir('tml-mono-'), 'activity.sqlite'), locateSqlWasm);
    const progress = await session(ledger, folder);
    assert.equal(progress.git?.prefix, 'packages/app/');

    await write({ 'packages/app/generated/api.ts': 'x', 'packages/app/src/auth/login.ts': 'export const a = 1;\nexport {}\n' });
    for (const file of ['generated/api.ts', 'src/auth/login.ts', 'src/billing/invoice.ts']) assert.ok(progress.queueSave(path.join(folder, file)));
    assert.equal(progress.queueSave(path.join(folder, 'node_modules', 'x', 'index.js')), false);
    const recorded = await progress.flushSaves({ tag });
    assert.deepEqual(recorded, ['packages/app/src/auth/login.ts', 'packages/app/src/billing/invoice.ts'], 'the file git ignores is not counted');
    assert.deepEqual(
      ledger.history('1', { folder }).map((event) => event.kind === 'save' && event.data.file),
      ['packages/app/src/auth/login.ts'],
      'a save matches a task naming its path from the root',
    );
    assert.equal(ledger.history('2', { folder }).length, 1, 'and a task naming its path from the project folder');
    assert.deepEqual(progress.workingTree, { files: 1, insertions: 1, deletions: 0 });

    await git.add('.');
    await git.commit('Wire the login');
    const commits = await progress.newCommits();
    assert.deepEqual(commits[0].files, ['packages/app/src/auth/login.ts']);
    progress.recordCommits(commits, tag);
    assert.deepEqual(
      ledger.history('1', { folder }).map((event) => event.kind).sort(),
      ['commit', 'save'],
      'the commit matches the task by the file it touched',
    );
    assert.deepEqual(progress.workingTree, { files: 0, insertions: 0, deletions: 0 }, 'measured afresh after the commit');
    await ledger.close();
  });

  it('costs the same few git processes per batch of saves however many files were saved, and none to find no new commit', async () => {
    const { root, write, commit } = await gitRepository();
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`src/f${i}.ts`] = `${i}\n`;
    await commit('Sixty files', files);
    const ledger = await ActivityLedger.open(path.join(await tempDir('tml-batch-'), 'activity.sqlite'), locateSqlWasm);
    const progress = await session(ledger, root);
    const git = progress.git!;
    await progress.newCommits();

    let before = git.gitCalls;
    await write({ 'src/f1.ts': 'changed\n' });
    progress.queueSave(path.join(root, 'src', 'f1.ts'));
    await progress.flushSaves({ tag });
    const forOne = git.gitCalls - before;

    before = git.gitCalls;
    for (let i = 0; i < 60; i++) progress.queueSave(path.join(root, 'src', `f${i}.ts`));
    await progress.flushSaves({ tag });
    assert.equal(git.gitCalls - before, forOne, 'sixty saves in one batch cost what one does');
    assert.equal(forOne, 2, 'one check-ignore and one diff of the saved files');

    before = git.gitCalls;
    assert.deepEqual(await progress.newCommits(), []);
    assert.equal(git.gitCalls - before, 1, 'HEAD unchanged: one rev-parse, no log');
    await ledger.close();
  });
});
