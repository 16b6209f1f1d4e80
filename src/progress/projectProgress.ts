import * as path from 'node:path';
import type { TagView } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import { totalOf, type CommitInfo, type GitHistory, type WorkingTreeStats } from './gitHistory';
import type { LineChanges } from './lineChanges';
import { ProgressTracker, type Suggestion } from './progressTracker';

/** Commits read at once (after a pull or rebase of many): older unseen ones are skipped, not offered. */
const MAX_NEW_COMMITS = 200;
/** Paths that are never progress, even where git does not ignore them. */
const NEVER_PROGRESS = /(^|\/)(\.git|node_modules|dist|out|build)\//;

/** What saves are recorded against: the tag shown, and the task being worked on. */
export interface SaveContext {
  tag: TagView;
  activeTaskId?: string;
}

/**
 * One project's progress from its saves and its git repository (if it has one), with git work
 * bounded by what changed, not by the repository's size:
 * - saves are queued and recorded in batches: one `git check-ignore` for the whole batch, and one
 *   `git cat-file` of only the saved files' HEAD versions for the uncommitted change;
 * - commits are read only when HEAD moved: those reachable from HEAD that this project has never
 *   seen (by hash, in the ledger), excluding what the repository held when first watched, so a
 *   commit is offered once whenever it appears and installing on an old repository asks nothing.
 * Paths are relative to the repository's root, as git gives them.
 */
export class ProjectProgress {
  private readonly tracker: ProgressTracker;
  /** Saves not yet recorded: root-relative path → time of the first save in the batch. */
  private readonly pending = new Map<string, number>();
  /** The uncommitted change per file, as far as saves and commits have shown it. */
  private changes = new Map<string, LineChanges>();
  private lastHead: string | undefined;

  private constructor(
    private readonly ledger: ActivityLedger,
    /** The project's root, absolute. */
    readonly folder: string,
    readonly git: GitHistory | undefined,
    private readonly baseline: readonly string[],
  ) {
    this.tracker = new ProgressTracker(ledger, folder, git?.prefix ?? '');
  }

  /** Follows a project; the first time its repository is watched, the history it holds becomes the baseline. */
  static async open(ledger: ActivityLedger, folder: string, git: GitHistory | undefined): Promise<ProjectProgress> {
    if (!git) return new ProjectProgress(ledger, folder, undefined, []);
    if (!ledger.commitBaseline(folder)) ledger.setCommitBaseline(folder, await git.refTips());
    return new ProjectProgress(ledger, folder, git, ledger.commitBaseline(folder) ?? []);
  }

  /** Queues a save of `file` (absolute, in the project's folder); false when it is never progress. */
  queueSave(file: string, at = Date.now()): boolean {
    const relative = path.relative(this.folder, file).split(path.sep).join('/');
    if (relative.startsWith('../') || path.isAbsolute(relative)) return false;
    const inRepository = `${this.git?.prefix ?? ''}${relative}`;
    if (NEVER_PROGRESS.test(inRepository)) return false;
    // A burst of saves of one file counts once.
    if (!this.pending.has(inRepository)) this.pending.set(inRepository, at);
    return true;
  }

  /** Records the queued saves that git does not ignore; the files recorded. */
  async flushSaves(context: SaveContext | undefined): Promise<string[]> {
    const saves = [...this.pending];
    this.pending.clear();
    if (saves.length === 0 || !context) return [];
    const ignored = this.git ? await this.git.ignored(saves.map(([file]) => file)) : new Set<string>();
    const counted = saves.filter(([file]) => !ignored.has(file));
    for (const [file, at] of counted) this.tracker.recordSave(file, context.tag, context.activeTaskId, at);
    if (this.git && counted.length > 0) {
      const files = counted.map(([file]) => file);
      const changed = await this.git.lineChangesOf(files);
      for (const file of files) {
        const change = changed.get(file);
        if (change) this.changes.set(file, change);
        else this.changes.delete(file);
      }
    }
    return counted.map(([file]) => file);
  }

  /** The uncommitted change as saves and the last commit have shown it. */
  get workingTree(): WorkingTreeStats {
    return totalOf(this.changes);
  }

  /** Commits this project has not seen, oldest first, now marked seen; no git log while HEAD stays. */
  async newCommits(): Promise<CommitInfo[]> {
    if (!this.git) return [];
    const head = await this.git.head();
    if (!head || head === this.lastHead) return [];
    // Everything reachable from the HEAD read last time has been read.
    const known = this.lastHead ? [...this.baseline, this.lastHead] : this.baseline;
    this.lastHead = head;
    const unseen = this.ledger.unseenCommits(this.folder, await this.git.commitsNotIn(known, MAX_NEW_COMMITS));
    this.ledger.markCommitsSeen(this.folder, unseen);
    // HEAD moved: the uncommitted change is measured afresh, once per commit rather than per save.
    this.changes = await this.git.lineChanges();
    return this.git.commits(unseen.reverse());
  }

  /** Records commits against the tag's tasks; the completions their messages claim. */
  recordCommits(commits: CommitInfo[], tag: TagView): Suggestion[] {
    return this.tracker.recordCommits(commits, tag);
  }
}
