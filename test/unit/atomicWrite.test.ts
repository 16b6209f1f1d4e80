import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setStatuses } from '../../src/core/statusChange';
import { renameWithRetry } from '../../src/store/atomicWrite';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { makeProject, tagged, task, tempDir } from '../support/planBuilder';

function failing(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('writeFileAtomic', () => {
  it('writes through a symlinked tasks.json to its target, leaving the link a link', async () => {
    const { root, tasksFile } = await makeProject(tagged({ master: [task({ id: 1 })] }));
    const shared = path.join(await tempDir(), 'shared-tasks.json');
    await fs.rename(tasksFile, shared);
    await fs.symlink(shared, tasksFile);
    const store = new TaskStore(locatePlan(root));
    await store.edit(setStatuses(['1'], 'done'), 'master');
    assert.ok((await fs.lstat(tasksFile)).isSymbolicLink(), 'tasks.json is still a link');
    assert.equal(await fs.readlink(tasksFile), shared);
    assert.equal(JSON.parse(await fs.readFile(shared, 'utf8')).master.tasks[0].status, 'done');
    assert.deepEqual(await fs.readdir(path.dirname(shared)), ['shared-tasks.json'], 'no temp file is left beside the target');
    assert.deepEqual(await fs.readdir(path.dirname(tasksFile)), ['tasks.json'], 'nor beside the link');
  });
});

describe('renameWithRetry', () => {
  it('tries again when the target is briefly held (EBUSY, EPERM, EACCES), as on Windows', async () => {
    const dir = await tempDir();
    const [from, to] = [path.join(dir, 'new'), path.join(dir, 'tasks.json')];
    await fs.writeFile(from, 'new');
    await fs.writeFile(to, 'old');
    const errors = ['EBUSY', 'EPERM', 'EACCES'];
    let calls = 0;
    await renameWithRetry(from, to, async (a, b) => {
      calls++;
      const code = errors.shift();
      if (code) throw failing(code);
      await fs.rename(a, b);
    });
    assert.equal(calls, 4);
    assert.equal(await fs.readFile(to, 'utf8'), 'new');
  });

  it('gives up after a few tries, and at once on other errors', async () => {
    let calls = 0;
    const alwaysBusy = async () => {
      calls++;
      throw failing('EBUSY');
    };
    await assert.rejects(renameWithRetry('a', 'b', alwaysBusy), /EBUSY/);
    assert.ok(calls > 1 && calls < 10, `${calls} tries`);
    calls = 0;
    await assert.rejects(renameWithRetry('a', 'b', async () => {
      calls++;
      throw failing('ENOENT');
    }), /ENOENT/);
    assert.equal(calls, 1);
  });
});
