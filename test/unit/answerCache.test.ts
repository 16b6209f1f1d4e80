import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cliBundle } from '../support/cliBundle';
import { makeProject, task, taskMasterText, tempDir } from '../support/planBuilder';

/**
 * The answer cache of `tml list`, `show` and `next` (src/cli/answerCache.ts), through real tml
 * processes on real files: each case is a way the plan can change that a cache keyed on the wrong
 * things would answer from before the change.
 */

interface Run {
  code: number;
  out: string;
  err: string;
  /** What the cache did, from its TML_CACHE_LOG lines. */
  cache: string[];
}

let cacheHome: string;

function tml(root: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return cliBundle().then(
    (cli) =>
      new Promise((resolve) => {
        execFile(process.execPath, [cli, ...args, '--project', root], { env: { ...process.env, XDG_CACHE_HOME: cacheHome, TML_CACHE_LOG: '1', ...env } }, (error, out, err) => {
          const cache = err.split('\n').filter((line) => line.startsWith('tml cache: ')).map((line) => line.slice('tml cache: '.length));
          resolve({ code: error ? Number(error.code) : 0, out, err: err.split('\n').filter((line) => line && !line.startsWith('tml cache: ')).join('\n'), cache });
        });
      }),
  );
}

/** The files tml opens during one run, as strace sees them; undefined where strace cannot run. */
async function filesOpened(root: string, args: string[]): Promise<string[] | undefined> {
  const trace = path.join(await tempDir(), 'trace');
  const cli = await cliBundle();
  return new Promise((resolve) => {
    execFile('strace', ['-f', '-e', 'trace=open,openat', '-o', trace, process.execPath, cli, ...args, '--project', root], { env: { ...process.env, XDG_CACHE_HOME: cacheHome } }, async (error) => {
      if (error) return resolve(undefined);
      resolve((await fs.readFile(trace, 'utf8')).split('\n').filter((line) => !line.includes('ENOENT')));
    });
  });
}

