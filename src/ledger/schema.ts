import type initSqlJs from 'sql.js';

type Database = initSqlJs.Database;
type SqlJsStatic = initSqlJs.SqlJsStatic;

/**
 * Schema changes, in order; PRAGMA user_version holds how many have been applied. Only ever
 * append to this list, and keep changes additive (new tables, columns, indexes): an older
 * extension version opening a newer file then still reads and appends what it knows.
 */
const MIGRATIONS: ReadonlyArray<(db: Database) => void> = [
  // 1: the append-only event log.
  (db) => {
    db.run(`
      CREATE TABLE IF NOT EXISTS events (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,          -- ms since epoch, UTC
        kind      TEXT    NOT NULL,          -- 'status' | 'save' | 'commit' | 'ai'
        tag       TEXT,
        task_id   TEXT,
        data      TEXT    NOT NULL DEFAULT '{}',  -- JSON
        source    TEXT,
        event_key TEXT UNIQUE                -- de-duplicates merges between windows
      );
      CREATE INDEX IF NOT EXISTS events_task_at ON events (task_id, at);
      CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at);
      CREATE INDEX IF NOT EXISTS events_at      ON events (at);
    `);
  },
  // 2: the project (workspace folder) an event belongs to; NULL for events recorded before.
  (db) => {
    db.run('ALTER TABLE events ADD COLUMN folder TEXT');
  },
  // 3: which commits each project has read, and what its repository held when first watched.
  (db) => {
    db.run(`
      CREATE TABLE IF NOT EXISTS seen_commits (
        folder TEXT    NOT NULL,             -- the project's root
        sha    TEXT    NOT NULL,
        at     INTEGER NOT NULL,             -- when it was first seen, ms since epoch
        PRIMARY KEY (folder, sha)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS commit_baselines (
        folder TEXT    PRIMARY KEY,
        tips   TEXT    NOT NULL,             -- JSON array of the ref tips at the first watch
        at     INTEGER NOT NULL
      );
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class LedgerUnreadableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LedgerUnreadableError';
  }
}

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

function migrate(db: Database): void {
  for (let version = schemaVersion(db); version < SCHEMA_VERSION; version++) {
    db.run('BEGIN');
    try {
      MIGRATIONS[version](db);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.run(`PRAGMA user_version = ${version + 1}`);
      db.run('COMMIT');
    } catch (error) {
      db.run('ROLLBACK');
      throw error;
    }
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * What the image's 100-byte header says against its length: the magic string, and (when the
 * header's page count is current, as SQLite keeps it) pages × page size = the file's size. This
 * catches garbage and truncation without reading every page (`PRAGMA quick_check` did that on
 * every open, about 200 ms at 100,000 events; files are only ever replaced whole, atomically).
 */
function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < 100 || Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw new Error('not a SQLite database');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 100);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pageCountIsCurrent = view.getUint32(24) === view.getUint32(92);
  const pages = view.getUint32(28);
  if (pageCountIsCurrent && pages > 0 && pages * pageSize !== bytes.length) {
    throw new Error(`database disk image is truncated or padded: its header says ${pages * pageSize} bytes, the file has ${bytes.length}`);
  }
}

/**
 * Keeps SQLite's rollback journal in memory rather than as a file in sql.js's in-memory file
 * system, created and deleted on every transaction: a commit after loading a 100,000-event image
 * costs a fraction as much, and ROLLBACK still works. Durability comes from the ledger's own
 * snapshot and journal, not from this. Not stored in the file, and `export()` reopens the
 * connection, so it is set again after each export.
 */
export function useMemoryJournal(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY');
}

/**
 * Opens a database image (or a new one) and brings its schema up to date. Throws
 * LedgerUnreadableError when the bytes are not a sound ledger: not SQLite, truncated, or
 * without the events table we need.
 */
export function openDatabase(SQL: SqlJsStatic, bytes?: Uint8Array): Database {
  let db: Database | undefined;
  try {
    if (bytes && bytes.length > 0) checkHeader(bytes);
    db = new SQL.Database(bytes && bytes.length > 0 ? bytes : undefined);
    useMemoryJournal(db);
    migrate(db);
    db.exec('SELECT id, at, kind, tag, task_id, data, source, event_key, folder FROM events LIMIT 0');
    return db;
  } catch (error) {
    db?.close();
    throw new LedgerUnreadableError(error instanceof Error ? error.message : String(error));
  }
}
