/**
 * Git work per save (src/progress/projectProgress.ts): a save recorded in a 100,000-file repository
 * against the same in a small one, and against the per-save work it replaced (`git check-ignore`
 * of the file and a full `git diff --stat HEAD`). Both repositories are real, built in `dir`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readPlan } from '../src/core/plan';
import { ActivityLedger, locateSqlWasm } from '../src/ledger';
import { GitHistory } from '../src/progress/gitHistory';
import { ProjectProgress } from '../src/progress/projectProgress';
import { generateLargePlan } from '../test/support/planGenerator';

const LARGE_FILES = 100_000;
const SMALL_FILES = 20;
const FILES_PER_FOLDER = 1000;
const RUNS = 7;

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** A committed repository of `count` small files in folders of 1,000, with build output ignored. */
async function repository(root: string, count: number): Promise<string> {
  for (let folder = 0; folder * FILES_PER_FOLDER < count; folder++) {
    const dir = path.join(root, 'src', `module${folder}`);
    await fs.mkdir(dir, { recursive: true });
    const files = Math.min(FILES_PER_FOLDER, count - folder * FILES_PER_FOLDER);
    await Promise.all(Array.from({ length: files }, (_, i) => fs.writeFile(path.join(dir, `file${i}.ts`), `export const value${i} = ${i};\n`)));
  }
  await fs.writeFile(path.join(root, '.gitignore'), 'dist/\n');
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Initial');
  return root;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median time of recording one save (edit, queue, flush) through ProjectProgress. */
async function perSave(root: string, ledger: ActivityLedger): Promise<{ ms: number; gitCalls: number }> {
  const history = await GitHistory.open(root);
  if (!GitHistory.isAvailable(history)) throw new Error(history.message);
  const progress = await ProjectProgress.open(ledger, root, history);
  const tag = readPlan(generateLargePlan(50, 3)).tags.get('master')!;
  const file = path.join(root, 'src', 'module0', 'file1.ts');
  const samples: number[] = [];
  let calls = 0;
  for (let i = 0; i <= RUNS; i++) {
    await fs.writeFile(file, `export const value1 = ${i};\n`);
    const before = history.gitCalls;
    const start = performance.now();
    progress.queueSave(file);
    await progress.flushSaves({ tag });
    if (i > 0) samples.push(performance.now() - start); // the first run warms git's index
    calls = history.gitCalls - before;
  }
  return { ms: median(samples), gitCalls: calls };
}

export async function gitSaveRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const small = await repository(await fs.mkdtemp(path.join(dir, 'git-small-')), SMALL_FILES);
  const large = await repository(await fs.mkdtemp(path.join(dir, 'git-large-')), LARGE_FILES);
  const ledger = await ActivityLedger.open(path.join(dir, 'git-ledger', 'activity.sqlite'), locateSqlWasm, { flushDelayMs: 3_600_000 });
  const smallSave = await perSave(small, ledger);
  const largeSave = await perSave(large, ledger);
  await ledger.close();
  // What each save cost before: check-ignore of the one file, then the whole tree's diff --stat.
  const file = path.join('src', 'module0', 'file1.ts');
  const before: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    spawnSync('git', ['check-ignore', file], { cwd: large }); // exits 1 for a file not ignored
    git(large, 'diff', '--stat', 'HEAD');
    before.push(performance.now() - start);
  }
  const beforeMs = median(before);
  const count = (n: number) => n.toLocaleString('en-US');
  return [
    [
      `git work per save, ${count(LARGE_FILES)}-file repository (${largeSave.gitCalls} git processes: check-ignore --stdin, cat-file --batch of the saved file)`,
      ms(largeSave.ms),
      `${count(SMALL_FILES)}-file repository ${ms(smallSave.ms)}`,
      `${(largeSave.ms / smallSave.ms).toFixed(2)}× the small one's time`,
    ],
    [`git work per save, ${count(LARGE_FILES)}-file repository, against the per-save check-ignore + full diff --stat HEAD it replaced`, ms(largeSave.ms), `before ${ms(beforeMs)}`, `${(beforeMs / largeSave.ms).toFixed(1)}× faster`],
  ];
}
