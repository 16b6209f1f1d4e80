import { simpleGit, type SimpleGit } from 'simple-git';

export interface CommitInfo {
  hash: string;
  message: string;
  author: string;
  date: string;
  /** Files the commit touched (capped: a huge commit is summarised, not listed in full). */
  files: string[];
  filesTruncated: boolean;
}

/** Why there is no git history to follow; progress then comes from saves alone. */
export type GitUnavailable = { reason: 'not-a-repository' | 'git-missing'; message: string };

/** A commit touching more files than this lists only the first ones: the work stays bounded. */
const MAX_FILES_PER_COMMIT = 500;
/** New commits read at once (after a rebase or a pull of many commits). */
const MAX_NEW_COMMITS = 200;

/**
 * A workspace folder's git repository, read through simple-git: new commits since the last one
 * seen (robust to rebase, amend and force-push: commits already seen are skipped by hash, not by
 * position), the current branch (undefined when HEAD is detached) and working-tree diff stats.
 */
export class GitHistory {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly git: SimpleGit,
    readonly root: string,
  ) {}

  static async open(folder: string): Promise<GitHistory | GitUnavailable> {
    const git = simpleGit({ baseDir: folder, maxConcurrentProcesses: 2 });
    try {
      const root = (await git.revparse(['--show-toplevel'])).trim();
      return new GitHistory(simpleGit({ baseDir: root, maxConcurrentProcesses: 2 }), root);
    } catch (error) {
      const message = String((error as Error).message);
      return /ENOENT|spawn git/i.test(message)
        ? { reason: 'git-missing', message: 'git is not installed (or not on PATH): progress is followed from file saves only.' }
        : { reason: 'not-a-repository', message: `${folder} is not a git repository: progress is followed from file saves only.` };
    }
  }

  static isAvailable(value: GitHistory | GitUnavailable): value is GitHistory {
    return value instanceof GitHistory;
  }

  async head(): Promise<string | undefined> {
    try {
      return (await this.git.revparse(['HEAD'])).trim();
    } catch {
      return undefined; // a repository without commits yet
    }
  }

  async branch(): Promise<string | undefined> {
    const name = (await this.git.revparse(['--abbrev-ref', 'HEAD']).catch(() => '')).trim();
    return name && name !== 'HEAD' ? name : undefined;
  }

  /** Marks the current history as seen, so only commits made from now on count as new. */
  async markAllSeen(): Promise<void> {
    for (const commit of await this.log(MAX_NEW_COMMITS)) this.seen.add(commit.hash);
  }

  /** Commits reachable from HEAD not seen before, oldest first. */
  async newCommits(): Promise<CommitInfo[]> {
    const fresh = (await this.log(MAX_NEW_COMMITS)).filter((commit) => !this.seen.has(commit.hash));
    for (const commit of fresh) this.seen.add(commit.hash);
    return Promise.all(fresh.reverse().map((commit) => this.withFiles(commit)));
  }

  /** A commit's change as text for a model: stat and patch, cut at `limit` characters. */
  async diffOf(hash: string, limit = 6000): Promise<string> {
    const text = await this.git.raw(['show', '--stat', '--patch', '--format=', '--no-color', hash]);
    return text.length > limit ? `${text.slice(0, limit)}\n… (diff cut at ${limit} characters)` : text;
  }

  /** Whether git ignores a file (build output, dependencies…): such saves are not progress. */
  async isIgnored(file: string): Promise<boolean> {
    return (await this.git.checkIgnore([file]).catch(() => [])).length > 0;
  }

  /** The commit HEAD points at (its message's first line), or undefined before the first commit. */
  async lastCommit(): Promise<{ hash: string; subject: string; date: string } | undefined> {
    const [commit] = await this.log(1);
    return commit && { hash: commit.hash, subject: commit.message.split('\n')[0], date: commit.date };
  }

  /** Lines added and removed in the working tree against HEAD, and the files changed. */
  async workingTreeStats(): Promise<{ files: number; insertions: number; deletions: number }> {
    const summary = await this.git.diffSummary(['HEAD']).catch(() => undefined);
    return { files: summary?.changed ?? 0, insertions: summary?.insertions ?? 0, deletions: summary?.deletions ?? 0 };
  }

  private async log(limit: number): Promise<Array<Omit<CommitInfo, 'files' | 'filesTruncated'>>> {
    if (!(await this.head())) return [];
    const log = await this.git.log({ maxCount: limit });
    return log.all.map((entry) => ({ hash: entry.hash, message: [entry.message, entry.body.trim()].filter(Boolean).join('\n\n'), author: entry.author_name, date: entry.date }));
  }

  private async withFiles(commit: Omit<CommitInfo, 'files' | 'filesTruncated'>): Promise<CommitInfo> {
    // --root lists the files of a first commit too; binary files appear like any other path.
    const output = await this.git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit.hash]);
    const all = output.split('\n').filter(Boolean);
    return { ...commit, files: all.slice(0, MAX_FILES_PER_COMMIT), filesTruncated: all.length > MAX_FILES_PER_COMMIT };
  }
}
