import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TagView } from '../core/plan';
import { renderReadmeExport, syncReadmeText, type ReadmeExportOptions } from '../core/readmeExport';
import { renderTaskFiles, staleTaskFiles } from '../core/taskFiles';
import { writeFileAtomic } from './atomicWrite';

/** Where `generate` writes when no --output is given, as in task-master. */
export const TASK_FILES_DIR = path.join('.taskmaster', 'tasks');

export interface GeneratedTaskFiles {
  count: number;
  directory: string;
  orphanedFilesRemoved: number;
}

/**
 * Writes one file per task of the tag into `directory` (each atomically) and removes the files
 * of tasks the tag no longer has. A tag without tasks writes and removes nothing.
 */
export async function writeTaskFiles(tag: TagView, directory: string): Promise<GeneratedTaskFiles> {
  if (tag.tasks.length === 0) return { count: 0, directory, orphanedFilesRemoved: 0 };
  await fs.mkdir(directory, { recursive: true });
  const files = renderTaskFiles(tag);
  for (const file of files) await writeFileAtomic(path.join(directory, file.name), file.text);
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const stale = staleTaskFiles(
    tag,
    entries.filter((entry) => entry.isFile()).map((entry) => entry.name),
  );
  for (const name of stale) await fs.rm(path.join(directory, name), { force: true });
  return { count: files.length, directory, orphanedFilesRemoved: stale.length };
}

/** Puts the tag's task list into README.md at the project root, creating the file if needed. */
export async function syncReadme(root: string, tag: TagView, options: Omit<ReadmeExportOptions, 'tagName'>): Promise<string> {
  const file = path.join(root, 'README.md');
  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const section = renderReadmeExport(tag.tasks, { ...options, tagName: tag.name });
  await writeFileAtomic(file, syncReadmeText(existing, section, path.basename(path.resolve(root))));
  return file;
}
