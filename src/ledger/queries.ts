import type initSqlJs from 'sql.js';
import { toMillis, type LedgerEvent, type TimeInput } from './types';

type Database = initSqlJs.Database;
type SqlValue = initSqlJs.SqlValue;

/**
 * Read-only queries behind history, reports and charts. Every WHERE clause leads with a column
 * of one of the indexes — (task_id, at), (kind, at), (at) — so each stays in milliseconds at
 * 100k+ events. Ranges are half-open: from inclusive, to exclusive.
 */

const COLUMNS = 'id, at, kind, tag, task_id, data, source, event_key, folder';
/** Task Master's old spelling `completed` still means done. */
const DONE_STATUSES = `('done', 'completed')`;

export interface CommitCount {
  tag: string | null;
  taskId: string;
  /** Distinct commits (by sha) attributed to the task. */
  commits: number;
  lastAt: number;
}

export interface VelocityBucket {
  /** Local midnight starting the bucket (a Monday for weeks), ms since epoch. */
  start: number;
  /** The bucket's first day, local, as YYYY-MM-DD. */
  label: string;
  /** Distinct tasks marked done in the bucket. */
  done: number;
}

/**
 * Whose events a query reads. With a tag: that tag's events and those recorded without a tag.
 * With a folder (a project's root): that project's events and those recorded before the ledger
 * kept folders, which every project sees (with one project, they are simply its own).
 */
export interface EventScope {
  tag?: string;
  folder?: string;
}

export interface HistoryOptions extends EventScope {
  /** Also the subtasks' events: history('12') then includes '12.1', '12.2', ... */
  includeSubtasks?: boolean;
}

export interface RecentOptions {
  /** One task's events only. */
  taskId?: string;
  folder?: string;
}

/** The conditions (each led by AND) that keep a query to its scope; their values go into `params`. */
function scopeConditions(scope: EventScope, params: SqlValue[]): string {
  let sql = '';
  if (scope.tag !== undefined) {
    sql += ' AND (tag IS NULL OR tag = ?)';
    params.push(scope.tag);
  }
  if (scope.folder !== undefined) {
    sql += ' AND (folder IS NULL OR folder = ?)';
    params.push(scope.folder);
  }
  return sql;
}

function all(db: Database, sql: string, params: SqlValue[]): SqlValue[][] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: SqlValue[][] = [];
    while (statement.step()) rows.push(statement.get());
    return rows;
  } finally {
    statement.free();
  }
}

function toEvent(row: SqlValue[]): LedgerEvent {
  const [id, at, kind, tag, taskId, data, source, key, folder] = row;
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(String(data));
  } catch {
    // A hand-edited row should not break a report; show it with empty data.
  }
  return {
    id: Number(id),
    at: Number(at),
    kind,
    tag: tag === null ? null : String(tag),
    taskId: taskId === null ? null : String(taskId),
    folder: folder === null ? null : String(folder),
    data: parsed,
    source: source === null ? null : String(source),
    key: String(key),
  } as LedgerEvent;
}

export function countEvents(db: Database): number {
  return Number(db.exec('SELECT COUNT(*) FROM events')[0].values[0][0]);
}

/** Everything recorded about a task, oldest first. */
export function history(db: Database, taskId: string, options: HistoryOptions = {}): LedgerEvent[] {
  const params: SqlValue[] = [taskId];
  // '12.' <= id < '12/' selects '12.x' by range ('/' sorts right after '.'), so the index still serves it.
  let where = options.includeSubtasks ? '(task_id = ? OR (task_id >= ? AND task_id < ?))' : 'task_id = ?';
  if (options.includeSubtasks) params.push(`${taskId}.`, `${taskId}/`);
  where += scopeConditions(options, params);
  return all(db, `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY at, id`, params).map(toEvent);
}

/** The newest events, newest first, for the workspace, a project or one task. */
export function recent(db: Database, limit: number, options: RecentOptions = {}): LedgerEvent[] {
  const params: SqlValue[] = [];
  let where = options.taskId === undefined ? '1' : 'task_id = ?';
  if (options.taskId !== undefined) params.push(options.taskId);
  where += scopeConditions({ folder: options.folder }, params);
  return all(db, `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY at DESC, id DESC LIMIT ?`, [...params, limit]).map(toEvent);
}

/**
 * Tasks marked done in [from, to): one event per (tag, task), the last such change in the range.
 * A task reopened afterwards still appears; the caller knows the current status from the plan.
 */
