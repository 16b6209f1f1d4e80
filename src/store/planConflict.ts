import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { splitConflictMarkers } from '../core/conflictMarkers';
import type { MergeNote } from '../core/planMerge';
import { writeFileAtomic } from './atomicWrite';
import { withFileLock } from './fileLock';
import { decodeUtf8 } from './jsonText';
import type { PlanLocation } from './planLocation';
import { mergePlanTexts } from './planMergeText';
import type { TaskStore } from './taskStore';

/** Where the common ancestor came from: the diff3 markers, git's index during a merge, or nowhere. */
export type BaseSource = 'markers' | 'git' | 'none';

/** The semantic merge of a tasks.json that holds conflict markers, ready to write. */
export interface ConflictResolution {
  file: string;
  /** The file as read: the resolution is written only over this very text. */
  original: string;
  text: string;
  notes: MergeNote[];
  baseSource: BaseSource;
}

export class NoConflictMarkersError extends Error {
  constructor(readonly file: string) {
    super(`${file} holds no git conflict markers: there is no merge conflict to resolve.`);
    this.name = 'NoConflictMarkersError';
  }

  static is(error: unknown): error is NoConflictMarkersError {
    return error instanceof NoConflictMarkersError;
  }
}

/** Where the base came from, in words. */
export function describeBase(source: BaseSource): string {
  if (source === 'markers') return 'common ancestor from the diff3 markers';
  if (source === 'git') return "common ancestor from git's merge";
  return 'no common ancestor found: the two sides were merged with each other';
}

/** Git's largest blob we read back; a plan is far smaller. */
const MAX_BLOB_BYTES = 512 * 1024 * 1024;

/**
 * Splits tasks.json at its conflict markers and merges the two sides by tag and task id. The base
 * is the diff3 section of the markers when git wrote one, else the merge base git keeps in its
 * index during a merge (stage 1), else there is none and the sides are merged with each other.
 */
export async function prepareConflictResolution(location: PlanLocation, now: Date): Promise<ConflictResolution> {
  const file = location.tasksFile;
  const original = decodeUtf8(await fs.readFile(file));
  const sides = splitConflictMarkers(original);
  if (!sides) throw new NoConflictMarkersError(file);
  let base = sides.base;
  let baseSource: BaseSource = 'markers';
  if (base === undefined) {
    base = await mergeBaseFromIndex(file);
    baseSource = base === undefined ? 'none' : 'git';
  }
  const merged = mergePlanTexts({ base, ours: sides.ours, theirs: sides.theirs }, now);
  return { file, original, text: merged.text, notes: merged.notes, baseSource };
}

/**
 * Writes a prepared resolution under the plan's lock, when the file still holds the text it was
 * prepared from, after copying the conflicted file to `.taskmaster/backups/`. Returns the backup.
 */
export async function applyConflictResolution(store: TaskStore, resolution: ConflictResolution): Promise<string> {
  const backup = await withFileLock(resolution.file, async () => {
    const current = decodeUtf8(await fs.readFile(resolution.file));
    if (current !== resolution.original) throw new Error(`${resolution.file} changed while the merge was prepared; nothing was written. Resolve the conflict again.`);
    const copy = await store.backup('merge-conflict');
    await writeFileAtomic(resolution.file, resolution.text);
    return copy;
  });
  await store.reload();
  return backup;
}

/** The merge base of a file git is merging (`git show :1:<file>`); undefined outside a merge. */
async function mergeBaseFromIndex(file: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `:1:./${path.basename(file)}`], { cwd: path.dirname(file), maxBuffer: MAX_BLOB_BYTES, encoding: 'utf8' });
    return stdout;
  } catch {
    return undefined;
  }
}
