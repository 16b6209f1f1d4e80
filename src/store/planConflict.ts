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

/**
 * Where the sides came from: git's index while the merge is under way (exactly what each branch
 * had, and their merge base when there is one), else the markers in the file (with the common
 * ancestor when git wrote diff3 markers).
 */
export type SidesSource = 'index' | 'index-without-base' | 'diff3-markers' | 'markers';

/** The semantic merge of a tasks.json that holds conflict markers, ready to write. */
export interface ConflictResolution {
  file: string;
  /** The file as read: the resolution is written only over this very text. */
  original: string;
  text: string;
  notes: MergeNote[];
  source: SidesSource;
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

/** Where the sides came from, in words. */
export function describeSides(source: SidesSource): string {
  switch (source) {
    case 'index':
      return "both branches and their common ancestor as git's merge has them";
    case 'index-without-base':
      return "both branches as git's merge has them; they have no common ancestor";
    case 'diff3-markers':
      return 'both sides and their common ancestor from the diff3 markers';
    case 'markers':
      return 'both sides from the markers, without a common ancestor';
  }
}

/** Git's largest blob we read back; a plan is far smaller. */
const MAX_BLOB_BYTES = 512 * 1024 * 1024;

/**
 * Merges a tasks.json that holds conflict markers by tag and task id. While git's merge is under
 * way its index holds each branch's file exactly; the markers alone can mislead, because git has
 * already applied the changes that did not conflict to both sides around them (a task one branch
 * moved can then appear twice). Without a merge under way, the markers are split into the sides.
 */
export async function prepareConflictResolution(location: PlanLocation, now: Date): Promise<ConflictResolution> {
  const file = location.tasksFile;
  const original = decodeUtf8(await fs.readFile(file));
  const marked = splitConflictMarkers(original);
  if (!marked) throw new NoConflictMarkersError(file);
  const [base, ours, theirs] = await Promise.all([1, 2, 3].map((stage) => indexStage(file, stage)));
  const fromIndex = ours !== undefined && theirs !== undefined;
  const sides = fromIndex ? { base, ours, theirs } : marked;
  const source: SidesSource = fromIndex ? (base !== undefined ? 'index' : 'index-without-base') : marked.base !== undefined ? 'diff3-markers' : 'markers';
  const merged = mergePlanTexts(sides, now);
  return { file, original, text: merged.text, notes: merged.notes, source };
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

/** One stage of a file git is merging (1 base, 2 ours, 3 theirs); undefined outside a merge. */
async function indexStage(file: string, stage: number): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `:${stage}:./${path.basename(file)}`], { cwd: path.dirname(file), maxBuffer: MAX_BLOB_BYTES, encoding: 'utf8' });
    return stdout;
  } catch {
    return undefined;
  }
}