export function completedBetween(db: Database, from: TimeInput, to: TimeInput, scope: EventScope = {}): LedgerEvent[] {
  const params: SqlValue[] = [toMillis(from), toMillis(to)];
  const rows = all(
    db,
    `SELECT ${COLUMNS} FROM events
     WHERE kind = 'status' AND at >= ? AND at < ? AND json_extract(data, '$.to') IN ${DONE_STATUSES}${scopeConditions(scope, params)}
     ORDER BY at, id`,
    params,
  );
  const latest = new Map<string, LedgerEvent>();
  for (const event of rows.map(toEvent)) {
    const id = `${event.tag ?? ''}\u0000${event.taskId ?? ''}`;
    latest.delete(id); // re-insert so the Map's order follows the latest change
    latest.set(id, event);
  }
  return [...latest.values()];
}

function localDay(ms: number): Date {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function bucketStart(ms: number, bucket: 'day' | 'week'): Date {
  const day = localDay(ms);
  if (bucket === 'week') day.setDate(day.getDate() - ((day.getDay() + 6) % 7)); // back to Monday
  return day;
}

function label(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Tasks done per local day or ISO week (starting Monday) in [from, to), every bucket present,
 * empty ones as 0, so a chart's x axis is continuous. Bucketing happens here rather than in SQL
 * because SQLite (in wasm) does not know the user's time zone.
 */
export function velocity(db: Database, from: TimeInput, to: TimeInput, bucket: 'day' | 'week', scope: EventScope = {}): VelocityBucket[] {
  const fromMs = toMillis(from);
  const toMs = toMillis(to);
  const buckets = new Map<string, { start: number; tasks: Set<string> }>();
  for (let day = bucketStart(fromMs, bucket); day.getTime() < toMs; day.setDate(day.getDate() + (bucket === 'week' ? 7 : 1))) {
    buckets.set(label(day), { start: day.getTime(), tasks: new Set() });
  }
  const params: SqlValue[] = [fromMs, toMs];
  const rows = all(
    db,
    `SELECT tag, task_id, at FROM events
     WHERE kind = 'status' AND at >= ? AND at < ? AND json_extract(data, '$.to') IN ${DONE_STATUSES}${scopeConditions(scope, params)}`,
    params,
  );
  for (const [tag, taskId, at] of rows) {
    buckets.get(label(bucketStart(Number(at), bucket)))?.tasks.add(`${tag ?? ''}\u0000${taskId ?? ''}`);
  }
  return [...buckets].map(([name, { start, tasks }]) => ({ start, label: name, done: tasks.size }));
}

/** Commits per task in [from, to), most first. A commit seen twice (same sha) counts once. */
export function commitsPerTask(db: Database, from: TimeInput, to: TimeInput, scope: EventScope = {}): CommitCount[] {
  const params: SqlValue[] = [toMillis(from), toMillis(to)];
  const rows = all(
    db,
    `SELECT tag, task_id, COUNT(DISTINCT COALESCE(json_extract(data, '$.sha'), event_key)) AS commits, MAX(at) AS last_at
     FROM events
     WHERE kind = 'commit' AND at >= ? AND at < ? AND task_id IS NOT NULL${scopeConditions(scope, params)}
     GROUP BY tag, task_id
     ORDER BY commits DESC, last_at DESC, task_id`,
    params,
  );
  return rows.map(([tag, taskId, commits, lastAt]) => ({
    tag: tag === null ? null : String(tag),
    taskId: String(taskId),
    commits: Number(commits),
    lastAt: Number(lastAt),
  }));
}

export function commitBaseline(db: Database, folder: string): string[] | undefined {
  const [row] = all(db, 'SELECT tips FROM commit_baselines WHERE folder = ?', [folder]);
  return row && (JSON.parse(String(row[0])) as string[]);
}

export function unseenCommits(db: Database, folder: string, shas: readonly string[]): string[] {
  const statement = db.prepare('SELECT 1 FROM seen_commits WHERE folder = ? AND sha = ?');
  try {
    return shas.filter((sha) => {
      statement.bind([folder, sha]);
      const seen = statement.step();
      statement.reset();
      return !seen;
    });
  } finally {
    statement.free();
  }
}

/** The latest event of each task that has one (one indexed lookup per task). */
export function lastActivity(db: Database, taskIds: Iterable<string>, scope: EventScope = {}): Map<string, LedgerEvent> {
  const scopeParams: SqlValue[] = [];
  const statement = db.prepare(`SELECT ${COLUMNS} FROM events WHERE task_id = ?${scopeConditions(scope, scopeParams)} ORDER BY at DESC, id DESC LIMIT 1`);
  const result = new Map<string, LedgerEvent>();
  try {
    for (const taskId of taskIds) {
      statement.bind([taskId, ...scopeParams]);
      if (statement.step()) result.set(taskId, toEvent(statement.get()));
      statement.reset();
    }
  } finally {
    statement.free();
  }
  return result;
}
