import { constants as fsConstants, promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { Emitter } from '../core/event';
import type { PlanOperation } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { writeFileAtomic } from './atomicWrite';
import { backupsDir, DEFAULT_BACKUPS_TO_KEEP, saveBackup } from './planBackups';
import { applyOperation } from './planEdit';
import type { PlanStore } from './planStore';
import { withFileLock } from './fileLock';
import { decodeUtf8 } from './jsonText';
import type { PlanLocation } from './planLocation';
import {
  loadedOrThrow,
  parsePlanBytes,
  parsePlanText,
  planFingerprint,
  PlanMissingError,
  PlanUnreadableError,
  readBytes,
  readCurrentTag,
  readFrom,
  readJsonFile,
  readJsonObject,
  readPlanFiles,
  type LoadedPlan,
  type PlanState,
} from './planReader';
import { changedEntries, describeEntry, revertedEntries, type ChangedEntry } from './staleOverwrite';
import { isRunning, processClock, startPrecision, taskMasterProcesses, type TaskMasterProcess } from './taskMasterProcesses';

export interface TaskStoreOptions {
  /** How many backups of each tag `.taskmaster/backups/` keeps (read at each backup; at least 1). */
  backupsToKeep?: () => number;
}

/** A change of ours that a task-master write made from an older read undid, and what became of it. */
export interface UndoneChange {
  /** "task 3 in "master"", … */
  entries: string[];
  writers: TaskMasterProcess[];
  /** Set when applying the change again failed (the plan no longer allows it). */
  error?: Error;
}

export function describeWriters(writers: TaskMasterProcess[]): string {
  return writers.map((writer) => `task-master (pid ${writer.pid}: ${writer.command})`).join(', ') || 'task-master';
}

/** What happened, for a notification or a log line. */
export function describeUndoneChange(undone: UndoneChange): string {
  const what = `${describeWriters(undone.writers)} wrote tasks.json from a read made before a change of ours and undid it (${undone.entries.join(', ')})`;
  return undone.error ? `${what}; applying the change again failed: ${undone.error.message}` : `${what}; the change has been applied again.`;
}

/** How long after a write an MCP server, which never exits, may still write from an older read. */
const SERVER_WATCH_MS = 60_000;
const GUARD_POLL_MS = 100;
/** Applying a change again is itself guarded; this bounds a writer that keeps undoing it. */
const MAX_REAPPLY = 3;

/** How often the file's identity is checked, as a safety net under the file-system watcher. */
const POLL_INTERVAL_MS = 500;
const WATCH_DEBOUNCE_MS = 50;

/**
 * The one owner of a project's tasks.json: reads it, applies operations to the freshest content
 * under a lock, writes atomically, and reports changes from any source.
 */
export class TaskStore implements PlanStore {
  readonly kind = 'file';
  private _state: PlanState;
  private readonly _onDidChange = new Emitter<PlanState>();
  readonly onDidChange = this._onDidChange.event;
  private queue: Promise<unknown> = Promise.resolve();
  private stateTag: string | undefined;
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /**
   * The burst of file events under way: its first, tentative read (resolving to whether it took
   * the file), and whether an event came after that read began.
   */
  private burst: { read?: Promise<boolean>; later: boolean } | undefined;
  /** The files' stat signature as of the last read (taken before it), for the poll. */
  private fileSignature = '';
  private readonly guards = new Set<Promise<void>>();
  private readonly guardedWriters = new Map<number, TaskMasterProcess>();
  private disposed = false;
  private readonly _onDidUndoneChange = new Emitter<UndoneChange>();
  /** Fires when a task-master write from an older read undid a change of ours; it has been applied again (or `error` says why not). */
  readonly onDidUndoneChange = this._onDidUndoneChange.event;

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
  reload(): Promise<PlanState> {
    return this.read(false).then(({ state }) => state);
  }

  /**
   * Reads both files in the edits' queue, so a read never overtakes an edit (nor an older read a
   * newer one). A `tentative` read, made at a burst's first event, takes only a plan that parses: a
   * file caught half-written is left to the read that follows the burst (`taken` is false).
   */
  private read(tentative: boolean): Promise<{ state: PlanState; taken: boolean }> {
    const run = async (): Promise<{ state: PlanState; taken: boolean }> => {
      // Taken before the bytes: a change while they are read then differs from it, and the poll sees it.
      const signature = await this.signature();
      let bytes: Buffer | undefined;
      let stateTag: string | undefined;
      let stateUnreadable: boolean;
      try {
        ({ bytes, currentTag: stateTag, stateUnreadable } = await readPlanFiles(this.location));
      } catch (error) {
        if (tentative) return { state: this._state, taken: false };
        this.setState({ kind: 'unreadable', location: this.location, error: error as Error });
        return { state: this._state, taken: true };
      }
      const previous = this._state;
      const fingerprint = bytes && planFingerprint(bytes);
      if (!(fingerprint !== undefined && readFrom(previous, fingerprint) && stateTag === this.stateTag)) {
        const state = parsePlanBytes(this.location, bytes, stateTag, fingerprint);
        // state.json too may be caught half-written (task-master writes it in place): its tag would read as master.
        if (tentative && (state.kind !== 'loaded' || stateUnreadable)) return { state: previous, taken: false };
        this.stateTag = stateTag;
        this.setState(state);
      }
      this.fileSignature = signature;
      return { state: this._state, taken: true };
    };
    return this.enqueue(run);
  }

  /** Runs `work` after every edit, read and state.json write queued before it. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Reloads and returns the plan; throws PlanMissingError or PlanUnreadableError when there is none to use. */
  async load(): Promise<LoadedPlan> {
    return loadedOrThrow(await this.reload());
  }

  async loadedText(): Promise<string | undefined> {
    const state = this._state;
    if (state.kind !== 'loaded') return undefined;
    const bytes = await readBytes(this.location.tasksFile).catch(() => undefined);
    return bytes && readFrom(state, planFingerprint(bytes)) ? decodeUtf8(bytes) : undefined;
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
    return this.apply(operation, tag, 0);
  }

  private apply(operation: PlanOperation, tag: string | undefined, reapplied: number): Promise<void> {
    let written: { tag: string; changes: ChangedEntry[]; writers: TaskMasterProcess[] } | undefined;
    const run = () =>
      withFileLock(this.location.tasksFile, async () => {
        const bytes = await readBytes(this.location.tasksFile).catch((error: Error) => this.refuse({ kind: 'unreadable', location: this.location, error }));
        if (bytes === undefined) throw new PlanMissingError(this.location.tasksFile);
        this.stateTag = await readCurrentTag(this.location.stateFile);
        const fingerprint = planFingerprint(bytes);
        let text: string;
        try {
          text = decodeUtf8(bytes);
        } catch (error) {
          this.refuse({ kind: 'unreadable', location: this.location, error: error as Error, fingerprint });
        }
        // The file as last read is the usual case: skip parsing it again.
        const current = this._state.kind === 'loaded' && readFrom(this._state, fingerprint) ? this._state : parsePlanText(this.location, text, fingerprint, this.stateTag);
        if (current.kind !== 'loaded') this.refuse(current);
        const editTag = tag ?? this.stateTag ?? DEFAULT_TAG;
        const updated = applyOperation(current, text, operation, editTag);
        if (!updated) {
          this.setState(current);
          return;
        }
        await writeFileAtomic(this.location.tasksFile, updated.bytes);
        // Listed while the lock is still held: a task-master process that read before this write
        // cannot have written yet (its write takes the lock), so it is still running here. What
        // changed is worked out only when there is one to watch (at 10,000 tasks it costs more
        // than the rest of the edit).
        const writers = await possibleStaleWriters(this.location.root);
        const changes = writers.length > 0 ? changedEntries(current.plan, updated.state.plan) : [];
        if (changes.length > 0) written = { tag: editTag, changes, writers };
        this.setState(updated.state);
      });
    return this.enqueue(run).then(() => {
      if (written && written.writers.length > 0) this.track(this.guard(operation, written.tag, written.changes, written.writers, reapplied));
    });
  }

  /**
   * Replaces the whole file with `bytes` (a plan that parses) under the same lock and queue as every
   * edit, if `precondition` accepts the file's current bytes (it throws to refuse). A file that does
   * not parse is never overwritten.
   */
  replace(bytes: Uint8Array, precondition: (current: Buffer) => void): Promise<LoadedPlan> {
    const run = () =>
      withFileLock(this.location.tasksFile, async () => {
        const current = await fs.readFile(this.location.tasksFile).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'ENOENT' ? new PlanMissingError(this.location.tasksFile) : error;
        });
        precondition(current);
        this.stateTag = await readCurrentTag(this.location.stateFile);
        const existing = parsePlanBytes(this.location, current, this.stateTag);
        if (existing.kind !== 'loaded') this.refuse(existing);
        const updated = loadedOrThrow(parsePlanBytes(this.location, bytes, this.stateTag));
        await writeFileAtomic(this.location.tasksFile, bytes);
        this.setState(updated);
        return updated;
      });
    return this.enqueue(run);
  }

  private track(guard: Promise<void>): void {
    this.guards.add(guard);
    void guard.finally(() => this.guards.delete(guard));
  }

  /**
   * Watches a write of ours while a task-master process that may have read the file before it is
   * still running (until it exits; an MCP server for a minute). If the file then holds what we
   * changed exactly as it was before, that process wrote from its older read: the change is
   * applied again to the file as it is now.
   */
  private async guard(operation: PlanOperation, tag: string, changes: ChangedEntry[], writers: TaskMasterProcess[], reapplied: number): Promise<void> {
    for (const writer of writers) this.guardedWriters.set(writer.pid, writer);
    const serverDeadline = Date.now() + SERVER_WATCH_MS;
    const watching = () => writers.some((writer) => (writer.server ? Date.now() < serverDeadline : isRunning(writer.pid)));
    let signature = await statSignature(this.location.tasksFile);
    let checked: string | undefined;
    try {
      for (;;) {
        const running = watching();
        const now = await statSignature(this.location.tasksFile);
        // A final look once the writers are gone, whatever the file's stat says (two writes can share one).
        if (now !== signature || !running) {
          signature = now;
          const bytes = await readBytes(this.location.tasksFile).catch(() => undefined);
          const fingerprint = bytes && planFingerprint(bytes);
          if (bytes !== undefined && fingerprint !== checked) {
            checked = fingerprint;
            const state = parsePlanBytes(this.location, bytes, this.stateTag, fingerprint);
            const undone = state.kind === 'loaded' ? revertedEntries(changes, state.plan) : [];
            if (undone.length > 0) {
              await this.reapply(operation, tag, undone, writers, reapplied);
              return;
            }
          }
        }
        if (!running || this.disposed) return;
        await new Promise((resolve) => setTimeout(resolve, GUARD_POLL_MS));
      }
    } finally {
      for (const writer of writers) if (!isRunning(writer.pid)) this.guardedWriters.delete(writer.pid);
    }
  }

  private async reapply(operation: PlanOperation, tag: string, undone: ChangedEntry[], writers: TaskMasterProcess[], reapplied: number): Promise<void> {
    const entries = undone.map(describeEntry);
    if (reapplied >= MAX_REAPPLY) {
      const error = new Error(`task-master undid this change ${MAX_REAPPLY + 1} times in a row; it was not applied again. Make it once task-master has finished.`);
      this._onDidUndoneChange.fire({ entries, writers, error });
      return;
    }
    try {
      await this.apply(operation, tag, reapplied + 1);
      this._onDidUndoneChange.fire({ entries, writers });
    } catch (error) {
      this._onDidUndoneChange.fire({ entries, writers, error: error as Error });
    }
  }

  /**
   * Resolves once no write of ours can still be undone by a task-master process that read the file
   * before it (a CLI about to exit waits here). `onWait` hears which processes it waits for, once,
   * if that takes more than a moment.
   */
  async settled(onWait?: (writers: TaskMasterProcess[]) => void): Promise<void> {
    const notice = setTimeout(() => onWait?.([...this.guardedWriters.values()]), 1_000);
    try {
      while (this.guards.size > 0) await Promise.all([...this.guards]);
    } finally {
      clearTimeout(notice);
    }
  }

  /** Records a plan that cannot be edited and throws the error that says why. */
  private refuse(state: Exclude<PlanState, LoadedPlan>): never {
    this.setState(state);
    throw state.kind === 'missing' ? new PlanMissingError(state.location.tasksFile) : new PlanUnreadableError(state.location.tasksFile, state.error, state.text);
  }

  /**
   * Copies tasks.json to `.taskmaster/backups/tasks-<tag>-<time>.json` before a change to `tag`
   * that replaces much of it, so the user can always get the previous plan back, and removes that
   * tag's oldest backups beyond the number to keep. Returns the new backup's path.
   */
  backup(tag: string): Promise<string> {
    const keep = this.options.backupsToKeep?.() ?? DEFAULT_BACKUPS_TO_KEEP;
    return saveBackup(backupsDir(this.location.taskmasterDir), tag, keep, (file) => fs.copyFile(this.location.tasksFile, file, fsConstants.COPYFILE_EXCL));
  }

  /** The tag Task Master's `branchTagMapping` in state.json gives a git branch, if any. */
  async tagForBranch(branch: string): Promise<string | undefined> {
    const mapping = (await readJsonObject(this.location.stateFile))?.branchTagMapping;
    const tag = typeof mapping === 'object' && mapping !== null ? (mapping as Record<string, unknown>)[branch] : undefined;
    return typeof tag === 'string' && tag ? tag : undefined;
  }

  /** Switches the current tag in state.json, keeping its other fields (branch mappings and so on). */
  setCurrentTag(tag: string): Promise<void> {
    // Queued: a read of the old state.json must not land after this.
    return this.enqueue(async () => {
      await this.updateStateFile((state) => ({ ...state, currentTag: tag, lastSwitched: new Date().toISOString() }));
      this.stateTag = tag;
      if (this._state.kind === 'loaded') this.setState({ ...this._state, currentTag: tag });
    });
  }

  /** Maps a git branch to a tag in state.json's `branchTagMapping`, keeping its other fields. */
  mapBranchToTag(branch: string, tag: string): Promise<void> {
    return this.enqueue(() =>
      this.updateStateFile((state) => {
        const mapping = state.branchTagMapping;
        return { ...state, branchTagMapping: { ...(typeof mapping === 'object' && mapping !== null ? mapping : {}), [branch]: tag } };
      }),
    );
  }

  /** Rewrites state.json with `change` applied; one that does not parse is not replaced (its other fields would be lost). */
  private async updateStateFile(change: (state: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    const state = await readJsonFile(this.location.stateFile);
    if (state === null) throw new Error(`${this.location.stateFile} is not a JSON object, so it was left as it is. Fix or delete it, then try again.`);
    const updated = change(state ?? {});
    await fs.mkdir(path.dirname(this.location.stateFile), { recursive: true });
    await writeFileAtomic(this.location.stateFile, JSON.stringify(updated, null, 2) + '\n');
  }

  /**
   * Follows changes made by other programs: a file-system watcher for speed, and a twice-a-second
   * check of the files' size and modification time for folders created later or watchers that
   * miss events (network drives, atomic renames).
   */
  startWatching(): void {
    if (this.poll) return;
    const dirs = new Set([path.dirname(this.location.tasksFile), this.location.taskmasterDir]);
    const planFileNames = new Set([path.basename(this.location.tasksFile), path.basename(this.location.stateFile)]);
    for (const dir of dirs) {
      try {
        this.watchers.push(watch(dir, (_event, name) => this.scheduleReload(name === null || planFileNames.has(name))));
      } catch {
        // The folder does not exist yet; the poll below notices when it appears.
      }
    }
    this.poll = setInterval(() => void this.checkSignature(), POLL_INTERVAL_MS);
    this.poll.unref();
  }

  private async checkSignature(): Promise<void> {
    const signature = await this.signature();
    if (signature === this.fileSignature) return;
    this.fileSignature = signature;
    this.scheduleReload(true);
  }

  private async signature(): Promise<string> {
    return (await Promise.all([this.location.tasksFile, this.location.stateFile].map(statSignature))).join('|');
  }

  /**
   * The first change to tasks.json or state.json in a burst of events is read at once, tentatively
   * (an atomic writer's temp file and a lock's folder come and go beside them: their events do not
   * count). Once the burst has been quiet for WATCH_DEBOUNCE_MS the files are read again, unless that
   * first read took them and neither changed after it began (an atomic write: one rename), so one
   * read is all such a write costs.
   */
  private scheduleReload(planFileChanged: boolean): void {
    const burst = (this.burst ??= { later: false });
    if (burst.read) burst.later ||= planFileChanged;
    else if (planFileChanged) burst.read = this.read(true).then(({ taken }) => taken, () => false);
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.settleBurst(), WATCH_DEBOUNCE_MS);
  }

  private async settleBurst(): Promise<void> {
    const burst = this.burst;
    this.burst = undefined;
    if (burst?.read && !burst.later && (await burst.read)) return;
    await this.reload().catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.poll);
    clearTimeout(this.reloadTimer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    this._onDidChange.dispose();
    this._onDidUndoneChange.dispose();
  }
}

/** task-master processes of the project that started before now, so may have read the file before a write just made. */
async function possibleStaleWriters(root: string): Promise<TaskMasterProcess[]> {
  const now = await processClock();
  return (await taskMasterProcesses(root)).filter((writer) => writer.startedAt <= now + startPrecision());
}

async function statSignature(file: string): Promise<string> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
}
