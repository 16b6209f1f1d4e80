import { promises as fs } from 'node:fs';

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

/** Moves an unreadable ledger out of the way, keeping it for inspection: `<file>.corrupt-<time>`. */
export async function moveAside(file: string): Promise<string> {
  const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fs.rename(file, target);
  return target;
}
