import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import initSqlJs from 'sql.js';
import { ActivityLedger, SCHEMA_VERSION, type LedgerNotice, type LedgerOptions, type NewLedgerEvent } from '../../src/ledger';
import { tempDir } from '../support/planBuilder';

const wasmDir = path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
const locateWasm = (file: string) => path.join(wasmDir, file);
/** Long enough that only explicit flushes write, unless a test says otherwise. */
const MANUAL: LedgerOptions = { flushDelayMs: 60_000 };

async function ledgerFile(): Promise<string> {
  return path.join(await tempDir('tml-ledger-'), 'storage', 'activity.sqlite');
}

function open(file: string, options: LedgerOptions = MANUAL): Promise<ActivityLedger> {
  return ActivityLedger.open(file, locateWasm, options);
}

function save(taskId: string, at: number | Date, file = 'src/a.ts'): NewLedgerEvent {
  return { kind: 'save', taskId, tag: 'master', at, data: { file }, source: 'extension' };
}

function status(taskId: string, at: number | Date, to: string, from = 'in-progress', tag = 'master'): NewLedgerEvent {
  return { kind: 'status', taskId, tag, at, data: { from, to }, source: 'extension' };
}

function commit(taskId: string, at: number | Date, sha: string): NewLedgerEvent {
  return { kind: 'commit', taskId, tag: 'master', at, data: { sha, message: `task ${taskId}` }, source: 'git', key: `commit:${sha}:${taskId}` };
}

/** A recent time, so the default retention (365 days) keeps the event. */
const T0 = Date.now() - 3_600_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Every event key in the database file, read with plain sql.js (not through the ledger). */
async function keysInSnapshot(file: string): Promise<string[]> {
  if (!(await exists(file))) return [];
  const SQL = await initSqlJs({ locateFile: locateWasm });
  const db = new SQL.Database(await fs.readFile(file));
  try {
    return (db.exec('SELECT event_key FROM events')[0]?.values ?? []).map(([key]) => String(key));
  } finally {
    db.close();
  }
}

/** Opening the ledger again brings no notice and holds `count` events. */
async function assertReopensCleanly(file: string, count: number): Promise<void> {
  const reopened = await open(file);
  assert.equal(reopened.openNotice, undefined);
  assert.equal(reopened.count(), count);
  await reopened.close();
}

