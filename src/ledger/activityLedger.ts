import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type initSqlJs from 'sql.js';
import { writeFileAtomic } from '../store/atomicWrite';
import { withFileLock } from '../store/fileLock';
import { fileStamp, moveAside, sameStamp, type FileStamp } from './files';
import { appendJournal, journalFileOf, readJournal, type JournalEntry, type JournalPosition, type JournalRead, type JournalTable } from './journal';
import * as queries from './queries';
import { LedgerUnreadableError, openDatabase, useMemoryJournal } from './schema';
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
type Statement = initSqlJs.Statement;
/** Bound values of one insert: at, kind, tag, task_id, data, source, event_key, folder. */
type Row = [number, string, string | null, string | null, string, string | null, string, string | null];

const DEFAULT_FLUSH_DELAY_MS = 1_000;
/** Few enough that replaying them on open stays short (`npm run bench` measures it at 100,000 events). */
export const DEFAULT_FOLD_AFTER_ENTRIES = 500;
const DEFAULT_FOLD_AFTER_QUIET_MS = 30_000;
const DEFAULT_MAX_EVENTS = 200_000;
const DEFAULT_MAX_AGE_DAYS = 365;
const DAY_MS = 86_400_000;

/**
 * Each write is an INSERT OR IGNORE on a unique key, so applying it twice (a merge with another
 * window's file, a journal replayed over a snapshot that already holds it) stores it once.
 */
