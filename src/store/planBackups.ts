import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_BACKUPS_TO_KEEP = 20;

/** The timestamp part of a backup's name: an ISO time with ':' and '.' made file-name safe. */
const BACKUP_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/**
 * Saves a backup of the plan as `<dir>/tasks-<tag>-<time>.json` and removes that tag's oldest
 * backups beyond `keep` (at least 1). `save` writes the new file and must fail with EEXIST when it
 * already exists (two backups in one millisecond). Returns the new backup's path.
 */
export async function saveBackup(dir: string, tag: string, keep: number, save: (file: string) => Promise<void>): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const prefix = `tasks-${tag}-`;
  let file: string;
  for (let at = Date.now(); ; at++) {
    file = path.join(dir, `${prefix}${new Date(at).toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      await save(file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const ofTag = (await fs.readdir(dir)).filter((name) => name.startsWith(prefix) && BACKUP_STAMP.test(name.slice(prefix.length))).sort();
  await Promise.all(ofTag.slice(0, -Math.max(1, keep)).map((name) => fs.rm(path.join(dir, name), { force: true })));
  return file;
}

/** Where a project's backups go. */
export function backupsDir(taskmasterDir: string): string {
  return path.join(taskmasterDir, 'backups');
}
