import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { makeProject, tagged, task } from '../support/planBuilder';

async function projectWithBackups(others: string[]) {
  const { root, tasksFile } = await makeProject(tagged({ master: [task({ id: 1 })], 'feature-x': [task({ id: 1 })] }));
  const dir = path.join(root, '.taskmaster', 'backups');
  await fs.mkdir(dir, { recursive: true });
  for (const name of others) await fs.writeFile(path.join(dir, name), 'not ours to delete');
  return { root, tasksFile, dir };
}

describe('TaskStore backups', () => {
  it('keeps the newest backups of each tag up to the number set, and nothing else is touched', async () => {
    const others = ['notes.txt', 'tasks-2025-01-01T00-00-00-000Z.json', 'tasks-master-old.json'];
    const { root, tasksFile, dir } = await projectWithBackups(others);
    const store = new TaskStore(locatePlan(root), { backupsToKeep: () => 3 });
    const master: string[] = [];
    for (let i = 0; i < 5; i++) master.push(await store.backup('master'));
    const feature = [await store.backup('feature-x'), await store.backup('feature-x')];
    assert.equal(new Set(master).size, 5, 'each backup is a file of its own');
    const names = (await fs.readdir(dir)).sort();
    assert.deepEqual(names, [...others, ...master.slice(-3), ...feature].map((file) => path.basename(file)).sort());
    assert.equal(await fs.readFile(master[4], 'utf8'), await fs.readFile(tasksFile, 'utf8'));
  });

  it('keeps 20 per tag without a setting (the CLI and the MCP server), as the README says', async () => {
    const documentedDefault = 20;
    const { root, dir } = await projectWithBackups([]);
    const store = new TaskStore(locatePlan(root));
    const made: string[] = [];
    for (let i = 0; i < documentedDefault + 2; i++) made.push(await store.backup('master'));
    assert.deepEqual((await fs.readdir(dir)).sort(), made.slice(-documentedDefault).map((file) => path.basename(file)).sort());
  });
});
