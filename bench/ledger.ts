/**
 * The activity ledger (src/ledger): inserts and report queries against bare sql.js on a table of
 * the same columns without the ledger's indexes and unique event key, fed the same events in the
 * same run; recording one event at 100 and at 100,000 events, against the whole-file write each
 * flush made before the journal; folding and opening at 100,000 events.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import initSqlJs from 'sql.js';
import { ActivityLedger, locateSqlWasm, type LedgerOptions, type NewLedgerEvent } from '../src/ledger';
import { DEFAULT_FOLD_AFTER_ENTRIES } from '../src/ledger/activityLedger';
import * as ledgerQueries from '../src/ledger/queries';
import { writeFileAtomic } from '../src/store/atomicWrite';
import { median, time, timeAsync } from './timing';

type Format = (value: number) => string;

const LEDGER_EVENTS = 100_000;
const DAY_MS = 86_400_000;

/** Events as the extension records them, over the last 60 days (inside the 365-day retention):
 *  saves (60%), commits (20%), status changes (15%, a third of them to done) and AI calls (5%),
 *  on 200 tasks and their subtasks. */
function ledgerEvents(count: number, now: number): NewLedgerEvent[] {
  const events: NewLedgerEvent[] = [];
  const statuses = ['pending', 'in-progress', 'review'];
  for (let i = 0; i < count; i++) {
    const at = now - 60 * DAY_MS + Math.floor((i / count) * 60 * DAY_MS);
    const task = i % 300 < 200 ? String((i % 200) + 1) : `${(i % 100) + 1}.${(i % 7) + 1}`;
    const common = { at, tag: i % 10 === 0 ? 'feature-x' : 'master', taskId: task, key: `bench:${i}` };
    const roll = i % 20;
    if (roll < 12) events.push({ ...common, kind: 'save', source: 'editor', data: { file: `src/module${i % 500}/file${i % 37}.ts`, reason: 'active task' } });
    else if (roll < 16) events.push({ ...common, kind: 'commit', source: 'git', data: { sha: (i * 2654435761).toString(16).padStart(40, '0').slice(-40), message: `Work on task ${task}`, files: i % 9, by: 'message' } });
    else if (roll < 19) events.push({ ...common, kind: 'status', source: 'tasks.json', data: { from: statuses[i % 3], to: i % 10 === 7 ? 'done' : statuses[(i + 1) % 3], title: `Task ${task}` } });
    else events.push({ ...common, taskId: undefined, kind: 'ai', source: 'extension', data: { operation: 'expand-task', model: 'qwen2.5-coder:7b', latencyMs: 900 + (i % 400), tokens: 700, cacheHit: i % 3 === 0 } });
  }
  return events;
}

