import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ProperLockfile from 'proper-lockfile';

/**
 * The options Task Master 0.43's own file storage passes to proper-lockfile, so both sides agree
 * on where the lock is (`<file>.lock` beside the path as given, links not followed), when it is
 * stale, and how long to wait for it. The holder refreshes the lock's mtime every stale/2.
 */
const TASK_MASTER_LOCK_OPTIONS = {
  stale: 10_000,
  retries: { retries: 5, factor: 2, minTimeout: 100, maxTimeout: 1_000 },
  realpath: false,
} as const;

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`Another program is writing ${lockPath.replace(/\.lock$/, '')} (lock ${lockPath} is held). Try again in a moment; if no other program is running, delete that folder.`);
    this.name = 'LockTimeoutError';
  }

  static is(error: unknown): error is LockTimeoutError {
    return error instanceof LockTimeoutError;
  }
}

/** Locks this process holds; removing one of these is a release, any other removal a takeover. */
const heldLocks = new Set<string>();

/**
 * proper-lockfile takes over a stale lock by stat, then rmdir, then mkdir: two waiters that both
 * saw it stale can both get in, the later one removing the lock the earlier one just made. Its
 * `fs` option lets the removal be done here instead: under a takeover marker that our processes
 * take one at a time, the lock is looked at again and removed only if it is still stale.
 */
const lockFs = {
  mkdir: fs.mkdir,
  stat: fs.stat,
  utimes: fs.utimes,
  rmdirSync: fs.rmdirSync,
  rmdir(lockPath: string, callback: (error?: NodeJS.ErrnoException | null) => void): void {
    if (heldLocks.has(lockPath)) fs.rmdir(lockPath, callback);
    else removeIfStillStale(lockPath).then(() => callback(), callback);
  },
};

async function removeIfStillStale(lockPath: string): Promise<void> {
  const marker = `${lockPath}.takeover`;
  try {
    await fs.promises.mkdir(marker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A process that died inside the few milliseconds of a takeover leaves its marker behind.
    if (await isStale(marker)) await fs.promises.rm(marker, { recursive: true, force: true });
    throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
  }
  try {
    // A lock file (rather than folder) is what Task Master's older writers leave: remove either.
    if (await isStale(lockPath)) await fs.promises.rm(lockPath, { recursive: true, force: true });
  } finally {
    await fs.promises.rmdir(marker);
  }
}

async function isStale(file: string): Promise<boolean> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > TASK_MASTER_LOCK_OPTIONS.stale;
}

/**
 * Runs `work` holding Task Master's cross-process lock on `file` (the proper-lockfile protocol: a
 * `<file>.lock` folder, kept fresh while held, so a long save is never judged abandoned).
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const resolved = path.resolve(file);
  const lockPath = `${resolved}.lock`;
  let release: () => Promise<void>;
  try {
    // Loaded on the first write: proper-lockfile patches fs through graceful-fs when it loads.
    const lockfile = require('proper-lockfile') as typeof ProperLockfile;
    release = await lockfile.lock(resolved, {
      ...TASK_MASTER_LOCK_OPTIONS,
      fs: lockFs,
      // The lock was lost (its folder removed, or not refreshed for `stale`): the work already
      // runs, and throwing here would take the whole extension host down with it.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new LockTimeoutError(lockPath);
    throw error;
  }
  heldLocks.add(lockPath);
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
    heldLocks.delete(lockPath);
  }
}
