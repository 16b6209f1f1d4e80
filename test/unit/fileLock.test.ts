import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { withFileLock } from '../../src/store/fileLock';
import type { ContenderOrders } from '../support/lockContender';
import { tempDir } from '../support/planBuilder';

const CONTENDER = path.join(__dirname, '..', 'support', 'lockContender.ts');

function startContender(): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = fork(CONTENDER, [], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve({ child, exited }));
    child.once('error', reject);
  });
}

describe('withFileLock', () => {
  it('never has two holders when separate processes take over the same abandoned lock', async function () {
    this.timeout(120_000);
    const ROUNDS = 40;
    const CONTENDERS = 3;
    const dir = await tempDir();
    const files = Array.from({ length: ROUNDS }, (_, round) => path.join(dir, `plan-${round}.json`));
    const longAgo = new Date(Date.now() - 60_000);
    for (const file of files) {
      await fs.mkdir(`${file}.lock`);
      await fs.utimes(`${file}.lock`, longAgo, longAgo);
    }
    const contenders = await Promise.all(Array.from({ length: CONTENDERS }, startContender));
    const orders: ContenderOrders = { startAt: Date.now() + 300, roundMs: 250, files };
    for (const { child } of contenders) child.send(orders);
    assert.deepEqual(await Promise.all(contenders.map(({ exited }) => exited)), contenders.map(() => 0));

    const overlapping: string[] = [];
    for (const file of files) {
      const log = (await fs.readFile(`${file}.holders`, 'utf8')).trim().split('\n');
      assert.equal(log.length, 2 * CONTENDERS, `${file}: every contender got the lock once`);
      const entersInARow = log.some((line, i) => line.startsWith('enter') && log[i + 1]?.startsWith('enter'));
      if (entersInARow) overlapping.push(`${path.basename(file)}: ${log.join(', ')}`);
    }
    assert.deepEqual(overlapping, []);
  });

  it('keeps a long-held lock fresh, so Task Master\'s lock client does not take it over', async function () {
    this.timeout(60_000);
    const file = path.join(await tempDir(), 'tasks.json');
    await fs.writeFile(file, '{}');
    const STALE_MS = 10_000; // task-master 0.43's proper-lockfile `stale`
    await withFileLock(file, async () => {
      await new Promise((resolve) => setTimeout(resolve, STALE_MS + 1_500));
      const age = Date.now() - (await fs.stat(`${file}.lock`)).mtimeMs;
      assert.ok(age < STALE_MS, `the lock was last refreshed ${age} ms ago`);
      await assert.rejects(lockfile.lock(file, { stale: STALE_MS, realpath: false }), (error: NodeJS.ErrnoException) => error.code === 'ELOCKED');
    });
    await assert.rejects(fs.stat(`${file}.lock`), /ENOENT/);
  });
});
