import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readPlan } from '../../src/core/plan';
import { ActivityLedger, locateSqlWasm } from '../../src/ledger';
import { parentsReadyToClose, ProgressTracker } from '../../src/progress/progressTracker';
import { task, tagged, tempDir } from '../support/planBuilder';

describe('progress tracking', function () {
  this.timeout(20_000);
  const tag = readPlan(
    tagged({
      master: [
        task({ id: 1, details: 'Edit src/auth/login.ts' }),
        task({ id: 2, status: 'in-progress', subtasks: [{ id: 1, status: 'done' }, { id: 2, status: 'done' }] }),
        task({ id: 3, status: 'done' }),
      ],
    }),
  ).tags.get('master')!;

  it('records commits once each, and suggests completions the message claims', async () => {
    const ledger = await ActivityLedger.open(path.join(await tempDir(), 'a.sqlite'), locateSqlWasm);
    const tracker = new ProgressTracker(ledger, '/work/app');
    const commit = { hash: 'a1b2c3d4e5f6', message: 'closes task 1, also task 3', author: 'x', date: new Date().toISOString(), files: ['src/auth/login.ts'], filesTruncated: false };
    const suggestions = tracker.recordCommits([commit], tag);
    assert.deepEqual(suggestions.map((s) => [s.taskId, s.message]), [['1', 'Commit a1b2c3d says it completes 1 "Task 1". Mark it done?']]);
    tracker.recordCommits([commit], tag);
    assert.deepEqual(ledger.commitsPerTask(0, Date.now() + 1000).map((c) => [c.taskId, c.commits]).sort(), [['1', 1], ['3', 1]]);
    await ledger.close();
  });

  it('attributes a save to the active task and to tasks that name the file', async () => {
    const ledger = await ActivityLedger.open(path.join(await tempDir(), 'b.sqlite'), locateSqlWasm);
    const tracker = new ProgressTracker(ledger, '/work/app');
    assert.deepEqual(tracker.recordSave('src/auth/login.ts', tag, '2.1').sort(), ['1', '2.1']);
    assert.deepEqual(tracker.recordSave('README.md', tag, undefined), []);
    assert.equal(ledger.count(), 2);
    await ledger.close();
  });

  it('proposes a parent whose subtasks are all done', () => {
    assert.deepEqual(parentsReadyToClose(tag).map((s) => s.taskId), ['2']);
  });
});