const SETTLE_MS = 2100;
/** A whole second: a modification time set back to it is the same to the nanosecond. */
const OLD_TIME = new Date('2026-01-01T00:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A plan whose next task is subtask 1.2; with 1.2 done it is 1.3 (the text is then 3 characters shorter). */
function plan(subtaskStatus: 'pending' | 'done', titleOf12 = 'Subtask 2') {
  return {
    master: {
      tasks: [
        task({ id: 1, status: 'in-progress', subtasks: [{ id: 1, status: 'done' }, { id: 2, title: titleOf12, status: subtaskStatus }, { id: 3, dependencies: [2] }] }),
        task({ id: 2, priority: 'high' }),
      ],
    },
    feature: { tasks: [task({ id: 7, title: 'Feature work' })] },
  };
}

describe('tml answer cache', function () {
  this.timeout(60_000);
  const projects: Record<string, { root: string; tasksFile: string }> = {};
  const names = ['warm', 'touched', 'renamed', 'tags', 'corrupt', 'unwritable', 'otherA', 'otherB', 'subtask', 'off'];

  before(async () => {
    cacheHome = await tempDir('tml-cache-home-');
    await cliBundle();
    for (const name of names) {
      projects[name] = await makeProject(plan('pending', name === 'otherB' ? 'Other project' : 'Subtask 2'));
      await fs.utimes(projects[name].tasksFile, OLD_TIME, OLD_TIME);
    }
    // Settled plans: their last change is more than 2 s old, so an answer about them may be kept.
    await sleep(SETTLE_MS);
  });

  it('answers a repeated question without opening tasks.json, printing exactly what the uncached run prints', async () => {
    const { root, tasksFile } = projects.warm;
    const questions = [['next'], ['next', '--json'], ['show', '1,2'], ['list'], ['list', '--with-subtasks', '--json'], ['list', 'pending']];
    for (const args of questions) {
      const uncached = await tml(root, args, { TML_NO_CACHE: '1' });
      const first = await tml(root, args);
      const second = await tml(root, args);
      assert.deepEqual(first.cache, ['miss', 'stored'], args.join(' '));
      assert.deepEqual(second.cache, ['hit'], args.join(' '));
      assert.equal(first.out, uncached.out, args.join(' '));
      assert.equal(second.out, uncached.out, args.join(' '));
      assert.equal(second.code, 0);
    }
    const opened = await filesOpened(root, ['next']);
    if (opened) {
      assert.ok(opened.some((line) => line.includes(path.join(cacheHome, 'taskmaster-local', 'answers'))), 'the cache entry is read');
      assert.ok(!opened.some((line) => line.includes(tasksFile)), 'tasks.json is not opened on a hit');
    }
  });

  it('does not keep an answer about a plan changed within the last 2 s, so an edit of the same size at the same time is seen', async () => {
    const { root, tasksFile } = await makeProject(plan('pending'));
    await fs.utimes(tasksFile, OLD_TIME, OLD_TIME);
    const before = await tml(root, ['next']);
    assert.deepEqual(before.cache, ['miss', 'not stored: the plan changed within the last 2 s']);
    assert.match(before.out, /^1\.2 {2}Subtask 2/);
    const edited = taskMasterText(plan('done'));
    assert.equal(edited.length, (await fs.readFile(tasksFile, 'utf8')).length - 3, 'pending → done');
    await fs.writeFile(tasksFile, edited + '   ');
    await fs.utimes(tasksFile, OLD_TIME, OLD_TIME);
    const after = await tml(root, ['next']);
    assert.match(after.out, /^1\.3 {2}Subtask 3/);
  });

  it('sees an edit of the same size whose modification time was set back (touch -d): the change time moved', async () => {
    const { root, tasksFile } = projects.touched;
    assert.match((await tml(root, ['next'])).out, /^1\.2 {2}Subtask 2/);
    assert.deepEqual((await tml(root, ['next'])).cache, ['hit']);
    const edited = taskMasterText(plan('done')) + '   ';
    assert.equal(edited.length, (await fs.stat(tasksFile)).size);
    await fs.writeFile(tasksFile, edited);
    await fs.utimes(tasksFile, OLD_TIME, OLD_TIME);
    assert.equal((await fs.stat(tasksFile, { bigint: true })).mtimeNs, BigInt(OLD_TIME.getTime()) * 1_000_000n);
    const after = await tml(root, ['next']);
    assert.deepEqual(after.cache, ['miss', 'not stored: the plan changed within the last 2 s']);
    assert.match(after.out, /^1\.3 {2}Subtask 3/);
  });

  it('sees a plan replaced by a rename, as git checkout replaces it, with the same size and times', async () => {
    const { root, tasksFile } = projects.renamed;
    const { size } = await fs.stat(tasksFile);
    assert.match((await tml(root, ['next'])).out, /^1\.2 {2}Subtask 2/);
    assert.deepEqual((await tml(root, ['next'])).cache, ['hit']);
    const replacement = path.join(path.dirname(tasksFile), 'incoming.json');
    await fs.writeFile(replacement, taskMasterText(plan('done')) + '   ');
    assert.equal((await fs.stat(replacement)).size, size);
    await fs.utimes(replacement, OLD_TIME, OLD_TIME);
    await fs.rename(replacement, tasksFile);
    assert.match((await tml(root, ['next'])).out, /^1\.3 {2}Subtask 3/);
  });

  it('answers for the tag asked: state.json, --tag and TASKMASTER_TAG each give their own answer', async () => {
    const { root } = projects.tags;
    const stateFile = path.join(root, '.taskmaster', 'state.json');
    assert.match((await tml(root, ['next'])).out, /^1\.2 {2}Subtask 2/);
    assert.deepEqual((await tml(root, ['next'])).cache, ['hit']);
    assert.match((await tml(root, ['next', '--tag', 'feature'])).out, /^7 {2}Feature work/);
    assert.match((await tml(root, ['next'], { TASKMASTER_TAG: 'feature' })).out, /^7 {2}Feature work/);
    await fs.writeFile(stateFile, JSON.stringify({ currentTag: 'feature' }));
    const switched = await tml(root, ['next']);
    assert.deepEqual(switched.cache, ['hit'], 'the answer for feature is stored already');
    assert.match(switched.out, /^7 {2}Feature work/);
    assert.match((await tml(root, ['next', '--tag', 'master'])).out, /^1\.2 {2}Subtask 2/);
    await fs.writeFile(stateFile, JSON.stringify({ currentTag: 'master' }));
    assert.match((await tml(root, ['next'])).out, /^1\.2 {2}Subtask 2/);
    const missing = await tml(root, ['next', '--tag', 'nope']);
    assert.equal(missing.code, 1, 'an unknown tag is still an error');
    assert.equal((await tml(root, ['next', '--tag', 'nope'])).code, 1);
  });

  it('ignores a corrupt, truncated or foreign cache entry, answers from the plan and replaces the entry', async () => {
    const { root } = projects.corrupt;
    const own = { XDG_CACHE_HOME: await tempDir('tml-cache-home-') };
    await tml(root, ['next', '--json'], own);
    const answers = path.join(own.XDG_CACHE_HOME, 'taskmaster-local', 'answers');
    const [entryFile] = (await fs.readdir(answers)).map((name) => path.join(answers, name));
    const good = await fs.readFile(entryFile, 'utf8');
    const expected = (await tml(root, ['next', '--json'], { TML_NO_CACHE: '1' })).out;
    const entry = JSON.parse(good);
    const [question] = Object.keys(entry.answers);
    const spoiled = [
      good.slice(0, good.length / 2),
      '',
      'null',
      JSON.stringify({ ...entry, format: 0 }),
      JSON.stringify({ ...entry, program: 'another build' }),
      JSON.stringify({ ...entry, answers: { [question]: 'not lines' } }),
      JSON.stringify({ ...entry, answers: null }),
    ];
    for (const text of spoiled) {
      await fs.writeFile(entryFile, text);
      const run = await tml(root, ['next', '--json'], own);
      assert.equal(run.code, 0, text);
      assert.equal(run.out, expected, text);
      assert.deepEqual(run.cache, ['miss', 'stored'], text);
      assert.deepEqual((await tml(root, ['next', '--json'], own)).cache, ['hit'], text);
    }
  });

  it('answers from the plan when the cache folder cannot be written', async () => {
    const { root } = projects.unwritable;
    const notAFolder = path.join(await tempDir(), 'cache-is-a-file');
    await fs.writeFile(notAFolder, '');
    const expected = (await tml(root, ['next'], { TML_NO_CACHE: '1' })).out;
    for (let i = 0; i < 2; i++) {
      const run = await tml(root, ['next'], { XDG_CACHE_HOME: notAFolder });
      assert.equal(run.code, 0);
      assert.equal(run.out, expected);
      assert.equal(run.err, '');
      assert.equal(run.cache[0], 'miss');
      assert.match(run.cache[1], /^not stored: /);
    }
  });

  it('keeps the answers of two projects apart', async () => {
    const [a, b] = [projects.otherA, projects.otherB];
    for (let i = 0; i < 2; i++) {
      assert.match((await tml(a.root, ['next'])).out, /^1\.2 {2}Subtask 2/);
      assert.match((await tml(b.root, ['next'])).out, /^1\.2 {2}Other project/);
    }
    assert.deepEqual((await tml(b.root, ['next'])).cache, ['hit']);
  });

  it('sees a subtask status change that changes the next task', async () => {
    const { root, tasksFile } = projects.subtask;
    assert.match((await tml(root, ['next'])).out, /^1\.2 {2}Subtask 2/);
    assert.deepEqual((await tml(root, ['next'])).cache, ['hit']);
    const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    data.master.tasks[0].subtasks[1].status = 'done';
    await fs.writeFile(tasksFile, taskMasterText(data));
    assert.match((await tml(root, ['next'])).out, /^1\.3 {2}Subtask 3/);
  });

  it('is not used with TML_NO_CACHE=1', async () => {
    const { root } = projects.off;
    for (let i = 0; i < 2; i++) assert.deepEqual((await tml(root, ['next'], { TML_NO_CACHE: '1' })).cache, []);
    assert.deepEqual((await tml(root, ['next'])).cache, ['miss', 'stored'], 'nothing was stored before');
  });

  it('does not keep an error: a task that does not exist yet is looked up again', async () => {
    const { root } = projects.warm;
    for (let i = 0; i < 2; i++) {
      const run = await tml(root, ['show', '99']);
      assert.equal(run.code, 1);
      assert.deepEqual(run.cache, ['miss']);
    }
  });
});