export async function ledgerRows(dir: string, ms: Format, mb: Format): Promise<string[][]> {
  const rows: string[][] = [];
  const perSecond = (count: number, elapsedMs: number) => `${Math.round((count / elapsedMs) * 1000).toLocaleString('en-US')} events/s`;
  const now = Date.now();
  const events = ledgerEvents(LEDGER_EVENTS, now);
  const SQL = await initSqlJs({ locateFile: locateSqlWasm });

  // Bare sql.js: one prepared INSERT in one transaction, same values as the ledger stores.
  const bareInsert = () => {
    const db = new SQL.Database();
    db.run(`CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, tag TEXT, task_id TEXT,
            data TEXT NOT NULL DEFAULT '{}', source TEXT, event_key TEXT, folder TEXT)`);
    const statement = db.prepare('INSERT INTO events (at, kind, tag, task_id, data, source, event_key) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.run('BEGIN');
    for (const event of events) {
      statement.run([event.at as number, event.kind, event.tag ?? null, event.taskId ?? null, JSON.stringify(event.data), event.source ?? null, event.key!]);
    }
    db.run('COMMIT');
    statement.free();
    return db;
  };
  // Timers of an hour: nothing is written or folded behind the measurements' back.
  const options: LedgerOptions = { flushDelayMs: 3_600_000, compaction: { afterQuietMs: 3_600_000 } };
  let file = '';
  let run = 0;
  const freshLedger = async () => ActivityLedger.open((file = path.join(dir, `ledger-${run++}`, 'activity.sqlite')), locateSqlWasm, options);
  // close() writes what is left; the runs' files are not needed afterwards.
  const discard = async (done: ActivityLedger) => {
    await done.close();
    await fs.rm(path.dirname(done.file), { recursive: true, force: true });
  };

  const runs = 3;
  const bareSamples: number[] = [];
  let bare = bareInsert(); // warm-up
  for (let i = 0; i < runs; i++) {
    bare.close();
    const start = performance.now();
    bare = bareInsert();
    bareSamples.push(performance.now() - start);
  }
  const bareMs = median(bareSamples);
  const manySamples: number[] = [];
  const oneSamples: number[] = [];
  let ledger = await freshLedger();
  ledger.appendMany(events.slice(0, 1000)); // warm-up
  for (let i = 0; i < runs; i++) {
    await discard(ledger);
    ledger = await freshLedger();
    let start = performance.now();
    for (const event of events) ledger.append(event);
    oneSamples.push(performance.now() - start);
    await discard(ledger);
    ledger = await freshLedger();
    start = performance.now();
    if (ledger.appendMany(events) !== LEDGER_EVENTS) throw new Error('the ledger dropped events');
    manySamples.push(performance.now() - start);
  }
  const manyMs = median(manySamples);
  const oneMs = median(oneSamples);
  const bareRate = perSecond(LEDGER_EVENTS, bareMs);
  rows.push([`ledger appendMany, ${LEDGER_EVENTS.toLocaleString('en-US')} events in one transaction`, perSecond(LEDGER_EVENTS, manyMs), `bare sql.js INSERT loop ${bareRate}`, `${(manyMs / bareMs).toFixed(2)}× the time (3 indexes + unique key)`]);
  rows.push([`ledger append, ${LEDGER_EVENTS.toLocaleString('en-US')} events one by one (as the extension records)`, perSecond(LEDGER_EVENTS, oneMs), `bare sql.js INSERT loop ${bareRate}`, `${(oneMs / bareMs).toFixed(2)}× the time`]);

  // Report queries at 100,000 events, each against the same query on the bare (unindexed) table.
  const from = now - 30 * DAY_MS;
  const to = now + 1;
  const busiest = '12';
  const historySize = ledger.history(busiest, { tag: 'master' }).length;
  // Ours through the ledger's methods; theirs: the same query functions on the bare database.
  const queries: Array<[string, () => unknown[], () => unknown[]]> = [
    [`completedBetween, last 30 days (${ledger.completedBetween(from, to).length} tasks)`, () => ledger.completedBetween(from, to), () => ledgerQueries.completedBetween(bare, from, to)],
    ['velocity by day, last 30 days', () => ledger.velocity(from, to, 'day'), () => ledgerQueries.velocity(bare, from, to, 'day')],
    [`commitsPerTask, last 30 days (${ledger.commitsPerTask(from, to).length} tasks)`, () => ledger.commitsPerTask(from, to), () => ledgerQueries.commitsPerTask(bare, from, to)],
    [`history of task ${busiest} (${historySize} events)`, () => ledger.history(busiest, { tag: 'master' }), () => ledgerQueries.history(bare, busiest, { tag: 'master' })],
    [`history of task ${busiest} with its subtasks`, () => ledger.history(busiest, { tag: 'master', includeSubtasks: true }), () => ledgerQueries.history(bare, busiest, { tag: 'master', includeSubtasks: true })],
  ];
  for (const [label, ours, theirs] of queries) {
    if (JSON.stringify(ours()) !== JSON.stringify(theirs())) throw new Error(`${label}: the ledger and the bare table disagree`);
    const oursMs = time(7, ours);
    const theirsMs = time(3, theirs);
    rows.push([`ledger query at ${LEDGER_EVENTS.toLocaleString('en-US')} events: ${label}`, ms(oursMs), `no indexes ${ms(theirsMs)}`, `${(theirsMs / oursMs).toFixed(1)}× faster`]);
  }

  // Fold (as on close): export of the whole database, temp file, fsync, rename; against fs.writeFile.
  let start = performance.now();
  await ledger.close();
  const foldMs = performance.now() - start;
  const bytes = await fs.readFile(file);
  const writeMs = await timeAsync(5, () => fs.writeFile(path.join(dir, 'plain.sqlite'), bytes));
  const count = LEDGER_EVENTS.toLocaleString('en-US');
  rows.push([`ledger fold into the file at ${count} events (close, idle; ${mb(bytes.length)} file)`, ms(foldMs), `fs.writeFile ${ms(writeMs)}`, `${(foldMs / writeMs).toFixed(1)}×`]);

  // Recording one event as the extension does (append, then the batch's flush: lock, the journal's
  // new lines read, one line appended, fsync), at 100 events and at 100,000.
  const recordMs = async (ledgerFile: string) => {
    const recorder = await ActivityLedger.open(ledgerFile, locateSqlWasm, options);
    const record = async () => {
      recorder.append({ kind: 'save', tag: 'master', taskId: busiest, source: 'editor', data: { file: 'src/extra.ts' } });
      if (!(await recorder.flush())) throw new Error('the ledger did not flush');
    };
    await record(); // warm-up
    const elapsed = await timeAsync(21, record);
    await recorder.close();
    return elapsed;
  };
  const largeFile = file;
  const small = await freshLedger();
  small.appendMany(events.slice(0, 100));
  await small.close();
  const smallMs = await recordMs(small.file);
  const largeMs = await recordMs(largeFile);
  rows.push([`ledger record one event + flush at ${count} events (journal append, fsync)`, ms(largeMs), `at 100 events ${ms(smallMs)}`, `${(largeMs / smallMs).toFixed(2)}× the small one's time (goal ≤ 10 ms, same)`]);
  // What each flush did before the journal: insert, export the whole database, write it atomically.
  const before = new SQL.Database(await fs.readFile(largeFile));
  const insertEvent = before.prepare(`INSERT INTO events (at, kind, tag, task_id, data, source, event_key) VALUES (?, 'save', 'master', ?, '{}', 'editor', ?)`);
  let extra = 0;
  const wholeFileMs = await timeAsync(5, async () => {
    insertEvent.run([Date.now(), busiest, `before:${extra++}`]);
    await writeFileAtomic(path.join(dir, 'before.sqlite'), before.export());
  });
  before.close();
  rows.push([`ledger record one event + flush at ${count} events, against the whole-file write it replaced`, ms(largeMs), `insert + export + atomic write ${ms(wholeFileMs)}`, `${(wholeFileMs / largeMs).toFixed(0)}× faster`]);

  // Opening (activation): read, header check, schema check, journal replay; against sql.js alone.
  const openMs = await timeAsync(5, async () => {
    const opened = await ActivityLedger.open(largeFile, locateSqlWasm, options);
    await opened.close();
  });
  const loadMs = time(5, () => new SQL.Database(bytes).close());
  rows.push([`ledger open of the ${count}-event file (read, header check, schema)`, ms(openMs), `new SQL.Database(bytes) ${ms(loadMs)}`, `${(openMs / loadMs).toFixed(1)}×`]);
  // The same with the longest journal a ledger keeps before folding it, on copies (close folds).
  const longest = DEFAULT_FOLD_AFTER_ENTRIES - 1;
  const writer = await ActivityLedger.open(largeFile, locateSqlWasm, { ...options, compaction: { afterEntries: longest + 1, afterQuietMs: 3_600_000 } });
  for (let i = 0; i < longest; i++) writer.append({ kind: 'save', tag: 'master', taskId: busiest, source: 'editor', data: { file: `src/journal${i}.ts` } });
  if (!(await writer.flush())) throw new Error('the ledger did not flush');
  // Copies made first, so no sample reads a file still being written back.
  const copies: string[] = [];
  for (let i = 0; i < 5; i++) {
    const copy = path.join(dir, `journal-copy-${i}`, 'activity.sqlite');
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.copyFile(largeFile, copy);
    await fs.copyFile(`${largeFile}.journal`, `${copy}.journal`);
    copies.push(copy);
  }
  const journalSamples: number[] = [];
  for (const copy of copies) {
    start = performance.now();
    const opened = await ActivityLedger.open(copy, locateSqlWasm, options);
    journalSamples.push(performance.now() - start);
    if (opened.count() !== LEDGER_EVENTS + 22 + longest) throw new Error('the journal was not replayed');
    await opened.close();
  }
  await writer.close();
  const journalOpenMs = median(journalSamples);
  rows.push([`ledger open of the ${count}-event file with a ${longest.toLocaleString('en-US')}-entry journal (replayed)`, ms(journalOpenMs), `new SQL.Database(bytes) ${ms(loadMs)}`, `${(journalOpenMs / loadMs).toFixed(1)}×`]);
  bare.close();
  return rows;
}
