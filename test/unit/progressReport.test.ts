import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { readPlan } from '../../src/core/plan';
import { ActivityLedger, locateSqlWasm } from '../../src/ledger';
import { ActivityRecorder } from '../../src/progress/activityRecorder';
import { parsePeriod, summarizeHistory } from '../../src/progress/progressReport';
import { locatePlan } from '../../src/store/planLocation';
import { planFingerprint } from '../../src/store/planReader';
import { TaskStore } from '../../src/store/taskStore';
import { makeProject, task, tagged, taskMasterText, tempDir } from '../support/planBuilder';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('activity recording and progress reports', function () {
  this.timeout(20_000);

  it('records status changes once per change, even when two windows see the same edit', async () => {
    const dir = await tempDir('tml-ledger-');
    const ledger = await ActivityLedger.open(path.join(dir, 'activity.sqlite'), locateSqlWasm);
    const recorder = new ActivityRecorder(ledger);
    const v1 = tagged({ master: [task({ id: 1 }), task({ id: 2 })] });
    const v2 = tagged({ master: [task({ id: 1, status: 'done' }), task({ id: 2, status: 'in-progress' })] });
    const [a, b] = [readPlan(v1), readPlan(v2)];
    assert.equal(recorder.recordPlanChange(locatePlan('/p'), a, b, planFingerprint(Buffer.from(taskMasterText(v2))), 'tasks.json'), 2);
    assert.equal(recorder.recordPlanChange(locatePlan('/p'), a, b, planFingerprint(Buffer.from(taskMasterText(v2))), 'tasks.json'), 0, 'the second window adds nothing');
    assert.deepEqual(ledger.history('1').map((e) => e.kind === 'status' && e.data.to), ['done']);
    await ledger.close();
  });

  it('tml history and tml report read the ledger', async () => {
    const data = tagged({ master: [task({ id: 1, status: 'done' }), task({ id: 2, status: 'in-progress' }), task({ id: 3, dependencies: [2] }), task({ id: 4, status: 'blocked' })] });
    const { root } = await makeProject(data);
    const ledgerFile = path.join(root, 'activity.sqlite');
    const ledger = await ActivityLedger.open(ledgerFile, locateSqlWasm);
    const before = tagged({ master: [task({ id: 1 }), task({ id: 2 }), task({ id: 3, dependencies: [2] }), task({ id: 4, status: 'blocked' })] });
    new ActivityRecorder(ledger).recordPlanChange(locatePlan(root), readPlan(before), readPlan(data), planFingerprint(Buffer.from(taskMasterText(data))), 'tasks.json');
    ledger.append({ kind: 'commit', tag: 'master', taskId: '2', folder: root, data: { sha: 'abcdef1234567', message: 'Work on 2' } });
    // Another workspace folder of the same window, with a tag of the same name: not this project's.
    const other = path.join(path.dirname(root), 'another-project');
    ledger.append({ kind: 'status', tag: 'master', taskId: '3', folder: other, data: { from: 'pending', to: 'done' } });
    ledger.append({ kind: 'commit', tag: 'master', taskId: '1', folder: other, data: { sha: 'fedcba9876543', message: 'Elsewhere' } });
    await ledger.close();

    const history = await cli(['history', '1', '--ledger', ledgerFile, '--project', root]);
    assert.equal(history.code, 0);
    assert.match(history.out, /1 {2}status pending → done/);

    const report = await cli(['report', '--ledger', ledgerFile, '--project', root, '--since', '7d', '--out', 'report.md']);
    assert.equal(report.code, 0, report.err);
    const text = await fs.readFile(path.join(root, 'report.md'), 'utf8');
    assert.match(text, /## Completed \(1\)\n\n- 1 Task 1/);
    assert.match(text, /## In progress \(1\)\n\n- 2 Task 2 — last: commit abcdef1 "Work on 2"/);
    assert.match(text, /- 3 Task 3 — waits on 2 \(in-progress\)/);
    assert.match(text, /- 4 Task 4 — marked blocked/);
    assert.match(text, /\| 2 Task 2 \| 1 \|/);
    assert.doesNotMatch(text, /\| 1 Task 1 \|/, "another folder's commit is not in this report");

    assert.equal((await cli(['report', '--project', root])).code, 2, 'the ledger path is required');
    assert.throws(() => parsePeriod('soon'), /not a period/);
  });
});

describe('task history for tooltips', () => {
  it('says when a task started, how long it has been in progress, its saves and commits', async () => {
    const dir = await tempDir('tml-history-');
    const ledger = await ActivityLedger.open(path.join(dir, 'h.sqlite'), locateSqlWasm);
    const start = Date.parse('2026-11-20T10:00:00Z');
    ledger.append({ kind: 'status', taskId: '4', at: start, data: { from: 'pending', to: 'in-progress' } });
    ledger.append({ kind: 'save', taskId: '4', at: start + 60_000, data: { file: 'a.ts' } });
    ledger.append({ kind: 'save', taskId: '4', at: start + 120_000, data: { file: 'b.ts' } });
    ledger.append({ kind: 'commit', taskId: '4', at: start + 3600_000, data: { sha: '0123456789', message: 'Wire it' } });
    const lines = summarizeHistory(ledger.history('4'), 'in-progress', start + 26 * 3600_000);
    assert.deepEqual(lines, ['started 2026-11-20 10:00, in progress for 1 d 2 h', '2 saves, last 2026-11-20 10:02', 'commit 0123456 "Wire it"']);
    await ledger.close();
  });

  it('finds the tag Task Master maps a branch to', async () => {
    const { root } = await makeProject(tagged({ master: [], feature: [] }), { currentTag: 'master', branchTagMapping: { 'feat/auth': 'feature' } });
    const store = new TaskStore(locatePlan(root));
    assert.equal(await store.tagForBranch('feat/auth'), 'feature');
    assert.equal(await store.tagForBranch('main'), undefined);
  });
});
