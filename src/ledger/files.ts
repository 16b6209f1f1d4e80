import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Identity of a file version: an atomic replace makes a new inode, so this changes on every write. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export async function fileStamp(file: string): Promise<FileStamp | undefined> {
  try {
    const stat = await fs.stat(file);
    return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  if (!a || !b) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Replaces a file with new bytes in one step: temp file in the same folder (so rename stays on one
 * file system), fsync, rename over. A reader or a crash sees the old file or the new one, never half.
 */
export async function writeBytesAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable on POSIX; Windows cannot open folders, and needs not. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the data itself is already synced.
  } finally {
    await handle.close();
  }
}

/** Moves an unreadable ledger out of the way, keeping it for inspection: `<file>.corrupt-<time>`. */
export async function moveAside(file: string): Promise<string> {
  const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fs.rename(file, target);
  return target;
}

/** A lock older than this was left by a process that died holding it (a flush takes well under a second). */
const STALE_AFTER_MS = 10_000;
const WAIT_LIMIT_MS = 5_000;

/**
 * Cross-process lock around read-merge-write of the ledger file, as a `<file>.lock` folder:
 * mkdir is atomic on every file system, including network ones.
 */
export async function withLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lockPath = `${file}.lock`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.mkdir(lockPath);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lockPath).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > STALE_AFTER_MS) {
        await fs.rm(lockPath, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > WAIT_LIMIT_MS) {
        throw new Error(`The activity ledger is locked by another window (${lockPath}); will retry.`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** attempt, 200)));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { recursive: true, force: true });
  }
}
