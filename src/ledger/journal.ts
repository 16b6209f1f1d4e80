import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type initSqlJs from 'sql.js';
import { writeFileAtomic } from '../store/atomicWrite';

type SqlValue = initSqlJs.SqlValue;

/**
 * The ledger's journal: one JSON line per write (`{"into":"events","values":[...]}`), appended
 * beside the database file and folded into it from time to time. Its first line names this
 * journal (`{"journal":"<token>"}`): a reader that remembers how far it read knows from the token
 * whether it is still the same journal or one started after a fold.
 */

/** The tables the ledger writes, with how many values one row of each takes. */
const COLUMN_COUNT = { events: 8, seen_commits: 3, commit_baselines: 3 } as const;

export type JournalTable = keyof typeof COLUMN_COUNT;

/** One insert, as kept in memory until written and as written in the journal. */
export interface JournalEntry {
  into: JournalTable;
  values: SqlValue[];
}

/** How far a reader has read one journal. */
export interface JournalPosition {
  token: string;
  /** Bytes read: the start of the first line not yet read. */
  offset: number;
  /** Entries in the journal up to `offset`. */
  entries: number;
}

export interface JournalRead {
  /** Undefined when there is no journal (or nothing in it but an unfinished line). */
  position: JournalPosition | undefined;
  /** The entries after the position read from, or all of them when the journal is another one. */
  entries: JournalEntry[];
  /** Whole lines that are not entries: damage other than an unfinished last line. */
  unreadable: number;
  /** Where an unfinished last line (a write cut short by a crash) starts; it is not an entry. */
  tornAt: number | undefined;
}

const NEWLINE = 0x0a;
const HEADER_LIMIT = 256;

export function journalFileOf(ledgerFile: string): string {
  return `${ledgerFile}.journal`;
}

function header(token: string): string {
  return `${JSON.stringify({ journal: token })}\n`;
}

function entryLines(entries: readonly JournalEntry[]): string {
  return entries.map((entry) => `${JSON.stringify({ into: entry.into, values: entry.values })}\n`).join('');
}

function isSqlValue(value: unknown): value is SqlValue {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function parseEntry(line: string): JournalEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { into, values } = parsed as { into?: unknown; values?: unknown };
  if (typeof into !== 'string' || !Object.hasOwn(COLUMN_COUNT, into)) return undefined;
  if (!Array.isArray(values) || values.length !== COLUMN_COUNT[into as JournalTable] || !values.every(isSqlValue)) return undefined;
  return { into: into as JournalTable, values };
}

/** The token of the journal's first line, or '' when that line is not a header (damage). */
function tokenOf(firstLine: Buffer): string {
  try {
    const parsed = JSON.parse(firstLine.toString('utf8')) as { journal?: unknown };
    return typeof parsed?.journal === 'string' ? parsed.journal : '';
  } catch {
    return '';
  }
}

/**
 * Reads the journal's entries after `from` (all of them when `from` is of another journal).
 * Whole lines that are not entries are counted and skipped, never the lines around them.
 */
export async function readJournal(file: string, from: JournalPosition | undefined): Promise<JournalRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { position: undefined, entries: [], unreadable: 0, tornAt: undefined };
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEADER_LIMIT));
    await handle.read(head, 0, head.length, 0);
    const headerEnd = head.indexOf(NEWLINE) + 1;
    if (headerEnd === 0) return { position: undefined, entries: [], unreadable: 0, tornAt: size > 0 ? 0 : undefined };
    const token = tokenOf(head.subarray(0, headerEnd - 1));
    const continuing = from !== undefined && from.token === token && from.offset >= headerEnd && from.offset <= size;
    const start = continuing ? from.offset : headerEnd;
    const chunk = Buffer.alloc(size - start);
    await handle.read(chunk, 0, chunk.length, start);
    const complete = chunk.lastIndexOf(NEWLINE) + 1;
    const entries: JournalEntry[] = [];
    let unreadable = 0;
    for (let lineStart = 0; lineStart < complete; ) {
      const lineEnd = chunk.indexOf(NEWLINE, lineStart);
      if (lineEnd > lineStart) {
        const entry = parseEntry(chunk.toString('utf8', lineStart, lineEnd));
        if (entry) entries.push(entry);
        else unreadable++;
      }
      lineStart = lineEnd + 1;
    }
    return {
      position: { token, offset: start + complete, entries: (continuing ? from.entries : 0) + entries.length },
      entries,
      unreadable,
      tornAt: complete < chunk.length ? start + complete : undefined,
    };
  } finally {
    await handle.close();
  }
}

/**
 * Appends entries (the caller holds the ledger's lock and has just read the journal, so `read`
 * is its current state) and syncs them to disk. A journal that does not exist yet is created
 * whole, atomically; an unfinished last line left by a crashed writer is cut off first, so the new
 * lines never join it. Returns the position after the new entries.
 */
export async function appendJournal(file: string, entries: readonly JournalEntry[], read: JournalRead): Promise<JournalPosition> {
  const lines = entryLines(entries);
  if (!read.position) {
    const token = randomBytes(12).toString('base64url');
    const text = header(token) + lines;
    await writeFileAtomic(file, text);
    return { token, offset: Buffer.byteLength(text), entries: entries.length };
  }
  const handle = await fs.open(file, 'a');
  try {
    if (read.tornAt !== undefined) await handle.truncate(read.tornAt);
    await handle.writeFile(lines);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return { token: read.position.token, offset: read.position.offset + Buffer.byteLength(lines), entries: read.position.entries + entries.length };
}