/** The event keys in the journal beside the file: its lines read as plain JSON. */
async function keysInJournal(file: string): Promise<string[]> {
  const text = await fs.readFile(`${file}.journal`, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(1, -1)
    .map((line) => JSON.parse(line) as { into: string; values: unknown[] })
    .filter((entry) => entry.into === 'events')
    .map((entry) => String(entry.values[6]));
}

/** Every event key on disk: the database file's, then the journal's not yet folded into it. */
async function keysOnDisk(file: string): Promise<string[]> {
  return [...(await keysInSnapshot(file)), ...(await keysInJournal(file))];
}

describe('ActivityLedger', () => {
  describe('persistence', () => {
    it('round-trips appended events through flush and reopen, with the schema version set', async () => {
      const file = await ledgerFile();
      const ledger = await open(file);
      assert.equal(ledger.openNotice, undefined);
      const stored = ledger.append(save('3', T0 + 1_000));
      assert.ok(stored);
      assert.equal(stored.kind, 'save');
      ledger.append(status('3', T0 + 2_000, 'done'));
      assert.equal(ledger.count(), 2, 'acknowledged events are queryable before any write');
      assert.equal(await exists(file), false, 'append does not write');
      assert.equal(await ledger.flush(), true);
      assert.equal(ledger.pendingCount, 0);
      await ledger.close();

      const again = await open(file);
      const events = again.history('3');
      assert.deepEqual(
        events.map((e) => [e.kind, e.at, e.tag, e.source, e.data]),
        [
          ['save', T0 + 1_000, 'master', 'extension', { file: 'src/a.ts' }],
          ['status', T0 + 2_000, 'master', 'extension', { from: 'in-progress', to: 'done' }],
        ],
      );
      assert.equal(events[0].key, stored.key);
      await again.close();

      const SQL = await initSqlJs({ locateFile: locateWasm });
      const raw = new SQL.Database(await fs.readFile(file));
      assert.equal(raw.exec('PRAGMA user_version')[0].values[0][0], SCHEMA_VERSION);
      raw.close();
    });

    it('keeps events across close and reopen (deactivate, activate) without an explicit flush', async () => {
      const file = await ledgerFile();
      for (let session = 0; session < 3; session++) {
        const ledger = await open(file);
        assert.equal(ledger.count(), session * 2);
        ledger.append(save('1', Date.now()));
        ledger.append(save('2', Date.now()));
        await ledger.close(); // deactivate: close writes the pending batch
        await ledger.close(); // twice is harmless
        assert.throws(() => ledger.append(save('1', T0)), /closed/);
      }
      const last = await open(file);
      assert.equal(last.count(), 6);
      await last.close();
    });

    it('batches appends within the flush window into one write (observed on the journal)', async () => {
      const file = await ledgerFile();
      const ledger = await open(file, { flushDelayMs: 800 });
      const versions = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const stat = await fs.stat(`${file}.journal`).catch(() => undefined);
          if (stat) versions.add(`${stat.size}`);
          await sleep(5);
        }
      })();
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        ledger.append(save('1', Date.now()));
        await sleep(10);
      }
      assert.equal(ledger.pendingCount, 5);
      if (Date.now() - started < 700) assert.equal(await exists(file), false, 'nothing is written before the window ends');
      await waitFor(() => ledger.pendingCount === 0);
      await sleep(50); // let the sampler see the final file
      assert.equal(versions.size, 1, 'one write for five appends');
      assert.equal((await keysOnDisk(file)).length, 5);

      ledger.append(save('2', Date.now()));
      await waitFor(() => ledger.pendingCount === 0);
      await sleep(50);
      assert.equal(versions.size, 2, 'the next batch is a second write');
      sampling = false;
      await sampler;
      await ledger.close();
      assert.equal((await keysOnDisk(file)).length, 6);
    });

    it('appendMany that fails midway stores and writes none of its events (rollback works)', async () => {
      const file = await ledgerFile();
      const ledger = await open(file);
      ledger.append(save('1', T0));
      const batch = [save('2', T0), save('3', T0), save('4', 'not a time' as unknown as number)];
      assert.throws(() => ledger.appendMany(batch), /Not a time/);
      assert.equal(ledger.count(), 1);
      assert.equal(ledger.pendingCount, 1);
      await ledger.close();
      assert.equal((await keysOnDisk(file)).length, 1);
    });

    it('writes atomically: no temp files are left beside the ledger', async () => {
      const file = await ledgerFile();
      const ledger = await open(file);
      ledger.append(save('1', T0));
      await ledger.close();
      assert.deepEqual(await fs.readdir(path.dirname(file)), ['activity.sqlite']);
    });
  });

  describe('the journal', () => {
    /** A ledger of `count` events folded into its file, and the file's stamp. */
    async function foldedLedger(count: number): Promise<string> {
      const file = await ledgerFile();
      const ledger = await open(file);
      ledger.appendMany(Array.from({ length: count }, (_, i) => save(String(i % 50), T0 + i, `src/file-${i}.ts`)));
      await ledger.close();
      return file;
    }

    const stampOf = async (file: string) => {
      const stat = await fs.stat(file);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    };

    it('a flush appends the new event to the journal and leaves the database file as it was', async () => {
      const file = await foldedLedger(2_000);
      const before = await stampOf(file);
      const ledger = await open(file);
      const stored = ledger.append(save('7', Date.now()))!;
      assert.equal(await ledger.flush(), true);
      assert.equal(await stampOf(file), before, 'the database file is not rewritten');
      assert.deepEqual(await keysInJournal(file), [stored.key]);
      ledger.append(save('8', Date.now()));
      await ledger.flush();
      assert.equal((await keysInJournal(file)).length, 2, 'the next batch is appended');
      await ledger.close();
      assert.equal(await exists(`${file}.journal`), false, 'close folds the journal into the file');
      assert.equal((await keysInSnapshot(file)).length, 2_002);
    });

    it('after a crash, reopening loads the file and replays the journal: events, seen commits and baselines', async () => {
      const file = await foldedLedger(100);
      const crashed = await open(file);
      const stored = crashed.append(save('9', Date.now()))!;
      crashed.markCommitsSeen('/work/api', ['aaa', 'bbb']);
      crashed.setCommitBaseline('/work/api', ['tip1']);
      await crashed.flush();
      // `crashed` is abandoned without close, as a killed process would leave it.
      const reopened = await open(file);
      assert.equal(reopened.openNotice, undefined);
      assert.equal(reopened.count(), 101);
      assert.equal(reopened.history('9').at(-1)?.key, stored.key);
      assert.deepEqual(reopened.unseenCommits('/work/api', ['aaa', 'ccc', 'bbb']), ['ccc']);
      assert.deepEqual(reopened.commitBaseline('/work/api'), ['tip1']);
      await reopened.close();
    });

    it('a last line cut off mid-JSON is dropped, never the lines before it, and later writes do not join it', async () => {
      const file = await ledgerFile();
      const crashed = await open(file);
      const keys = [1, 2, 3].map((i) => crashed.append(save(String(i), T0 + i))!.key);
      await crashed.flush();
      const journal = `${file}.journal`;
      const whole = await fs.readFile(journal);
      await fs.writeFile(journal, whole.subarray(0, whole.length - 25));
      const reopened = await open(file);
      assert.equal(reopened.openNotice, undefined, 'an unfinished last write is what a crash leaves: no alarm');
      assert.deepEqual(reopened.recent(10).map((e) => e.key).reverse(), keys.slice(0, 2));
      const added = reopened.append(save('4', T0 + 4))!.key;
      await reopened.flush();
      assert.deepEqual(await keysInJournal(file), [keys[0], keys[1], added]);
      const third = await open(file);
      assert.equal(third.openNotice, undefined);
      assert.equal(third.count(), 3);
      await third.close();
      await reopened.close();
    });

    it('garbage bytes at the end are skipped with a notice and kept aside; every event before them loads', async () => {
      const file = await ledgerFile();
      const crashed = await open(file);
      const keys = Array.from({ length: 20 }, (_, i) => crashed.append(save(String(i), T0 + i))!.key);
      await crashed.flush();
      const garbage = Buffer.concat([randomBytes(3_000), Buffer.from('\n{"into":"events","values":[1]}\n'), randomBytes(500)]);
      await fs.appendFile(`${file}.journal`, garbage);
      const notices: LedgerNotice[] = [];
      const reopened = await open(file, { ...MANUAL, onNotice: (notice) => notices.push(notice) });
      assert.equal(reopened.openNotice?.kind, 'recovered');
      assert.deepEqual(notices, [reopened.openNotice]);
      assert.match(reopened.openNotice!.message, /could not be read and were skipped; every readable event was kept/);
      const copy = reopened.openNotice!.movedTo!;
      assert.ok((await fs.readFile(copy)).subarray(-garbage.length).equals(garbage), 'the damaged journal is kept for inspection');
      assert.deepEqual(new Set(reopened.recent(100).map((e) => e.key)), new Set(keys));
      reopened.append(save('new', T0 + 100));
      await reopened.close();
      await assertReopensCleanly(file, 21);
    });

    it('a crash between writing the file and removing the journal loses and doubles nothing', async () => {
      const file = await foldedLedger(50);
      const ledger = await open(file);
      for (let i = 0; i < 5; i++) ledger.append(save('late', T0 + 1_000 + i));
      await ledger.flush();
      const journal = await fs.readFile(`${file}.journal`);
      await ledger.close(); // the fold: the file now holds the 5, the journal is gone
      await fs.writeFile(`${file}.journal`, journal); // as if the process died before removing it
      const reopened = await open(file);
      assert.equal(reopened.count(), 55);
      reopened.append(save('after', Date.now()));
      await reopened.close();
      const onDisk = await keysOnDisk(file);
      assert.equal(onDisk.length, 56);
      assert.equal(new Set(onDisk).size, 56);
    });

    it('is folded into the file after a quiet spell, and once it holds afterEntries entries', async () => {
      const file = await ledgerFile();
      const quiet = await open(file, { ...MANUAL, compaction: { afterQuietMs: 100 } });
      quiet.append(save('1', T0));
      await quiet.flush();
      assert.equal(await exists(`${file}.journal`), true);
      await waitFor(() => !existsSync(`${file}.journal`));
      assert.equal((await keysInSnapshot(file)).length, 1);
      await quiet.close();

      const longFile = await ledgerFile();
      const long = await open(longFile, { ...MANUAL, compaction: { afterEntries: 10 } });
      for (let i = 0; i < 9; i++) long.append(save(String(i), T0 + i));
      await long.flush();
      assert.equal((await keysInJournal(longFile)).length, 9);
      long.append(save('9', T0 + 9));
      await long.flush();
      assert.equal(await exists(`${longFile}.journal`), false);
      assert.equal((await keysInSnapshot(longFile)).length, 10);
      await long.close();
    });
  });

  describe('an unreadable file', () => {
    async function expectRecovered(file: string, original: Buffer): Promise<void> {
      const notices: LedgerNotice[] = [];
      const ledger = await open(file, { ...MANUAL, onNotice: (notice) => notices.push(notice) });
      assert.equal(ledger.openNotice?.kind, 'recovered');
      assert.deepEqual(notices, [ledger.openNotice]);
      const movedTo = ledger.openNotice?.movedTo;
      assert.ok(movedTo && movedTo.startsWith(`${file}.corrupt-`), movedTo);
      assert.deepEqual(await fs.readFile(movedTo), original, 'the bad file is kept for inspection');
      assert.equal(ledger.count(), 0);
      ledger.append(save('1', T0));
      await ledger.close();
      await assertReopensCleanly(file, 1);
    }

    it('of random bytes is moved aside with a notice, and a new ledger works', async () => {
      const file = await ledgerFile();
      await fs.mkdir(path.dirname(file), { recursive: true });
      const garbage = randomBytes(10_000);
      await fs.writeFile(file, garbage);
      await expectRecovered(file, garbage);
    });

    it('that was truncated is moved aside with a notice, and a new ledger works', async () => {
      const file = await ledgerFile();
      const ledger = await open(file);
      ledger.appendMany(Array.from({ length: 2_000 }, (_, i) => save(String(i % 50), T0 + i, `src/file-${i}.ts`)));
      await ledger.close();
      const whole = await fs.readFile(file);
      const truncated = whole.subarray(0, Math.floor(whole.length / 2));
      await fs.writeFile(file, truncated);
      await expectRecovered(file, truncated);
    });

    it('that turns to garbage while open is moved aside at the next flush, keeping this window\'s events', async () => {
      const file = await ledgerFile();
      const notices: LedgerNotice[] = [];
      const ledger = await open(file, { ...MANUAL, onNotice: (notice) => notices.push(notice) });
      ledger.append(save('1', T0));
      await ledger.flush();
      const garbage = randomBytes(5_000);
      await fs.writeFile(`${file}.new`, garbage);
      await fs.rename(`${file}.new`, file);
      ledger.append(save('2', T0));
      assert.equal(await ledger.flush(), true);
      assert.equal(notices.length, 1);
      assert.equal(notices[0].kind, 'recovered');
      assert.deepEqual(await fs.readFile(notices[0].movedTo!), garbage);
      assert.equal((await keysOnDisk(file)).length, 2);
      await ledger.close();
    });
    it('that cannot be moved aside is left alone: events are kept in memory, with a notice', async () => {
      const dir = await tempDir('tml-ledger-');
      await fs.writeFile(path.join(dir, 'blocker'), 'a file where the storage folder should be');
      const file = path.join(dir, 'blocker', 'activity.sqlite');
      const notices: LedgerNotice[] = [];
      const ledger = await open(file, { ...MANUAL, onNotice: (notice) => notices.push(notice) });
      assert.equal(ledger.openNotice?.kind, 'readOnly');
      assert.deepEqual(notices, [ledger.openNotice]);
      ledger.append(save('1', T0));
      assert.equal(ledger.count(), 1);
      assert.equal(await ledger.flush(), false);
      await ledger.close(); // does not reject
      assert.equal(await fs.readFile(path.join(dir, 'blocker'), 'utf8'), 'a file where the storage folder should be');
    });

    it('a failing write is reported once, keeps the events queued, and succeeds later', async () => {
      const file = await ledgerFile();
      const notices: LedgerNotice[] = [];
      const ledger = await open(file, { ...MANUAL, onNotice: (notice) => notices.push(notice) });
      await fs.mkdir(file, { recursive: true }); // a folder where the file should go: reads and writes fail
      ledger.append(save('1', T0));
      assert.equal(await ledger.flush(), false);
      assert.equal(await ledger.flush(), false);
      assert.deepEqual(notices.map((n) => n.kind), ['flushFailed']);
      assert.equal(ledger.pendingCount, 1);
      await fs.rm(file, { recursive: true });
      assert.equal(await ledger.flush(), true);
      await ledger.close();
      assert.equal((await keysOnDisk(file)).length, 1);
    });
  });

  describe('two windows on one file', () => {
    it('interleaved appends and flushes give the union of all events, none twice', async () => {
      const file = await ledgerFile();
      const a = await open(file);
      const b = await open(file);
      const keys = new Set<string>();
      const add = (ledger: ActivityLedger, taskId: string) => keys.add(ledger.append(save(taskId, Date.now()))!.key);

      add(a, 'a1');
      add(a, 'a2');
      add(b, 'b1');
      await a.flush();
      add(b, 'b2');
      add(a, 'a3');
      await b.flush(); // b merges a's file
      add(a, 'a4');
      await a.flush(); // a merges b's write
      add(b, 'b3');
      await Promise.all([a.flush(), b.flush(), a.flush()]); // racing flushes meet at the lock
      add(a, 'a5');
      add(b, 'b4');
      await Promise.all([b.close(), a.close()]);

      const onDisk = await keysOnDisk(file);
      assert.equal(onDisk.length, 9);
      assert.deepEqual(new Set(onDisk), keys);
      const reader = await open(file);
      assert.equal(reader.count(), 9);
      await reader.close();
    });

    it('picks up the other window\'s events at flush, and stores an event both saw once', async () => {
      const file = await ledgerFile();
      const a = await open(file);
      const b = await open(file);
      a.append(commit('4', T0, 'abc1234'));
      b.append(commit('4', T0, 'abc1234')); // the same commit, noticed by both windows
      b.append(save('4', T0 + 1));
      await a.flush();
      await b.flush();
      assert.equal(b.count(), 2);
      assert.equal(a.count(), 1, 'a has not looked at the file since');
      await a.flush(); // nothing to write: only reads what b wrote
      assert.equal(a.count(), 2);
      assert.equal(a.append(commit('4', T0, 'abc1234')), undefined, 'a known key is ignored');
      await a.close();
      await b.close();
      assert.equal((await keysOnDisk(file)).length, 2);
    });

    it('separate processes appending, flushing and folding at once lose and duplicate nothing', async function () {
      this.timeout(30_000);
      const file = await ledgerFile();
      const dir = path.dirname(path.dirname(file));
      const script = path.join(dir, 'writer.ts');
      const ledgerModule = path.resolve(__dirname, '../../src/ledger');
      await fs.writeFile(
        script,
        `import { ActivityLedger } from ${JSON.stringify(ledgerModule)};
        const [file, wasmDir, name] = process.argv.slice(2);
        (async () => {
          // Folds every 40 journal entries, so each process also loads snapshots the others folded.
          const ledger = await ActivityLedger.open(file, (f) => wasmDir + '/' + f, { flushDelayMs: 5, compaction: { afterEntries: 40 } });
          for (let i = 0; i < 150; i++) {
            ledger.append({ kind: 'save', taskId: name, data: { file: String(i) }, key: name + ':' + i });
            if (i % 10 === 0) await new Promise((r) => setTimeout(r, 3));
          }
          await ledger.close();
        })();`,
      );
      const run = promisify(execFile);
      const writers = ['w1', 'w2', 'w3'].map((name) =>
        run(process.execPath, ['--import', 'tsx', script, file, wasmDir, name], { cwd: path.resolve(__dirname, '../..') }),
      );
      await Promise.all(writers);
      assert.equal(await exists(`${file}.journal`), false, 'the last close folded the journal');
      const onDisk = await keysInSnapshot(file);
      assert.equal(onDisk.length, 450);
      assert.equal(new Set(onDisk).size, 450);
      const reader = await open(file);
      assert.equal(reader.count(), 450);
      await reader.close();
    });
  });

  describe('a killed process', () => {
    it('loses nothing acknowledged more than 2 s before SIGKILL (default batching, as in the extension)', async function () {
      this.timeout(30_000);
      const file = await ledgerFile();
      const script = path.join(path.dirname(path.dirname(file)), 'recorder.ts');
      const ledgerModule = path.resolve(__dirname, '../../src/ledger');
      await fs.writeFile(
        script,
        `import { ActivityLedger } from ${JSON.stringify(ledgerModule)};
        const [file, wasmDir] = process.argv.slice(2);
        (async () => {
          const ledger = await ActivityLedger.open(file, (f) => wasmDir + '/' + f);
          for (let i = 0; ; i++) {
            const key = 'kill:' + i;
            ledger.append({ kind: 'save', taskId: String(i % 10), data: { file: 'src/f' + i + '.ts' }, key });
            process.stdout.write('ack ' + key + ' ' + Date.now() + '\\n');
            await new Promise((r) => setTimeout(r, 10));
          }
        })();`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, wasmDir], { cwd: path.resolve(__dirname, '../..') });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const acknowledged = () => [...output.matchAll(/^ack (\S+) (\d+)$/gm)].map(([, key, at]) => ({ key, at: Number(at) }));
      await waitFor(() => acknowledged().length > 0, 20_000);
      // Several batches in, at a moment that falls anywhere within a batch window.
      await sleep(4_000 + Math.random() * 1_000);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await exited;

      const due = acknowledged().filter((ack) => ack.at < killedAt - 2_000);
      assert.ok(due.length > 50, `the recorder acknowledged only ${due.length} events in time`);
      const reopened = await open(file);
      const stored = new Set(reopened.recent(100_000).map((event) => event.key));
      await reopened.close();
      assert.deepEqual(due.filter((ack) => !stored.has(ack.key)), [], 'acknowledged events missing after the kill');
    });
  });

  describe('retention', () => {
    it('keeps at most maxEvents, dropping the oldest, when the journal is folded into the file', async () => {
      const file = await ledgerFile();
      const base = Date.now() - 60_000;
      const ledger = await open(file, { ...MANUAL, retention: { maxEvents: 10 } });
      for (let i = 0; i < 15; i++) ledger.append(save(String(i), base + i));
      assert.equal(ledger.count(), 15, 'retention waits for the fold');
      await ledger.flush();
      assert.equal(ledger.count(), 15, 'a flush only appends to the journal');
      await ledger.close();
      assert.equal((await keysOnDisk(file)).length, 10);
      const again = await open(file);
      assert.deepEqual(
        again.recent(100).map((e) => e.taskId).reverse(),
        ['5', '6', '7', '8', '9', '10', '11', '12', '13', '14'],
      );
      await again.close();
    });

    it('drops events older than maxAgeDays when the journal is folded into the file', async () => {
      const file = await ledgerFile();
      const day = 86_400_000;
      const ledger = await open(file, { ...MANUAL, retention: { maxAgeDays: 30 } });
      ledger.append(save('old', Date.now() - 40 * day));
      ledger.append(save('older', Date.now() - 400 * day));
      ledger.append(save('recent', Date.now() - 10 * day));
      await ledger.close();
      const again = await open(file);
      assert.deepEqual(again.recent(10).map((e) => e.taskId), ['recent']);
      await again.close();
    });
  });

  describe('queries', () => {
    // Local times, so day and week buckets do not depend on the machine's time zone.
    const t = (day: number, hour = 12) => new Date(2025, 2, day, hour).getTime(); // March 2025; the 3rd is a Monday
    let ledger: ActivityLedger;

    before(async () => {
      ledger = await open(await ledgerFile());
      ledger.appendMany([
        status('1', t(3, 9), 'in-progress', 'pending'),
        save('1', t(3, 10)),
        commit('1', t(3, 11), 'aaa'),
        status('1', t(4), 'done'),
        status('1.1', t(3, 13), 'done'),
        save('1.2', t(5)),
        status('2', t(4, 8), 'in-progress', 'pending'),
        commit('2', t(5), 'bbb'),
        commit('2', t(6), 'ccc'),
        commit('1', t(6), 'ccc'), // one commit attributed to two tasks
        status('2', t(6, 15), 'completed'), // Task Master's old spelling of done
        status('3', t(10), 'done', 'pending', 'feature'),
        status('3', t(11), 'pending', 'done', 'feature'),
        status('3', t(12), 'done', 'pending', 'feature'), // done again: listed once
        status('4', t(12), 'cancelled'),
        { kind: 'ai', at: t(12, 14), data: { operation: 'expand', model: 'qwen2.5-coder:7b', latencyMs: 900, cacheHit: false } },
      ]);
    });

    after(() => ledger.close());

    it('count', () => {
      assert.equal(ledger.count(), 16);
    });

    it('history: one task oldest first, by tag, with subtasks on request', () => {
      assert.deepEqual(
        ledger.history('1').map((e) => e.kind),
        ['status', 'save', 'commit', 'status', 'commit'],
      );
      assert.equal(ledger.history('1', { tag: 'feature' }).length, 0);
      assert.equal(ledger.history('3', { tag: 'feature' }).length, 3);
      assert.deepEqual(
        ledger.history('1', { includeSubtasks: true }).map((e) => e.taskId),
        ['1', '1', '1', '1.1', '1', '1.2', '1'],
      );
      assert.equal(ledger.history('1.1').length, 1);
      assert.equal(ledger.history('99').length, 0);
    });

    it('recent: newest first, for the workspace or a task', () => {
      assert.deepEqual(
        ledger.recent(3).map((e) => [e.kind, e.taskId]),
        [
          ['ai', null],
          ['status', '4'], // same time as 3's change: the later append comes first
          ['status', '3'],
        ],
      );
      assert.deepEqual(
        ledger.recent(2, { taskId: '2' }).map((e) => e.data),
        [
          { from: 'in-progress', to: 'completed' },
          { sha: 'ccc', message: 'task 2' },
        ],
      );
    });

    it('completedBetween: tasks marked done in the range, once each', () => {
      assert.deepEqual(
        ledger.completedBetween(t(1), t(31)).map((e) => [e.taskId, e.tag, e.at]),
        [
          ['1.1', 'master', t(3, 13)],
          ['1', 'master', t(4)],
          ['2', 'master', t(6, 15)],
          ['3', 'feature', t(12)],
        ],
      );
      assert.deepEqual(ledger.completedBetween(t(4), t(6, 15)).map((e) => e.taskId), ['1'], 'to is exclusive');
      assert.deepEqual(ledger.completedBetween(t(10), t(11)).map((e) => e.taskId), ['3']);
    });

    it('velocity: done per local day and week, empty buckets included', () => {
      assert.deepEqual(
        ledger.velocity(t(3, 0), t(8, 0), 'day').map((b) => [b.label, b.done]),
        [
          ['2025-03-03', 1],
          ['2025-03-04', 1],
          ['2025-03-05', 0],
          ['2025-03-06', 1],
          ['2025-03-07', 0],
        ],
      );
      const weeks = ledger.velocity(t(5), t(20), 'week');
      assert.deepEqual(
        weeks.map((b) => [b.label, b.done]),
        [
          ['2025-03-03', 1], // from mid-week: the bucket still starts on Monday, counting from `from` (task 2)
          ['2025-03-10', 1], // task 3 twice in one week counts once
          ['2025-03-17', 0],
        ],
      );
      assert.equal(weeks[0].start, new Date(2025, 2, 3).getTime());
      assert.deepEqual(ledger.velocity(t(5), t(20), 'week', { tag: 'feature' }).map((b) => b.done), [0, 1, 0], 'one tag');
    });

    it('commitsPerTask: distinct commits per task in the range, most first', () => {
      assert.deepEqual(
        ledger.commitsPerTask(t(1), t(31)).map((c) => [c.taskId, c.commits, c.lastAt]),
        [
          ['1', 2, t(6)],
          ['2', 2, t(6)],
        ],
      );
      assert.deepEqual(ledger.commitsPerTask(t(5, 0), t(6, 0)).map((c) => [c.taskId, c.commits]), [['2', 1]]);
    });

    it('lastActivity: the latest event of each task that has one', () => {
      const last = ledger.lastActivity(['1', '2', '3', '42']);
      assert.deepEqual([...last.keys()], ['1', '2', '3']);
      assert.equal(last.get('1')?.kind, 'commit');
      assert.equal(last.get('2')?.at, t(6, 15));
      assert.equal(last.get('3')?.at, t(12));
      assert.equal(ledger.lastActivity(['3'], { tag: 'master' }).size, 0);
    });
  });

  describe('several projects (multi-root) in one ledger', () => {
    // Local times within the retention window (these events are written and read back).
    const today = new Date();
    const t = (day: number, hour = 12) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - 20 + day, hour).getTime();
    const inFolder = (folder: string, event: NewLedgerEvent): NewLedgerEvent => ({ ...event, folder });

    /** A ledger file as the first schema wrote it: no folder column, user_version 1. */
    async function schemaOneFile(events: Array<[number, string, string, string, string]>): Promise<string> {
      const SQL = await initSqlJs({ locateFile: locateWasm });
      const db = new SQL.Database();
      db.run(`CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, tag TEXT, task_id TEXT,
              data TEXT NOT NULL DEFAULT '{}', source TEXT, event_key TEXT UNIQUE);
              CREATE INDEX events_task_at ON events (task_id, at); CREATE INDEX events_kind_at ON events (kind, at);
              CREATE INDEX events_at ON events (at); PRAGMA user_version = 1;`);
      for (const [at, kind, tag, taskId, data] of events) db.run('INSERT INTO events (at, kind, tag, task_id, data, event_key) VALUES (?, ?, ?, ?, ?, ?)', [at, kind, tag, taskId, data, `old${at}`]);
      const file = await ledgerFile();
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, db.export());
      db.close();
      return file;
    }

    it('keeps two folders with the same tag apart, and shows events from before folders to both', async () => {
      const file = await schemaOneFile([[t(3), 'status', 'master', '1', JSON.stringify({ from: 'pending', to: 'done' })]]);
      const ledger = await open(file);
      assert.deepEqual(ledger.history('1').map((e) => e.folder), [null], 'the old event is kept, without a folder');
      ledger.appendMany([
        inFolder('/work/api', status('2', t(4), 'done')),
        inFolder('/work/api', commit('2', t(4, 13), 'a1')),
        inFolder('/work/api', save('2', t(4, 14))),
        inFolder('/work/web', status('2', t(5), 'done')),
        inFolder('/work/web', status('3', t(5, 13), 'done')),
        inFolder('/work/web', commit('3', t(5, 14), 'b1')),
      ]);
      await ledger.close();
      const reopened = await open(file);
      const api = { tag: 'master', folder: '/work/api' };
      const web = { tag: 'master', folder: '/work/web' };
      assert.deepEqual(reopened.history('2', api).map((e) => [e.kind, e.folder]), [['status', '/work/api'], ['commit', '/work/api'], ['save', '/work/api']]);
      assert.deepEqual(reopened.history('1', web).map((e) => e.kind), ['status'], 'an event from before folders shows in every folder');
      assert.deepEqual(reopened.completedBetween(t(1), t(10), api).map((e) => e.taskId), ['1', '2']);
      assert.deepEqual(reopened.completedBetween(t(1), t(10), web).map((e) => e.taskId), ['1', '2', '3']);
      assert.deepEqual(reopened.velocity(t(3, 0), t(6, 0), 'day', api).map((b) => b.done), [1, 1, 0]);
      assert.deepEqual(reopened.velocity(t(3, 0), t(6, 0), 'day', web).map((b) => b.done), [1, 0, 2]);
      assert.deepEqual(reopened.commitsPerTask(t(1), t(10), api).map((c) => c.taskId), ['2']);
      assert.deepEqual(reopened.commitsPerTask(t(1), t(10), web).map((c) => c.taskId), ['3']);
      assert.equal(reopened.lastActivity(['2'], api).get('2')?.kind, 'save');
      assert.equal(reopened.lastActivity(['2'], web).get('2')?.kind, 'status');
      assert.deepEqual(reopened.recent(10, { folder: '/work/api' }).map((e) => e.taskId), ['2', '2', '2', '1']);
      assert.equal(reopened.recent(10).length, 7, 'without a folder: the whole workspace');
      await reopened.close();
    });
  });

  describe('at 100k events', () => {
    it('answers every query with the right counts', async function () {
      this.timeout(60_000);
      const file = await ledgerFile();
      const ledger = await open(file);
      const day = 86_400_000;
      const now = Date.now();
      const start = now - 200 * day;
      const kinds = ['save', 'save', 'commit', 'status', 'ai'] as const;
      const expected = { done: new Map<string, number>(), commits: 0, ofTask7: 0, lastOfTask7: 0 };
      const events: NewLedgerEvent[] = [];
      for (let i = 0; i < 100_000; i++) {
        const at = start + i * 150_000; // every 2.5 minutes, about 174 days
        const taskId = String(i % 500);
        const kind = kinds[i % kinds.length];
        if (kind === 'save') events.push(save(taskId, at, `src/f${i % 97}.ts`));
        else if (kind === 'commit') events.push(commit(taskId, at, `sha${i}`));
        else if (kind === 'ai') events.push({ kind: 'ai', at, data: { operation: 'expand', latencyMs: i % 1000 } });
        else events.push(status(taskId, at, i % 3 === 0 ? 'done' : 'in-progress'));
        const last = events[events.length - 1];
        if (last.kind === 'status' && last.data.to === 'done') expected.done.set(taskId, at);
        if (last.kind === 'commit') expected.commits++;
        if (last.taskId === '7') {
          expected.ofTask7++;
          expected.lastOfTask7 = at;
        }
      }
      assert.equal(ledger.appendMany(events), 100_000);
      assert.equal(await ledger.flush(), true);
      await ledger.close();

      const reopened = await open(file);
      assert.equal(reopened.count(), 100_000);
      assert.equal(reopened.history('7').length, expected.ofTask7);
      assert.equal(reopened.recent(50).length, 50);
      assert.equal(reopened.recent(50)[0].at, events[events.length - 1].at);
      assert.equal(reopened.completedBetween(start, now + day).length, expected.done.size);
      const velocity = reopened.velocity(start, now + day, 'week');
      assert.ok(velocity.length >= 29);
      assert.ok(velocity.reduce((sum, b) => sum + b.done, 0) >= expected.done.size);
      const commits = reopened.commitsPerTask(start, now + day);
      assert.equal(commits.reduce((sum, c) => sum + c.commits, 0), expected.commits);
      const last = reopened.lastActivity(Array.from({ length: 500 }, (_, i) => String(i)));
      assert.equal(last.size, 400, 'tasks whose id is 4 mod 5 only coincide with AI events, which have no task');
      assert.equal(last.get('7')?.at, expected.lastOfTask7);
      await reopened.close();
    });
  });
});
