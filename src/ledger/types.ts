/**
 * What the activity ledger records. Kept free of 'vscode' so the CLI can read the same file.
 *
 * Times are milliseconds since the epoch (UTC); the database stores them as INTEGER so range
 * queries and ordering use the indexes directly.
 */

export type LedgerEventKind = 'status' | 'save' | 'commit' | 'ai';

/** A status change, from any source (a command, a tasks.json edit seen as a diff, a commit). */
export interface StatusData {
  from?: string;
  to: string;
  [key: string]: unknown;
}

/** A file save attributed to a task; `reason` says why (active task, named in details, ...). */
export interface SaveData {
  file: string;
  reason?: string;
  [key: string]: unknown;
}

/** A commit attributed to a task. One event per (commit, task). */
export interface CommitData {
  sha: string;
  message?: string;
  files?: number;
  added?: number;
  removed?: number;
  [key: string]: unknown;
}

/** One AI call: what it did, which model answered and what it cost. */
export interface AiData {
  operation: string;
  model?: string;
  latencyMs?: number;
  tokens?: number;
  cacheHit?: boolean;
  [key: string]: unknown;
}

interface EventDataByKind {
  status: StatusData;
  save: SaveData;
  commit: CommitData;
  ai: AiData;
}

interface NewEventBase<K extends LedgerEventKind> {
  kind: K;
  data: EventDataByKind[K];
  /** When it happened; defaults to now. */
  at?: number | Date | string;
  tag?: string;
  taskId?: string;
  /** The project it belongs to: the absolute path of its root (the folder holding .taskmaster). */
  folder?: string;
  /** Who noticed it: 'extension', 'cli', 'git', 'tasks.json', ... */
  source?: string;
  /**
   * De-duplication key. Leave it out for events only this process can see (a random one is
   * made). Give a natural one for events several windows may observe, such as
   * `commit:<sha>:<taskId>`, so the second window's copy is ignored.
   */
  key?: string;
}

export type NewLedgerEvent = { [K in LedgerEventKind]: NewEventBase<K> }[LedgerEventKind];

/** An event as stored. `id` is local to this copy of the database; `key` is the stable identity. */
export type LedgerEvent = {
  [K in LedgerEventKind]: {
    id: number;
    at: number;
    kind: K;
    tag: string | null;
    taskId: string | null;
    /** Null for events recorded before the ledger kept folders, and for workspace-wide ones (AI calls). */
    folder: string | null;
    data: EventDataByKind[K];
    source: string | null;
    key: string;
  };
}[LedgerEventKind];

/** Something the user may need to know; never thrown, so it cannot fail activation. */
export interface LedgerNotice {
  kind: 'recovered' | 'flushFailed' | 'readOnly';
  message: string;
  /** Where an unreadable ledger file was moved. */
  movedTo?: string;
}

export interface RetentionPolicy {
  /** Keep at most this many events, dropping the oldest (0 = no limit). Default 200 000. */
  maxEvents?: number;
  /** Drop events older than this many days (0 = no limit). Default 365. */
  maxAgeDays?: number;
}

/** When the journal is folded into the database file (also always on close). */
export interface CompactionPolicy {
  /** Once the journal holds this many entries. Default 500 (replaying them on open stays cheap). */
  afterEntries?: number;
  /** Once nothing has been written for this long. Default 30,000 ms. */
  afterQuietMs?: number;
}

export interface LedgerOptions {
  /** How long appended events wait in memory before they are written to the journal. Default 1000 ms. */
  flushDelayMs?: number;
  compaction?: CompactionPolicy;
  retention?: RetentionPolicy;
  /** Told about recoveries and failed writes. */
  onNotice?: (notice: LedgerNotice) => void;
}

/** Given 'sql-wasm.wasm', the path (or URL) to load it from: the .vsix copy, or node_modules in tests. */
export type WasmLocator = (fileName: string) => string;

export type TimeInput = number | Date | string;

export function toMillis(value: TimeInput): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(value)}`);
  return ms;
}
