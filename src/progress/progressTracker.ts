import { allTasks, type TagView } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import { attributeCommit } from './commitAttribution';
import type { CommitInfo } from './gitHistory';

/** Something the plan should probably say now; the user decides. */
export interface Suggestion {
  kind: 'commit-completes' | 'subtasks-done';
  tag: string;
  taskId: string;
  message: string;
}

/**
 * Turns one project's commits and saves into ledger events and suggestions. Never changes a status
 * itself: a suggestion waits for the user's click (or the setting that lets commit keywords decide).
 */
export class ProgressTracker {
  constructor(
    private readonly ledger: ActivityLedger,
    /** The project's root: its events carry it, so projects of one workspace keep apart. */
    private readonly folder: string,
    /** The project's folder relative to the repository's root ('' or 'packages/app/'). */
    private readonly prefix = '',
  ) {}

  /**
   * The names a task's text may use for these repository paths: the path itself, and for a file
   * in the project's folder below the root, also its path from that folder.
   */
  private namesOf(files: readonly string[]): string[] {
    if (!this.prefix) return [...files];
    return [...files, ...files.filter((file) => file.startsWith(this.prefix)).map((file) => file.slice(this.prefix.length))];
  }

  /** Records each commit against the tasks it belongs to; returns the completions it claims. */
  recordCommits(commits: CommitInfo[], tag: TagView): Suggestion[] {
    const suggestions: Suggestion[] = [];
    for (const commit of commits) {
      const short = commit.hash.slice(0, 7);
      for (const attribution of attributeCommit(commit.message, this.namesOf(commit.files), tag)) {
        this.ledger.append({
          kind: 'commit',
          tag: tag.name,
          taskId: attribution.taskId,
          folder: this.folder,
          source: 'git',
          at: commit.date,
          key: `commit:${this.folder}:${commit.hash}:${tag.name}:${attribution.taskId}`,
          data: { sha: commit.hash, message: commit.message.split('\n')[0], files: commit.files.length, by: attribution.by },
        });
        const task = tag.byId.get(attribution.taskId);
        if (attribution.completes && task && task.status !== 'done' && task.status !== 'cancelled') {
          suggestions.push({ kind: 'commit-completes', tag: tag.name, taskId: task.id, message: `Commit ${short} says it completes ${task.id} "${task.title}". Mark it done?` });
        }
      }
    }
    return suggestions;
  }

  /** Records a save (a path from the repository's root) against the active task and tasks that name the file. */
  recordSave(file: string, tag: TagView, activeTaskId: string | undefined, at = Date.now()): string[] {
    const taskIds = new Set<string>();
    if (activeTaskId && tag.byId.has(activeTaskId)) taskIds.add(activeTaskId);
    for (const attribution of attributeCommit('', this.namesOf([file]), tag)) taskIds.add(attribution.taskId);
    for (const taskId of taskIds) {
      this.ledger.append({ kind: 'save', tag: tag.name, taskId, folder: this.folder, source: 'editor', at, data: { file, reason: taskId === activeTaskId ? 'active task' : 'named in the task' } });
    }
    return [...taskIds];
  }
}

/** Parents whose subtasks are all done while they are not: each is proposed for done. */
export function parentsReadyToClose(tag: TagView): Suggestion[] {
  const suggestions: Suggestion[] = [];
  for (const task of allTasks(tag)) {
    if (task.subtasks.length === 0 || task.status === 'done' || task.status === 'cancelled') continue;
    if (task.subtasks.every((sub) => sub.status === 'done' || sub.status === 'cancelled')) {
      suggestions.push({ kind: 'subtasks-done', tag: tag.name, taskId: task.id, message: `All subtasks of ${task.id} "${task.title}" are done. Mark it done?` });
    }
  }
  return suggestions;
}
