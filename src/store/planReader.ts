import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hasConflictMarkers } from '../core/conflictMarkers';
import { DEFAULT_TAG, readPlan, type Plan } from '../core/plan';
import { decodeUtf8, JsonSyntaxError, parseJson } from './jsonText';
import type { PlanLocation } from './planLocation';

/**
 * Reading a plan: tasks.json and the current tag of state.json, as the store reads them. Kept apart
 * from the store (locks, watchers, process checks) so a read-only command loads nothing else.
 */

/** What is known of the plan file: missing, unreadable (and why), or loaded. */
export type PlanState =
  | { kind: 'missing'; location: PlanLocation }
  | { kind: 'unreadable'; location: PlanLocation; error: JsonSyntaxError | Error; text?: string; fingerprint?: string }
  | LoadedPlan;

export interface LoadedPlan {
  kind: 'loaded';
  location: PlanLocation;
  /**
   * Tells this version of tasks.json from any other (planFingerprint of its bytes). The text itself
   * is not kept: at 10,000 tasks it takes more memory than the parsed plan; an edit reads the file.
   */
  fingerprint: string;
  plan: Plan;
  currentTag: string;
}

export class PlanUnreadableError extends Error {
  /** The file holds git conflict markers: a merge without the merge driver, which the plan merge can resolve. */
  readonly mergeConflict: boolean;

  constructor(
    readonly file: string,
    readonly cause: Error,
    text?: string,
  ) {
    const mergeConflict = text !== undefined && hasConflictMarkers(text);
    super(
      mergeConflict
        ? `${file} holds git conflict markers from a merge. "Resolve Merge Conflict" (tml resolve-conflict) merges both sides by tag and task id; nothing is written until then.`
        : JsonSyntaxError.is(cause)
          ? `${file}:${cause.position.line}:${cause.position.column}: ${cause.reason}. Fix the file; nothing is written until it parses again.`
          : `${file}: ${cause.message}`,
    );
    this.name = 'PlanUnreadableError';
    this.mergeConflict = mergeConflict;
  }

  static is(error: unknown): error is PlanUnreadableError {
    return error instanceof PlanUnreadableError;
  }
}

export class PlanMissingError extends Error {
  constructor(readonly file: string) {
    super(`No plan at ${file}. Initialise the project (Taskmaster: Initialize) or point to an existing tasks.json.`);
    this.name = 'PlanMissingError';
  }

  static is(error: unknown): error is PlanMissingError {
    return error instanceof PlanMissingError;
  }
}

/**
 * The SHA-256 of a tasks.json's bytes, in hex (hashing the bytes costs a sixth of decoding them):
 * what tells two versions apart, and the plan server's ETag.
 */
export function planFingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The state tasks.json's bytes give: `undefined` bytes is a missing file. `fingerprint` when already known. */
export function parsePlanBytes(location: PlanLocation, bytes: Uint8Array | undefined, currentTag: string | undefined, fingerprint?: string): PlanState {
  if (bytes === undefined) return { kind: 'missing', location };
  fingerprint ??= planFingerprint(bytes);
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (error) {
    return { kind: 'unreadable', location, error: error as Error, fingerprint };
  }
  return parsePlanText(location, text, fingerprint, currentTag);
}

/** The plan a new tasks.json text gives (an edit's result), with the bytes to write. */
export function parseNewPlanText(location: PlanLocation, text: string, currentTag: string | undefined): { state: PlanState; bytes: Buffer } {
  const bytes = Buffer.from(text, 'utf8');
  return { state: parsePlanText(location, text, planFingerprint(bytes), currentTag), bytes };
}

/** The state a decoded tasks.json gives; `fingerprint` is its bytes'. */
export function parsePlanText(location: PlanLocation, text: string, fingerprint: string, currentTag: string | undefined): PlanState {
  try {
    const plan = readPlan(parseJson(text));
    return { kind: 'loaded', location, fingerprint, plan, currentTag: currentTag ?? DEFAULT_TAG };
  } catch (error) {
    return { kind: 'unreadable', location, error: error as Error, text, fingerprint };
  }
}

/** Whether `state` was read from exactly these bytes (a loaded or unreadable file, not a missing one). */
export function readFrom(state: PlanState, fingerprint: string): boolean {
  return state.kind !== 'missing' && state.fingerprint === fingerprint;
}

/** The loaded plan; PlanMissingError or PlanUnreadableError when there is none to use. */
export function loadedOrThrow(state: PlanState): LoadedPlan {
  if (state.kind === 'missing') throw new PlanMissingError(state.location.tasksFile);
  if (state.kind === 'unreadable') throw new PlanUnreadableError(state.location.tasksFile, state.error, state.text);
  return state;
}

/** The bytes of tasks.json (undefined when missing) and the current tag of state.json, read together. */
export async function readPlanFiles(location: PlanLocation): Promise<{ bytes: Buffer | undefined; currentTag: string | undefined; stateUnreadable: boolean }> {
  const [bytes, state] = await Promise.all([readBytes(location.tasksFile), readJsonFile(location.stateFile)]);
  return { bytes, currentTag: currentTagOf(state ?? undefined), stateUnreadable: state === null };
}

/**
 * The plan in tasks.json, read once for a command that only reads it: PlanMissingError or
 * PlanUnreadableError when there is none to use. No fingerprint: nothing is compared or written.
 */
export async function readPlanOnce(tasksFile: string): Promise<Plan> {
  const bytes = await readBytes(tasksFile).catch((error: Error) => {
    throw new PlanUnreadableError(tasksFile, error);
  });
  if (bytes === undefined) throw new PlanMissingError(tasksFile);
  let text: string | undefined;
  try {
    text = decodeUtf8(bytes);
    return readPlan(parseJson(text));
  } catch (error) {
    throw new PlanUnreadableError(tasksFile, error as Error, text);
  }
}

/** A file's bytes, undefined when it does not exist. */
export async function readBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A file's text, undefined when it does not exist; a JsonSyntaxError when it is not UTF-8. */
async function readText(file: string): Promise<string | undefined> {
  const bytes = await readBytes(file);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
}

/** A JSON object file (state.json), undefined when it is missing or not readable as one. */
export async function readJsonObject(file: string): Promise<Record<string, unknown> | undefined> {
  return (await readJsonFile(file)) ?? undefined;
}

/** A JSON object file: undefined when it does not exist, null when it is not readable as a JSON object. */
export async function readJsonFile(file: string): Promise<Record<string, unknown> | null | undefined> {
  const text = await readText(file).catch((error: unknown) => {
    if (JsonSyntaxError.is(error)) return null;
    throw error;
  });
  if (text === undefined || text === null) return text;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export async function readCurrentTag(stateFile: string): Promise<string | undefined> {
  return currentTagOf(await readJsonObject(stateFile));
}

function currentTagOf(state: Record<string, unknown> | undefined): string | undefined {
  // Older Task Master versions wrote `activeTag`.
  const tag = state?.currentTag || state?.activeTag;
  return typeof tag === 'string' && tag ? tag : undefined;
}

