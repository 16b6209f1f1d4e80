import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { writeFileAtomic } from '../store/atomicWrite';
import { withFileLock } from '../store/fileLock';
import { fileStamp, moveAside, sameStamp, type FileStamp } from './files';
import * as queries from './queries';
import { LedgerUnreadableError, openDatabase } from './schema';
import {
  toMillis,
  type LedgerEvent,
  type LedgerNotice,
  type LedgerOptions,
  type NewLedgerEvent,
  type TimeInput,
  type WasmLocator,
} from './types';

type Database = initSqlJs.Database;
type SqlJsStatic = initSqlJs.SqlJsStatic;
type SqlValue = initSqlJs.SqlValue;
/** Bound values of one insert: at, kind, tag, task_id, data, source, event_key, folder. */
type Row = [number, string, string | null, string | null, string, string | null, string, string | null];

const DEFAULT_FLUSH_DELAY_MS = 2_000;
const DEFAULT_MAX_EVENTS = 200_000;
const DEFAULT_MAX_AGE_DAYS = 365;
const DAY_MS = 86_400_000;

const INSERT = `INSERT OR IGNORE INTO events (at, kind, tag, task_id, data, source, event_key, folder)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
/** The first baseline recorded for a folder stays: another window's later one is ignored. */
const INSERT_BASELINE = 'INSERT OR IGNORE INTO commit_baselines (folder, tips, at) VALUES (?, ?, ?)';
const INSERT_SEEN = 'INSERT OR IGNORE INTO seen_commits (folder, sha, at) VALUES (?, ?, ?)';

/**
 * A write in memory and not yet in the file: an insert that, on a flush finding the file changed by
 * another window, is applied again to the file's version (each is an INSERT OR IGNORE on a unique key).
 */
interface PendingWrite {
  sql: string;
  values: SqlValue[];
}

/** One sql.js runtime per wasm file: every ledger in the process shares it. */
const runtimes = new Map<string, Promise<SqlJsStatic>>();

function loadSqlJs(locateWasm: WasmLocator): Promise<SqlJsStatic> {
  const wasm = locateWasm('sql-wasm.wasm');
  let runtime = runtimes.get(wasm);
  if (!runtime) {
    runtime = initSqlJs({ locateFile: locateWasm }).catch((error: unknown) => {
      runtimes.delete(wasm);
      throw new Error(`Could not load SQLite (sql.js) from ${wasm}: ${error instanceof Error ? error.message : String(error)}`);
    });
    runtimes.set(wasm, runtime);
  }
  return runtime;
}

/** Reads a file and the stamp of exactly that version (one handle, so a concurrent replace cannot mix them). */
async function readStamped(file: string): Promise<{ bytes: Uint8Array; stamp: FileStamp } | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat();
    const bytes = await handle.readFile();
    return { bytes, stamp: { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs } };
  } finally {
    await handle.close();
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** 96 random bits in 16 characters: unique in practice, and half a UUID's size in the file and its index. */
function newKey(): string {
  return randomBytes(12).toString('base64url');
}

function toRow(event: NewLedgerEvent): Row {
  return [
    event.at === undefined ? Date.now() : toMillis(event.at),
    event.kind,
    event.tag ?? null,
    event.taskId ?? null,
    JSON.stringify(event.data ?? {}),
    event.source ?? null,
    event.key ?? newKey(),
    event.folder ?? null,
  ];
}

/**
 * The activity ledger: an append-only SQLite event log (sql.js, in memory) persisted to one file.
 *
 * **Durability.** `append` returns once the event is in the in-memory database; that is the
 * acknowledgement. Writes are batched: the first unwritten event starts a timer (`flushDelayMs`,
 * default 2 s, not reset by later appends) and the whole batch is then written atomically (temp
 * file + fsync + rename). `close()` writes whatever is left, so a clean shutdown loses nothing;
 * a crash loses at most the events of the last batch window.
 *
 * **Several windows on one file.** Each window keeps its own in-memory copy and remembers which
 * version of the file (inode, size, mtime) that copy reflects, plus the events it appended since.
 * A flush takes a lock (`<file>.lock` folder, taken over after 10 s as stale), and if the file
 * changed since our copy, loads the file and re-inserts our unwritten events into it
 * (`INSERT OR IGNORE` on the unique `event_key`, which every event has), then writes the result
 * atomically and releases the lock. So each write contains everything already on disk plus our
 * new events: none is lost, and an event inserted twice is stored once. Other windows' events
 * become visible to us at our next flush (call `flush()` before a report to see them).
 *
 * **Unreadable file.** On open (or when a flush finds the file changed into garbage) a file that
 * is not a sound ledger is renamed to `<file>.corrupt-<time>` and a new ledger started; the caller
 * hears of it through `openNotice` / `onNotice`, never through an exception.
 *
 * **Retention.** Applied on each write: events older than `maxAgeDays` and the oldest beyond
 * `maxEvents` are deleted. Freed pages are reused by later inserts, so the file stays bounded.
 */
export class ActivityLedger {
  private unflushed: PendingWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private failing = false;
  private readonly flushDelayMs: number;
  private readonly maxEvents: number;
  private readonly maxAgeDays: number;

  private constructor(
    readonly file: string,
    private readonly SQL: SqlJsStatic,
    private db: Database,
    /** The file version `db` reflects; undefined when the file did not exist. */
    private stamp: FileStamp | undefined,
    /** False when an unreadable file could not be moved aside: we must not overwrite it. */
    private readonly persist: boolean,
    /** What happened while opening (a recovered file), if anything. */
    readonly openNotice: LedgerNotice | undefined,
    private readonly options: LedgerOptions,
  ) {
    this.flushDelayMs = options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS;
    this.maxEvents = options.retention?.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxAgeDays = options.retention?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  }

  /**
   * Opens the ledger stored in `file` (created on the first write), loading sql.js's wasm from
   * where `locateWasm` says. Rejects only when sql.js itself cannot load; a bad ledger file is
   * recovered and reported through `openNotice` and `options.onNotice`.
   */
  static async open(file: string, locateWasm: WasmLocator, options: LedgerOptions = {}): Promise<ActivityLedger> {
    const SQL = await loadSqlJs(locateWasm);
    let loaded: { bytes: Uint8Array; stamp: FileStamp } | undefined;
    let problem: string | undefined;
    try {
      loaded = await readStamped(file);
    } catch (error) {
      problem = reasonOf(error);
    }
    if (loaded && !problem) {
      try {
        const db = openDatabase(SQL, loaded.bytes);
        return new ActivityLedger(file, SQL, db, loaded.stamp, true, undefined, options);
      } catch (error) {
        problem = reasonOf(error);
      }
    }
    if (problem === undefined) {
      return new ActivityLedger(file, SQL, openDatabase(SQL), undefined, true, undefined, options);
    }
    // Unreadable: move it aside under the lock, unless another window replaced it meanwhile.
    const seen = loaded?.stamp ?? (await fileStamp(file).catch(() => undefined));
    let notice: LedgerNotice;
    let persist = true;
    try {
      const movedTo = await withFileLock(file, async () => (sameStamp(await fileStamp(file), seen) ? moveAside(file) : undefined));
      notice = {
        kind: 'recovered',
        message: movedTo
          ? `The activity ledger could not be read (${problem}). It was moved to ${movedTo} and a new ledger was started.`
          : `The activity ledger could not be read (${problem}); another window has since replaced it.`,
        movedTo,
      };
    } catch (error) {
      persist = false;
      notice = {
        kind: 'readOnly',
        message: `The activity ledger ${file} could not be read (${problem}) nor moved aside (${reasonOf(error)}). Activity is kept in memory only until the window closes.`,
      };
    }
    options.onNotice?.(notice);
    // stamp undefined: if the file exists at the next flush, it is read and merged.
    return new ActivityLedger(file, SQL, openDatabase(SQL), undefined, persist, notice, options);
  }

  /**
   * Records one event. Returns the stored event once it is in memory (acknowledged), or
   * undefined when an event with the same key is already recorded.
   */
  append(event: NewLedgerEvent): LedgerEvent | undefined {
    this.assertOpen();
    const row = toRow(event);
    const write = { sql: INSERT, values: row };
    const id = this.insert(this.db, write);
    if (id === undefined) return undefined;
    this.unflushed.push(write);
    this.scheduleFlush();
    const [at, kind, tag, taskId, , source, key, folder] = row;
    return { id, at, kind, tag, taskId, folder, data: event.data, source, key } as LedgerEvent;
  }

  /** Records many events in one transaction (imports, benchmarks). Returns how many were new. */
  appendMany(events: Iterable<NewLedgerEvent>): number {
    this.assertOpen();
    const statement = this.db.prepare(INSERT);
    let added = 0;
    this.db.run('BEGIN');
    try {
      for (const event of events) {
        const row = toRow(event);
        statement.bind(row);
        if (statement.step()) {
          this.unflushed.push({ sql: INSERT, values: row });
          added++;
        }
        statement.reset();
      }
      this.db.run('COMMIT');
    } catch (error) {
      this.db.run('ROLLBACK');
      // The rolled-back rows are not in the database, so they must not be written either.
      this.unflushed.splice(this.unflushed.length - added, added);
      throw error;
    } finally {
      statement.free();
    }
    if (added > 0) this.scheduleFlush();
    return added;
  }

  /** Events (and commits marked seen) acknowledged but not yet written to the file. */
  get pendingCount(): number {
    return this.unflushed.length;
  }

  /**
   * Writes unwritten events now, merged with whatever other windows wrote, and picks up their
   * events. Resolves true when the file holds every event acknowledged so far; on failure it
   * resolves false (after a notice) and the events stay queued for the next attempt.
   */
  flush(): Promise<boolean> {
    const run = this.flushChain.then(() => this.flushOnce());
    this.flushChain = run.catch(() => undefined);
    return run.then(
      () => {
        this.failing = false;
        return this.unflushed.length === 0 && this.persist;
      },
      (error: unknown) => {
        // One notice per run of failures, not one per retry.
        if (!this.failing) this.notify({ kind: 'flushFailed', message: `Could not save the activity ledger: ${reasonOf(error)}` });
        this.failing = true;
        if (!this.closed) this.scheduleFlush();
        return false;
      },
    );
  }

  /** Writes what is left and frees the database. Safe to call twice; never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.db.close();
  }

  count(): number {
    return queries.countEvents(this.db);
  }

  history(taskId: string, options?: queries.HistoryOptions): LedgerEvent[] {
    return queries.history(this.db, taskId, options);
  }

  recent(limit: number, options?: queries.RecentOptions): LedgerEvent[] {
    return queries.recent(this.db, limit, options);
  }

  completedBetween(from: TimeInput, to: TimeInput, scope?: queries.EventScope): LedgerEvent[] {
    return queries.completedBetween(this.db, from, to, scope);
  }

  velocity(from: TimeInput, to: TimeInput, bucket: 'day' | 'week', scope?: queries.EventScope): queries.VelocityBucket[] {
    return queries.velocity(this.db, from, to, bucket, scope);
  }

  commitsPerTask(from: TimeInput, to: TimeInput, scope?: queries.EventScope): queries.CommitCount[] {
    return queries.commitsPerTask(this.db, from, to, scope);
  }

  lastActivity(taskIds: Iterable<string>, scope?: queries.EventScope): Map<string, LedgerEvent> {
    return queries.lastActivity(this.db, taskIds, scope);
  }

  /**
   * The ref tips of a folder's repository when it was first watched (commits reachable from them
   * were there before, and are never offered); undefined before the first watch.
   */
  commitBaseline(folder: string): string[] | undefined {
    return queries.commitBaseline(this.db, folder);
  }

  /** Records the first watch's ref tips; a baseline already recorded (by any window) stays. */
  setCommitBaseline(folder: string, tips: readonly string[]): void {
    this.assertOpen();
    this.write({ sql: INSERT_BASELINE, values: [folder, JSON.stringify(tips), Date.now()] });
  }

  /** The commits among `shas` not yet seen for the folder, in the given order. */
  unseenCommits(folder: string, shas: readonly string[]): string[] {
    return queries.unseenCommits(this.db, folder, shas);
  }

  /** Marks commits as seen for the folder: each is offered once, whenever it appears. */
  markCommitsSeen(folder: string, shas: readonly string[]): void {
    this.assertOpen();
    const at = Date.now();
    for (const sha of shas) this.write({ sql: INSERT_SEEN, values: [folder, sha, at] });
  }

  private write(write: PendingWrite): void {
    this.insert(this.db, write);
    this.unflushed.push(write);
    this.scheduleFlush();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The activity ledger is closed.');
  }

  private notify(notice: LedgerNotice): void {
    this.options.onNotice?.(notice);
  }

  /** Runs one insert; the new event's id, or undefined when its key was already there (or it returns none). */
  private insert(db: Database, write: PendingWrite): number | undefined {
    const statement = db.prepare(write.sql);
    try {
      statement.bind(write.values);
      return statement.step() ? Number(statement.get()[0]) : undefined;
    } finally {
      statement.free();
    }
  }

  private scheduleFlush(): void {
    // Started by the first unwritten event and not pushed back by later ones, so a steady stream
    // of events still gets written every flushDelayMs: that bounds what a crash can lose.
    if (this.timer || this.closed || !this.persist) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushDelayMs);
    // A pending write must not keep the CLI's process alive; it calls close() before exiting.
    this.timer.unref();
  }

  private async flushOnce(): Promise<void> {
    if (!this.persist) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unflushed.length === 0 && sameStamp(await fileStamp(this.file), this.stamp)) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await withFileLock(this.file, async () => {
      let mustWrite = this.unflushed.length > 0;
      const current = await fileStamp(this.file);
      const disk = sameStamp(current, this.stamp) ? undefined : await readStamped(this.file);
      // From here to export() nothing awaits, so no append can slip between merge and snapshot.
      if (disk) {
        try {
          const merged = openDatabase(this.SQL, disk.bytes);
          for (const write of this.unflushed) this.insert(merged, write);
          this.db.close();
          this.db = merged;
          this.stamp = disk.stamp;
        } catch (error) {
          if (!(error instanceof LedgerUnreadableError)) throw error;
          // Someone left garbage where our ledger was: keep it for inspection, write ours.
          const movedTo = await moveAside(this.file);
          this.notify({
            kind: 'recovered',
            message: `The activity ledger file had become unreadable (${error.message}). It was moved to ${movedTo}; this window's events were kept.`,
            movedTo,
          });
          this.stamp = undefined;
          mustWrite = true;
        }
      }
      if (!mustWrite) return;
      const written = this.unflushed.length;
      this.applyRetention();
      const bytes = this.db.export();
      await writeFileAtomic(this.file, bytes);
      this.stamp = await fileStamp(this.file);
      // Events appended during the write stay queued: they are in memory, not yet on disk.
      this.unflushed.splice(0, written);
    });
  }

  private applyRetention(): void {
    let deleted = 0;
    if (this.maxAgeDays > 0) {
      this.db.run('DELETE FROM events WHERE at < ?', [Date.now() - this.maxAgeDays * DAY_MS]);
      deleted += this.db.getRowsModified();
      // A commit seen that long ago is also reachable from the HEADs read since: rarely offered again.
      this.db.run('DELETE FROM seen_commits WHERE at < ?', [Date.now() - this.maxAgeDays * DAY_MS]);
    }
    const remaining = this.count();
    if (this.maxEvents > 0 && remaining > this.maxEvents) {
      this.db.run('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY at, id LIMIT ?)', [remaining - this.maxEvents]);
      deleted += this.db.getRowsModified();
    }
    // Freed pages are reused by new events anyway; shrink the file only after a large cut.
    if (deleted > 0 && deleted * 10 >= this.count()) this.db.run('VACUUM');
  }
}
