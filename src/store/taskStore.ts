import { constants as fsConstants, promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { Emitter, type Disposable } from '../core/event';
import type { PlanOperation } from '../core/operations';
import { DEFAULT_TAG, readPlan, type Plan } from '../core/plan';
import { writeFileAtomic } from './atomicWrite';
import { withFileLock } from './fileLock';
import { applyJsonEdits, decodeUtf8, JsonSyntaxError, parseJson, verifyJsonEdits } from './jsonText';
import type { PlanLocation } from './planLocation';

/** What the store knows of the plan file right now. */
export type PlanState =
  | { kind: 'missing'; location: PlanLocation }
  | { kind: 'unreadable'; location: PlanLocation; error: JsonSyntaxError | Error; text?: string }
  | LoadedPlan;

export interface LoadedPlan {
  kind: 'loaded';
  location: PlanLocation;
  text: string;
  plan: Plan;
  currentTag: string;
}

export class PlanUnreadableError extends Error {
  constructor(
    readonly file: string,
    readonly cause: Error,
  ) {
    super(
      JsonSyntaxError.is(cause)
        ? `${file}:${cause.position.line}:${cause.position.column}: ${cause.reason}. Fix the file; nothing is written until it parses again.`
        : `${file}: ${cause.message}`,
    );
    this.name = 'PlanUnreadableError';
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

export interface TaskStoreOptions {
  /** How many backups of each tag `.taskmaster/backups/` keeps (read at each backup; at least 1). */
  backupsToKeep?: () => number;
}

export const DEFAULT_BACKUPS_TO_KEEP = 20;

/** The timestamp part of a backup's name: an ISO time with ':' and '.' made file-name safe. */
const BACKUP_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/** How often the file's identity is checked, as a safety net under the file-system watcher. */
const POLL_INTERVAL_MS = 500;
const WATCH_DEBOUNCE_MS = 50;

/**
 * The one owner of a project's tasks.json: reads it, applies operations to the freshest content
 * under a lock, writes atomically, and reports changes from any source.
 */
export class TaskStore implements Disposable {
  private _state: PlanState;
  private readonly _onDidChange = new Emitter<PlanState>();
  readonly onDidChange = this._onDidChange.event;
  private queue: Promise<unknown> = Promise.resolve();
  private stateTag: string | undefined;
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private fileSignature = '';

  constructor(
    readonly location: PlanLocation,
    private readonly options: TaskStoreOptions = {},
  ) {
    this._state = { kind: 'missing', location };
  }

  get state(): PlanState {
    return this._state;
  }

  /** Reads the plan and state.json; fires onDidChange when anything differs from what was known. */
  async reload(): Promise<PlanState> {
    let text: string | undefined;
    let stateTag: string | undefined;
    try {
      [text, stateTag] = await Promise.all([readText(this.location.tasksFile), readCurrentTag(this.location.stateFile)]);
    } catch (error) {
      this.setState({ kind: 'unreadable', location: this.location, error: error as Error });
      return this._state;
    }
    const previous = this._state;
    if (previous.kind !== 'missing' && text === previous.text && stateTag === this.stateTag) return previous;
    this.stateTag = stateTag;
    this.setState(this.parse(text));
    return this._state;
  }

  /** Reloads and returns the plan; throws PlanMissingError or PlanUnreadableError when there is none to use. */
  async load(): Promise<LoadedPlan> {
    const state = await this.reload();
    if (state.kind === 'missing') throw new PlanMissingError(state.location.tasksFile);
    if (state.kind === 'unreadable') throw new PlanUnreadableError(state.location.tasksFile, state.error);
    return state;
  }

  private parse(text: string | undefined): PlanState {
    const { location } = this;
    if (text === undefined) return { kind: 'missing', location };
    try {
      const plan = readPlan(parseJson(text));
      return { kind: 'loaded', location, text, plan, currentTag: this.stateTag ?? DEFAULT_TAG };
    } catch (error) {
      return { kind: 'unreadable', location, error: error as Error, text };
    }
  }

  private setState(state: PlanState): void {
    const previous = this._state;
    this._state = state;
    if (previous.kind !== state.kind || previous.kind !== 'missing') this._onDidChange.fire(state);
  }

  /**
   * Applies an operation to the freshest file content: re-read under the lock, compute the
   * edits, write atomically. An edit made meanwhile by the CLI or an editor is kept.
   */
  edit(operation: PlanOperation, tag?: string): Promise<void> {
    const run = () =>
      withFileLock(this.location.tasksFile, async () => {
        const text = await readText(this.location.tasksFile).catch((error: Error) => this.refuse({ kind: 'unreadable', location: this.location, error }));
        if (text === undefined) throw new PlanMissingError(this.location.tasksFile);
        this.stateTag = await readCurrentTag(this.location.stateFile);
        // The file as last read is the usual case: skip parsing it again.
        const current = this._state.kind === 'loaded' && this._state.text === text ? this._state : this.parse(text);
        if (current.kind !== 'loaded') this.refuse(current);
        const edits = operation({ plan: current.plan, tag: tag ?? this.stateTag ?? DEFAULT_TAG, now: new Date() });
        if (edits.length === 0) {
          this.setState(current);
          return;
        }
        const updated = this.parse(applyJsonEdits(text, edits));
        // An edit that breaks the JSON would be a bug here: it never reaches the disk.
        if (updated.kind !== 'loaded') throw new Error('Internal error: the edit produced invalid JSON; nothing was written.');
        verifyJsonEdits(text, edits, updated.plan.data);
        await writeFileAtomic(this.location.tasksFile, updated.text);
        this.setState(updated);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Records a plan that cannot be edited and throws the error that says why. */
  private refuse(state: Exclude<PlanState, LoadedPlan>): never {
    this.setState(state);
    throw state.kind === 'missing' ? new PlanMissingError(state.location.tasksFile) : new PlanUnreadableError(state.location.tasksFile, state.error);
  }

  /**
   * Copies tasks.json to `.taskmaster/backups/tasks-<tag>-<time>.json` before a change to `tag`
   * that replaces much of it, so the user can always get the previous plan back, and removes that
   * tag's oldest backups beyond the number to keep. Returns the new backup's path.
   */
  async backup(tag: string): Promise<string> {
    const dir = path.join(this.location.taskmasterDir, 'backups');
    await fs.mkdir(dir, { recursive: true });
    const prefix = `tasks-${tag}-`;
    let file: string;
    for (let at = Date.now(); ; at++) {
      file = path.join(dir, `${prefix}${new Date(at).toISOString().replace(/[:.]/g, '-')}.json`);
      try {
        await fs.copyFile(this.location.tasksFile, file, fsConstants.COPYFILE_EXCL);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const keep = Math.max(1, this.options.backupsToKeep?.() ?? DEFAULT_BACKUPS_TO_KEEP);
    const ofTag = (await fs.readdir(dir)).filter((name) => name.startsWith(prefix) && BACKUP_STAMP.test(name.slice(prefix.length))).sort();
    await Promise.all(ofTag.slice(0, -keep).map((name) => fs.rm(path.join(dir, name), { force: true })));
    return file;
  }

  /** The tag Task Master's `branchTagMapping` in state.json gives a git branch, if any. */
  async tagForBranch(branch: string): Promise<string | undefined> {
    const mapping = (await readJsonObject(this.location.stateFile))?.branchTagMapping;
    const tag = typeof mapping === 'object' && mapping !== null ? (mapping as Record<string, unknown>)[branch] : undefined;
    return typeof tag === 'string' && tag ? tag : undefined;
  }

  /** Switches the current tag in state.json, keeping its other fields (branch mappings and so on). */
  async setCurrentTag(tag: string): Promise<void> {
    const state = (await readJsonObject(this.location.stateFile)) ?? {};
    const updated = { ...state, currentTag: tag, lastSwitched: new Date().toISOString() };
    await fs.mkdir(path.dirname(this.location.stateFile), { recursive: true });
    await writeFileAtomic(this.location.stateFile, JSON.stringify(updated, null, 2) + '\n');
    this.stateTag = tag;
    if (this._state.kind === 'loaded') this.setState({ ...this._state, currentTag: tag });
  }

  /**
   * Follows changes made by other programs: a file-system watcher for speed, and a twice-a-second
   * check of the files' size and modification time for folders created later or watchers that
   * miss events (network drives, atomic renames).
   */
  startWatching(): void {
    if (this.poll) return;
    const dirs = new Set([path.dirname(this.location.tasksFile), this.location.taskmasterDir]);
    for (const dir of dirs) {
      try {
        this.watchers.push(watch(dir, () => this.scheduleReload()));
      } catch {
        // The folder does not exist yet; the poll below notices when it appears.
      }
    }
    this.poll = setInterval(() => void this.checkSignature(), POLL_INTERVAL_MS);
    this.poll.unref();
  }

  private async checkSignature(): Promise<void> {
    const signature = (await Promise.all([this.location.tasksFile, this.location.stateFile].map(statSignature))).join('|');
    if (signature === this.fileSignature) return;
    this.fileSignature = signature;
    this.scheduleReload();
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload().catch(() => undefined), WATCH_DEBOUNCE_MS);
  }

  dispose(): void {
    clearInterval(this.poll);
    clearTimeout(this.reloadTimer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    this._onDidChange.dispose();
  }
}

/** A file's text, undefined when it does not exist; a JsonSyntaxError when it is not UTF-8. */
async function readText(file: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return decodeUtf8(bytes);
}

/** A JSON object file (state.json), undefined when it is missing or not readable as one. */
async function readJsonObject(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await readText(file).catch((error: unknown) => {
    if (JsonSyntaxError.is(error)) return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readCurrentTag(stateFile: string): Promise<string | undefined> {
  const state = await readJsonObject(stateFile);
  // Older Task Master versions wrote `activeTag`.
  const tag = state?.currentTag || state?.activeTag;
  return typeof tag === 'string' && tag ? tag : undefined;
}

async function statSignature(file: string): Promise<string> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
}