const INSERT_INTO: Record<JournalTable, string> = {
  events: `INSERT OR IGNORE INTO events (at, kind, tag, task_id, data, source, event_key, folder)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  seen_commits: 'INSERT OR IGNORE INTO seen_commits (folder, sha, at) VALUES (?, ?, ?)',
  /** The first baseline recorded for a folder stays: another window's later one is ignored. */
  commit_baselines: 'INSERT OR IGNORE INTO commit_baselines (folder, tips, at) VALUES (?, ?, ?)',
};

/** Which versions of the files this copy of the database reflects. */
interface DiskPosition {
  /** The snapshot it was loaded from or last wrote; undefined when there was none. */
  snapshot: FileStamp | undefined;
  /** How far it has read the journal; undefined: read the whole journal next time. */
  journal: JournalPosition | undefined;
}

/** One sql.js runtime per wasm file: every ledger in the process shares it. */
const runtimes = new Map<string, Promise<SqlJsStatic>>();

function loadSqlJs(locateWasm: WasmLocator): Promise<SqlJsStatic> {
  const wasm = locateWasm('sql-wasm.wasm');
  let runtime = runtimes.get(wasm);
  if (!runtime) {
    // Required here, not imported: sql.js loads when a ledger first opens, not with the bundle.
    runtime = (require('sql.js') as typeof initSqlJs)({ locateFile: locateWasm }).catch((error: unknown) => {
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

interface LoadedFiles {
  snapshot: { bytes: Uint8Array; stamp: FileStamp } | undefined;
  journal: JournalRead;
  /** Why the journal could not be read; the next flush reads it again under the lock. */
  journalProblem?: string;
}

/**
 * The snapshot and the journal as one consistent pair: read the snapshot, then the journal, and
 * read both again if the snapshot was replaced in between (a fold by another window, which also
 * removes the journal it folded). A pair still mixed after that is repaired by the next flush,
 * which sees the snapshot's stamp differ and reads both again under the lock.
 */
async function readSnapshotAndJournal(file: string): Promise<LoadedFiles> {
  for (let attempt = 0; ; attempt++) {
    const snapshot = await readStamped(file);
    let loaded: LoadedFiles;
    try {
      loaded = { snapshot, journal: await readJournal(journalFileOf(file), undefined) };
    } catch (error) {
      loaded = { snapshot, journal: { position: undefined, entries: [], unreadable: 0, tornAt: undefined }, journalProblem: reasonOf(error) };
    }
    if (attempt === 1 || sameStamp(await fileStamp(file), snapshot?.stamp)) return loaded;
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
 * The activity ledger: an append-only SQLite event log (sql.js, in memory) persisted to a snapshot
 * file (the whole database) and a journal beside it (`<file>.journal`, one line per write).
 *
 * **Durability.** `append` returns once the event is in the in-memory database; that is the
 * acknowledgement. Writes are batched: the first unwritten event starts a timer (`flushDelayMs`,
 * default 1 s, not reset by later appends) and the batch is then appended to the journal and
 * synced to disk, which costs the same at 100 events as at 100,000. The journal is folded into
 * the snapshot (an export of the database, written atomically: temp file, fsync, rename) after
 * `compaction.afterQuietMs` without writes, once it holds `compaction.afterEntries` entries, and
 * on `close()`; the journal is then removed. Opening loads the snapshot and replays the journal.
 * A crash loses at most the events of the last batch window: an unfinished last journal line is
 * dropped, never the lines before it; a crash between writing the snapshot and removing the
 * journal replays entries the snapshot already holds, which are ignored (every write is an
 * INSERT OR IGNORE on a unique key).
 *
 * **Several windows on one file.** Each window keeps its own in-memory copy and remembers which
 * snapshot (inode, size, mtime) it reflects and how far it has read which journal. A flush takes
 * a lock (`<file>.lock` folder, taken over after 10 s as stale), reads what other windows have
 * appended to the journal since, and appends its own; if another window folded meanwhile, it loads
 * the new snapshot and re-inserts its unwritten events into it first. Other windows' events become
 * visible to us at our next flush (call `flush()` before a report to see them).
 *
 * **Unreadable files.** On open (or when a flush finds the snapshot changed into garbage) a file
 * that is not a sound ledger is renamed to `<file>.corrupt-<time>` and a new ledger started;
 * journal lines that are not entries are skipped, and the journal is copied to
 * `<file>.journal.corrupt-<time>` for inspection. The caller hears of it through `openNotice` /
 * `onNotice`, never through an exception.
 *
 * **Retention.** Applied at each fold: events older than `maxAgeDays` and the oldest beyond
 * `maxEvents` are deleted. Freed pages are reused by later inserts, so the file stays bounded.
 */
export class ActivityLedger {
  private unflushed: JournalEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private foldTimer: NodeJS.Timeout | undefined;
  private flushChain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private failing = false;
  private readonly journalFile: string;
  private readonly flushDelayMs: number;
  private readonly foldAfterEntries: number;
  private readonly foldAfterQuietMs: number;
  private readonly maxEvents: number;
  private readonly maxAgeDays: number;

  private constructor(
    readonly file: string,
    private readonly SQL: SqlJsStatic,
    private db: Database,
    private position: DiskPosition,
    /** False when an unreadable file could not be moved aside: we must not overwrite it. */
    private readonly persist: boolean,
    private noticeAtOpen: LedgerNotice | undefined,
    private readonly options: LedgerOptions,
  ) {
    this.journalFile = journalFileOf(file);
    this.flushDelayMs = options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS;
    this.foldAfterEntries = options.compaction?.afterEntries ?? DEFAULT_FOLD_AFTER_ENTRIES;
    this.foldAfterQuietMs = options.compaction?.afterQuietMs ?? DEFAULT_FOLD_AFTER_QUIET_MS;
    this.maxEvents = options.retention?.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxAgeDays = options.retention?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  }

  /**
   * Opens the ledger stored in `file` and its journal (created on the first write), loading
   * sql.js's wasm from where `locateWasm` says. Rejects only when sql.js itself cannot load; a bad
   * ledger file is recovered and reported through `openNotice` and `options.onNotice`.
   */
  static async open(file: string, locateWasm: WasmLocator, options: LedgerOptions = {}): Promise<ActivityLedger> {
    const SQL = await loadSqlJs(locateWasm);
    let loaded: LoadedFiles | undefined;
    let problem: string | undefined;
    try {
      loaded = await readSnapshotAndJournal(file);
    } catch (error) {
      problem = reasonOf(error);
    }
    if (loaded && !problem) {
      try {
        const db = openDatabase(SQL, loaded.snapshot?.bytes);
        const ledger = new ActivityLedger(file, SQL, db, { snapshot: loaded.snapshot?.stamp, journal: undefined }, true, undefined, options);
        ledger.noticeAtOpen = loaded.journalProblem
          ? { kind: 'flushFailed', message: `The activity journal ${ledger.journalFile} could not be read (${loaded.journalProblem}); its events are merged at the next write that can read it.` }
          : await ledger.replay(loaded.journal);
        if (ledger.noticeAtOpen) options.onNotice?.(ledger.noticeAtOpen);
        return ledger;
      } catch (error) {
        if (!(error instanceof LedgerUnreadableError)) throw error;
        problem = error.message;
      }
    }
    // Unreadable: move it aside under the lock, unless another window replaced it meanwhile.
    const seen = loaded?.snapshot?.stamp ?? (await fileStamp(file).catch(() => undefined));
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
    // No snapshot, no journal read: at the next flush whatever is on disk is read and merged.
    return new ActivityLedger(file, SQL, openDatabase(SQL), { snapshot: undefined, journal: undefined }, persist, notice, options);
  }

  /** What happened while opening (a recovered file, a damaged journal), if anything. */
  get openNotice(): LedgerNotice | undefined {
    return this.noticeAtOpen;
  }

  /**
   * Records one event. Returns the stored event once it is in memory (acknowledged), or
   * undefined when an event with the same key is already recorded.
   */
  append(event: NewLedgerEvent): LedgerEvent | undefined {
    this.assertOpen();
    const row = toRow(event);
    const write: JournalEntry = { into: 'events', values: row };
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
    const statement = this.db.prepare(INSERT_INTO.events);
    let added = 0;
    this.db.run('BEGIN');
    try {
      for (const event of events) {
        const row = toRow(event);
        statement.bind(row);
        if (statement.step()) {
          this.unflushed.push({ into: 'events', values: row });
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

  /** Events (and commits marked seen) acknowledged but not yet written to disk. */
  get pendingCount(): number {
    return this.unflushed.length;
  }

  /**
   * Writes unwritten events to the journal now and picks up other windows' events. Resolves true
   * when the disk holds every event acknowledged so far; on failure it resolves false (after a
   * notice) and the events stay queued for the next attempt.
   */
  flush(): Promise<boolean> {
    return this.enqueue(false);
  }

  /** Writes what is left, folds the journal into the snapshot and frees the database. Safe to call twice; never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.foldTimer);
    await this.enqueue(true);
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
    this.write({ into: 'commit_baselines', values: [folder, JSON.stringify(tips), Date.now()] });
  }

  /** The commits among `shas` not yet seen for the folder, in the given order. */
  unseenCommits(folder: string, shas: readonly string[]): string[] {
    return queries.unseenCommits(this.db, folder, shas);
  }

  /** Marks commits as seen for the folder: each is offered once, whenever it appears. */
  markCommitsSeen(folder: string, shas: readonly string[]): void {
    this.assertOpen();
    const at = Date.now();
    for (const sha of shas) this.write({ into: 'seen_commits', values: [folder, sha, at] });
  }

  private write(write: JournalEntry): void {
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
  private insert(db: Database, write: JournalEntry): number | undefined {
    const statement = db.prepare(INSERT_INTO[write.into]);
    try {
      statement.bind(write.values);
      return statement.step() ? Number(statement.get()[0]) : undefined;
    } finally {
      statement.free();
    }
  }

  /**
   * Applies journal entries (ours already in memory are ignored by their keys) and moves the
   * position past them. A journal with damaged lines is copied aside; the notice says where.
   */
  private async replay(read: JournalRead): Promise<LedgerNotice | undefined> {
    let rejected = 0;
    if (read.entries.length > 0) {
      const statements = new Map<JournalTable, Statement>();
      this.db.run('BEGIN');
      try {
        for (const entry of read.entries) {
          let statement = statements.get(entry.into);
          if (!statement) statements.set(entry.into, (statement = this.db.prepare(INSERT_INTO[entry.into])));
          try {
            statement.run(entry.values);
          } catch {
            rejected++; // a line of the right shape whose values the schema refuses
          }
        }
      } finally {
        this.db.run('COMMIT');
        for (const statement of statements.values()) statement.free();
      }
    }
    this.position.journal = read.position;
    const damaged = read.unreadable + rejected;
    if (damaged === 0) return undefined;
    const skipped = `${damaged} line(s) of the activity journal ${this.journalFile} could not be read and were skipped; every readable event was kept.`;
    const copy = `${this.journalFile}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.copyFile(this.journalFile, copy);
    } catch (error) {
      return { kind: 'recovered', message: `${skipped} It could not be copied aside for inspection (${reasonOf(error)}).` };
    }
    return { kind: 'recovered', message: `${skipped} The journal was copied to ${copy} for inspection.`, movedTo: copy };
  }

  private enqueue(fold: boolean): Promise<boolean> {
    const run = this.flushChain.then(() => this.syncOnce(fold));
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

  private scheduleFlush(): void {
    // Started by the first unwritten event and not pushed back by later ones, so a steady stream
    // of events still gets written every flushDelayMs: that bounds what a crash can lose.
    if (this.flushTimer || this.closed || !this.persist) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.flushDelayMs);
    // A pending write must not keep the CLI's process alive; it calls close() before exiting.
    this.flushTimer.unref();
  }

  /** Restarted by every write: the journal is folded once the ledger has been quiet for a while. */
  private scheduleFold(): void {
    clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
    if (this.closed || !this.position.journal?.entries) return;
    this.foldTimer = setTimeout(() => {
      this.foldTimer = undefined;
      void this.enqueue(true);
    }, this.foldAfterQuietMs);
    this.foldTimer.unref();
  }

  /** True when neither file has changed since we last read them, so a sync has nothing to do. */
  private async diskUnchanged(): Promise<boolean> {
    const [snapshot, journal] = await Promise.all([fileStamp(this.file), fileStamp(this.journalFile)]);
    return sameStamp(snapshot, this.position.snapshot) && (journal?.size ?? 0) === (this.position.journal?.offset ?? 0);
  }

  /**
   * Under the lock: picks up what other windows wrote (their new snapshot, if one of them folded;
   * their journal entries), appends our unwritten entries to the journal, and folds when asked
   * (and the journal holds anything), when the journal is long, or when the snapshot had to be
   * replaced.
   */
  private async syncOnce(fold: boolean): Promise<void> {
    if (!this.persist) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const foldWanted = fold && (this.position.journal?.entries ?? 0) > 0;
    if (this.unflushed.length === 0 && !foldWanted && (await this.diskUnchanged())) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await withFileLock(this.file, async () => {
      let mustFold = false;
      if (!sameStamp(await fileStamp(this.file), this.position.snapshot)) mustFold = await this.loadSnapshot();
      const read = await readJournal(this.journalFile, this.position.journal);
      const journalNotice = await this.replay(read);
      if (journalNotice) this.notify(journalNotice);
      const written = this.unflushed.length;
      const entries = (read.position?.entries ?? 0) + written;
      // A fold writes our unwritten entries too (they are in the database), so they skip the journal.
      if (mustFold || (fold && entries > 0) || entries >= this.foldAfterEntries) await this.fold();
      else if (written > 0) this.position.journal = await appendJournal(this.journalFile, this.unflushed.slice(0, written), read);
      // Events appended during the write stay queued: they are in memory, not yet on disk.
      this.unflushed.splice(0, written);
    });
    this.scheduleFold();
  }

  /**
   * Another window folded (or the snapshot was replaced): load the snapshot and re-insert our
   * unwritten entries into it, then read the journal from its start. True when the snapshot was
   * unreadable and moved aside, or is gone: ours must then be written.
   */
  private async loadSnapshot(): Promise<boolean> {
    const disk = await readStamped(this.file);
    this.position.journal = undefined;
    if (!disk) {
      this.position.snapshot = undefined;
      return true;
    }
    try {
      // From here to the swap nothing awaits, so no append can slip between merge and swap.
      const merged = openDatabase(this.SQL, disk.bytes);
      for (const write of this.unflushed) this.insert(merged, write);
      this.db.close();
      this.db = merged;
      this.position.snapshot = disk.stamp;
      return false;
    } catch (error) {
      if (!(error instanceof LedgerUnreadableError)) throw error;
      // Someone left garbage where our ledger was: keep it for inspection, write ours.
      const movedTo = await moveAside(this.file);
      this.notify({
        kind: 'recovered',
        message: `The activity ledger file had become unreadable (${error.message}). It was moved to ${movedTo}; this window's events were kept.`,
        movedTo,
      });
      this.position.snapshot = undefined;
      return true;
    }
  }

  /**
   * Writes the whole database as the new snapshot, atomically, then removes the journal it now
   * holds. A crash between the two leaves a journal whose entries the snapshot already has.
   */
  private async fold(): Promise<void> {
    this.applyRetention();
    const bytes = this.db.export();
    useMemoryJournal(this.db);
    await writeFileAtomic(this.file, bytes);
    this.position.snapshot = await fileStamp(this.file);
    await fs.rm(this.journalFile, { force: true });
    this.position.journal = undefined;
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
