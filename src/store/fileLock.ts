import { promises as fs } from 'node:fs';

/** A lock older than this is taken to be left behind by a program that died while holding it. */
const STALE_AFTER_MS = 10_000;
const WAIT_LIMIT_MS = 5_000;

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`Another program is writing ${lockPath.replace(/\.lock$/, '')} (lock ${lockPath} is held). Try again in a moment; if no other program is running, delete that folder.`);
    this.name = 'LockTimeoutError';
  }

  static is(error: unknown): error is LockTimeoutError {
    return error instanceof LockTimeoutError;
  }
}

/**
 * Cross-process lock on a file, as a `<file>.lock` directory: mkdir is atomic on every file system,
 * and it is the convention of the proper-lockfile package that Task Master's own tools use.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lockPath = `${file}.lock`;
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
      if (Date.now() - started > WAIT_LIMIT_MS) throw new LockTimeoutError(lockPath);
      await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { recursive: true, force: true });
  }
}
