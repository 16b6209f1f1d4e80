import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export class ReadOnlyFileError extends Error {
  constructor(readonly file: string) {
    super(`${file} is read-only, so the change was not saved. Make it writable (chmod u+w) and try again.`);
    this.name = 'ReadOnlyFileError';
  }

  static is(error: unknown): error is ReadOnlyFileError {
    return error instanceof ReadOnlyFileError;
  }
}

/**
 * Replaces a file's content in one step: write a temp file beside it, flush it, rename it over,
 * flush the folder. Readers (the CLI, git, another window) see the old file or the new one,
 * never half of either, and a crash right after leaves the new one. A symbolic link stays a
 * link: the file it points to is the one replaced.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const target = await fs.realpath(file).catch(() => file);
  const existing = await fs.stat(target).catch(() => undefined);
  // Renaming over a read-only file would succeed (and as root even writing would): honour the
  // user's intent by checking the permission bits themselves.
  if (existing && (existing.mode & 0o222) === 0) throw new ReadOnlyFileError(target);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', existing ? existing.mode & 0o777 : 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

const RENAME_ATTEMPTS = 6;

/**
 * On Windows a virus scanner, indexer or another editor briefly holding the target makes a rename
 * fail with EPERM, EBUSY or EACCES; like VS Code's own save, try again a few times with a short
 * backoff (elsewhere these errors are lasting, and cost only that short wait).
 */
export async function renameWithRetry(from: string, to: string, rename: (from: string, to: string) => Promise<void> = fs.rename): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt === RENAME_ATTEMPTS || !['EPERM', 'EBUSY', 'EACCES'].includes(code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, attempt * 20)));
    }
  }
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
