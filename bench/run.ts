/**
 * `npm run bench`: speed and memory against peers measured in the same run, printed as ratios.
 * Figures go into the README by hand, with the machine they came from; nothing here asserts time.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Ollama } from 'ollama';
import { resolveAiSettings } from '../src/ai/aiSettings';
import { OllamaInference } from '../src/ai/ollamaInference';
import { SUBTASKS_SCHEMA } from '../src/core/aiSchemas';
import { findNextTask } from '../src/core/nextTask';
import { readPlan } from '../src/core/plan';
import { setStatus } from '../src/core/operations';
import initSqlJs from 'sql.js';
import { ActivityLedger, locateSqlWasm, type NewLedgerEvent } from '../src/ledger';
import * as ledgerQueries from '../src/ledger/queries';
import { parseJson } from '../src/store/jsonText';
import { locatePlan } from '../src/store/planLocation';
import { TaskStore } from '../src/store/taskStore';
import { generateLargePlan } from '../test/support/planGenerator';
import { taskMasterText } from '../test/support/planBuilder';
import { OllamaStandIn } from '../test/support/ollamaStandIn';
import { peerCommand } from '../test/support/taskMasterPeer';
import { boardRenderRows } from './boardRender';
import { gitSaveRows } from './gitSaves';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(runs: number, work: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function timeAsync(runs: number, work: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function heapAfter(work: () => unknown): number {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = work();
  global.gc?.();
  const used = process.memoryUsage().heapUsed - before;
  if (kept === undefined) throw new Error('nothing kept');
  return used;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tml-bench-'));
  const rows: string[][] = [];
  console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${mb(os.totalmem())} RAM, Node ${process.version}`);

  // 1. Load + index of a 10,000-task plan, against a bare JSON.parse of the same text.
  const text = taskMasterText(generateLargePlan(10_000));
  const parseMs = time(7, () => JSON.parse(text));
  const loadMs = time(7, () => {
    const plan = readPlan(parseJson(text));
    findNextTask(plan.tags.get('master')!);
  });
  rows.push(['load + index + next of 10,000 tasks (' + mb(text.length) + ')', ms(loadMs), `JSON.parse ${ms(parseMs)}`, `${(loadMs / parseMs).toFixed(2)}× (goal ≤ 3×)`]);
  const parseHeap = heapAfter(() => JSON.parse(text));
  const loadHeap = heapAfter(() => readPlan(parseJson(text)));
  rows.push(['heap held by the loaded plan', mb(loadHeap), `JSON.parse ${mb(parseHeap)}`, `${(loadHeap / parseHeap).toFixed(2)}×`]);

  // 2. An atomic, locked save of that plan (set one status), against a plain fs.writeFile.
  const project = path.join(dir, 'large');
  const tasksFile = path.join(project, '.taskmaster', 'tasks', 'tasks.json');
  await fs.mkdir(path.dirname(tasksFile), { recursive: true });
  await fs.writeFile(tasksFile, text);
  const store = new TaskStore(locatePlan(project));
  let flip = false;
  const saveMs = await timeAsync(5, async () => {
    flip = !flip;
    await store.edit(setStatus(['5000'], flip ? 'review' : 'pending'));
  });
  const writeMs = await timeAsync(5, () => fs.writeFile(path.join(dir, 'plain.json'), text));
  rows.push(['atomic save of the 10,000-task plan (re-read, edit, fsync, rename)', ms(saveMs), `fs.writeFile ${ms(writeMs)}`, `${(saveMs / writeMs).toFixed(1)}×`]);
  store.dispose();

  // 3. `tml next` against `task-master next` on the same files, whole processes.
  const peer = peerCommand();
  const small = path.join(dir, 'small');
  await fs.mkdir(path.join(small, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(small, '.taskmaster', 'tasks', 'tasks.json'), taskMasterText(generateLargePlan(50, 7)));
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  for (const [label, root, runs] of [['50-task plan', small, 5], ['10,000-task plan', project, 3]] as const) {
    const file = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
    const ours = time(runs, () => execFileSync(process.execPath, [cli, 'next', '--json', '--file', file], { cwd: peer?.cwd }));
    if (!peer) {
      rows.push([`tml next, ${label}`, ms(ours), 'task-master not installed (scripts/install-e2e.sh)', '-']);
      continue;
    }
    const theirs = time(runs, () => execFileSync(peer.command, [...peer.args, 'next', '--project', root, '--format', 'json'], { cwd: peer.cwd, env: peer.env, stdio: 'pipe' }));
    rows.push([`tml next vs task-master next, ${label}`, ms(ours), `task-master ${ms(theirs)}`, `${(theirs / ours).toFixed(1)}× faster (goal ≥ 20×)`]);
  }

  // 4. The AI path (prompt, structured call, repair loop, validation) against a bare ollama client
  // call, on the same stand-in reply; and a cache hit.
  const ollama = await OllamaStandIn.start({ models: [{ name: 'bench:7b' }] });
  const reply = JSON.stringify({ subtasks: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, title: `Step ${i + 1}`, description: 'd', details: 'x'.repeat(200), dependencies: [] })) });
  const scripted = { content: reply, chunkSize: 24, chunkDelayMs: 1 };
  const messages = [{ role: 'user' as const, content: 'Break the task into 5 subtasks.' }];
  const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: 'bench:7b' }));
  const bare = new Ollama({ host: ollama.url });
  const aiRuns = 15;
  const bareMs = await timeAsync(aiRuns, async () => {
    ollama.script(scripted);
    let text = '';
    for await (const chunk of await bare.chat({ model: 'bench:7b', messages, format: SUBTASKS_SCHEMA, stream: true })) text += chunk.message.content;
    JSON.parse(text);
  });
  const aiMs = await timeAsync(aiRuns, async () => {
    ollama.script(scripted);
    inference.clearCache();
    await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
  });
  rows.push(['AI structured call vs bare ollama client, same stand-in reply', ms(aiMs), `ollama.chat ${ms(bareMs)}`, `${(((aiMs - bareMs) / bareMs) * 100).toFixed(1)}% overhead (goal ≤ 5%)`]);
  const hitMs = await timeAsync(aiRuns, async () => {
    await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
  });
  rows.push(['AI cache hit (identical request)', ms(hitMs), `uncached ${ms(aiMs)}`, `${(aiMs / hitMs).toFixed(0)}× faster`]);
  await ollama.stop();

  // 5. The activity ledger at 100,000 events: inserts, report queries, flush (see ledgerRows).
  rows.push(...(await ledgerRows(dir)));

  // 6. Git work per save: a 100,000-file repository against a small one.
  rows.push(...(await gitSaveRows(dir, ms)));

  // 7. The board webview's first render of 1,000 tasks in a real VS Code, against the tree's.
  rows.push(...(await boardRenderRows(dir, ms)));

  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  |  '));
  await fs.rm(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The activity ledger (src/ledger): the peer is bare sql.js on a table of the same columns
// without the ledger's indexes and unique event key, fed the same events in the same run.

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

async function ledgerRows(dir: string): Promise<string[][]> {
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
  // A flush timer of an hour: nothing is written behind the measurements' back.
  const options = { flushDelayMs: 3_600_000 };
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

  // Flush: the first write of the whole ledger, then a typical batch (a few new events), each an
  // export of the database, lock, temp file, fsync, rename, folder fsync; against fs.writeFile.
  let start = performance.now();
  if (!(await ledger.flush())) throw new Error('the ledger did not flush');
  const firstMs = performance.now() - start;
  const flushSamples: number[] = [];
  for (let i = 0; i < 5; i++) {
    ledger.append({ kind: 'save', tag: 'master', taskId: busiest, source: 'editor', data: { file: 'src/extra.ts' } });
    start = performance.now();
    if (!(await ledger.flush())) throw new Error('the ledger did not flush');
    flushSamples.push(performance.now() - start);
  }
  const flushMs = median(flushSamples);
  const bytes = await fs.readFile(file);
  const writeMs = await timeAsync(5, () => fs.writeFile(path.join(dir, 'plain.sqlite'), bytes));
  rows.push([`ledger first flush, ${LEDGER_EVENTS.toLocaleString('en-US')} events (${mb(bytes.length)} file)`, ms(firstMs), `fs.writeFile ${ms(writeMs)}`, `${(firstMs / writeMs).toFixed(1)}×`]);
  rows.push([`ledger flush of one new event at ${LEDGER_EVENTS.toLocaleString('en-US')} events (export, lock, fsync, rename)`, ms(flushMs), `fs.writeFile ${ms(writeMs)}`, `${(flushMs / writeMs).toFixed(1)}×`]);

  // Opening it (activation): read, quick_check of every page, schema check; against sql.js alone.
  await ledger.close();
  const openMs = await timeAsync(5, async () => {
    const opened = await ActivityLedger.open(file, locateSqlWasm, options);
    await opened.close();
  });
  const loadMs = time(5, () => new SQL.Database(bytes).close());
  rows.push([`ledger open of the ${LEDGER_EVENTS.toLocaleString('en-US')}-event file (read, quick_check)`, ms(openMs), `new SQL.Database(bytes) ${ms(loadMs)}`, `${(openMs / loadMs).toFixed(1)}×`]);
  bare.close();
  return rows;
}

void main();
