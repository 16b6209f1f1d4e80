import * as assert from 'node:assert/strict';
import type { LedgerEvent } from '../../src/ledger/types';
import { renderRecentProgress, type WorkingState } from '../../src/progress/recentProgress';

/** 10 May 2025 in the local time zone, as the chat's "today" is. */
const at = (hour: number, minute = 0, day = 10) => new Date(2025, 4, day, hour, minute).getTime();
const NOW = new Date(at(17));
/** eventLine's time: UTC, minutes. */
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

let nextId = 1;
const base = (time: number, taskId: string | null) => ({ id: nextId++, at: time, tag: 'master', taskId, folder: null, source: 'test', key: `k${nextId}` });
const status = (time: number, taskId: string, from: string | undefined, to: string): LedgerEvent => ({ ...base(time, taskId), kind: 'status', data: { from, to } });
const save = (time: number, taskId: string | null, file = 'src/a.ts'): LedgerEvent => ({ ...base(time, taskId), kind: 'save', data: { file } });
const commit = (time: number, taskId: string, sha: string, message: string): LedgerEvent => ({ ...base(time, taskId), kind: 'commit', data: { sha, message } });
const ai = (time: number, taskId: string): LedgerEvent => ({ ...base(time, taskId), kind: 'ai', data: { operation: 'expand-task', model: 'qwen' } });

/** The lines of one section, from its bold title to the next blank line. */
function section(text: string, title: string): string[] | undefined {
  const lines = text.split('\n');
  const start = lines.indexOf(`**${title}**`);
  if (start < 0) return undefined;
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('renderRecentProgress', () => {
  const commitAt = at(12);
  const working: WorkingState = {
    lastCommit: { hash: 'abcdef0123456789', subject: 'Login form', date: new Date(commitAt).toISOString() },
    uncommitted: { files: 2, insertions: 10, deletions: 3 },
  };
  const events = [
    status(at(16, 0, 9), '1', 'pending', 'done'), // yesterday
    save(at(16, 30, 9), '1'),
    status(at(9), '2', 'pending', 'in-progress'),
    save(at(10), '3'),
    commit(commitAt, '2', '1234567890abcdef', 'Login form\n\nLonger body'),
    status(at(13), '2', 'in-progress', 'done'),
    save(at(14), '3'),
    save(at(14, 30), '3', 'src/b.ts'),
    save(at(15), '4'),
    save(at(15, 30), null),
    ai(at(16), '4'),
  ];

  it('names the last commit and the uncommitted change', () => {
    const text = renderRecentProgress(events, working, NOW);
    const [first, second] = text.split('\n');
    assert.equal(first, `Last commit \`abcdef0\` "Login form" (${working.lastCommit!.date.replace('T', ' ').slice(0, 16)}).`);
    assert.equal(second, 'Uncommitted: 2 file(s) changed, +10 −3.');
    assert.doesNotMatch(renderRecentProgress(events, { ...working, uncommitted: { files: 0, insertions: 0, deletions: 0 } }, NOW), /Uncommitted/);
  });

  it('lists what moved since a commit made today: status changes and saves counted per task', () => {
    const since = section(renderRecentProgress(events, working, NOW), 'Since the last commit');
    assert.deepEqual(since, [`- ${stamp(at(13))}  2  status in-progress → done`, '- 3: 2 saves', '- 4: 1 save']);
  });

  it('lists today: status changes and commits in order, then saves per task; nothing from yesterday', () => {
    const today = section(renderRecentProgress(events, working, NOW), 'Today');
    assert.deepEqual(today, [
      `- ${stamp(at(9))}  2  status pending → in-progress`,
      `- ${stamp(commitAt)}  2  commit 1234567 "Login form"`,
      `- ${stamp(at(13))}  2  status in-progress → done`,
      '- 3: 3 saves',
      '- 4: 1 save',
    ]);
  });

  it('has no "since the last commit" section when the last commit is older than today', () => {
    const old = { ...working, lastCommit: { ...working.lastCommit!, date: new Date(at(18, 0, 9)).toISOString() } };
    const text = renderRecentProgress(events, old, NOW);
    assert.equal(section(text, 'Since the last commit'), undefined);
    assert.ok(section(text, 'Today'));
    const none = renderRecentProgress(events, {}, NOW);
    assert.equal(section(none, 'Since the last commit'), undefined);
    assert.doesNotMatch(none, /Last commit|Uncommitted/);
    assert.match(none, /^\n\*\*Today\*\*\n/, 'no working state: the Today section alone');
  });

  it('says "nothing recorded" for a section without status changes, commits or attributed saves', () => {
    const quiet = [status(at(16, 0, 9), '1', 'pending', 'done'), save(at(13), null), ai(at(14), '2')];
    const text = renderRecentProgress(quiet, working, NOW);
    assert.deepEqual(section(text, 'Since the last commit'), ['- nothing recorded']);
    assert.deepEqual(section(text, 'Today'), ['- nothing recorded']);
    assert.deepEqual(section(renderRecentProgress([], {}, NOW), 'Today'), ['- nothing recorded']);
  });

  it('shows the latest fifteen status changes of a busy day', () => {
    const busy = Array.from({ length: 20 }, (_, i) => status(at(8, i), String(i + 1), 'pending', 'done'));
    const today = section(renderRecentProgress(busy, {}, NOW), 'Today')!;
    assert.equal(today.length, 15);
    assert.equal(today[0], `- ${stamp(at(8, 5))}  6  status pending → done`);
    assert.equal(today.at(-1), `- ${stamp(at(8, 19))}  20  status pending → done`);
  });
});
