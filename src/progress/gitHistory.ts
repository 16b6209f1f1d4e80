import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SimpleGit, simpleGit as SimpleGitFactory } from 'simple-git';
import { countLineChanges, type LineChanges } from './lineChanges';

export interface CommitInfo {
  hash: string;
  message: string;
  author: string;
  date: string;
  /** Files the commit touched, relative to the repository's root (capped: a huge commit is summarised, not listed in full). */
  files: string[];
  filesTruncated: boolean;
}

export interface WorkingTreeStats extends LineChanges {
  files: number;
}

/** Why there is no git history to follow; progress then comes from saves alone. */
export type GitUnavailable = { reason: 'not-a-repository' | 'git-missing'; message: string };

/** A commit touching more files than this lists only the first ones: the work stays bounded. */
const MAX_FILES_PER_COMMIT = 500;
/** Field and record separators for `git log --format`: they never occur in a commit's text. */
const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * A workspace folder's git repository. Every path it takes and gives is relative to the
 * repository's root (`git rev-parse --show-toplevel`), whatever folder of it was opened: a
 * workspace folder below the root (a monorepo's package) uses the same paths as git does.
 * Every git process it starts is counted (`gitCalls`), so the bench can report git work per save.
 */
export class GitHistory {
  private calls = 0;

  private constructor(
    private readonly git: SimpleGit,
    /** The repository's root, absolute. */
    readonly root: string,
    /** The opened folder relative to the root, '' or ending in '/': 'packages/app/'. */
    readonly prefix: string,
  ) {}

  static async open(folder: string): Promise<GitHistory | GitUnavailable> {
    // Loaded when progress starts following a repository, not when the extension activates.
    const simpleGit = require('simple-git').simpleGit as typeof SimpleGitFactory;
    const git = simpleGit({ baseDir: folder, maxConcurrentProcesses: 2 });
    try {
      const [root, prefix] = (await git.revparse(['--show-toplevel', '--show-prefix'])).split('\n');
      return new GitHistory(simpleGit({ baseDir: root.trim(), maxConcurrentProcesses: 2 }), root.trim(), (prefix ?? '').trim());
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

  /** How many git processes this repository has started. */
  get gitCalls(): number {
    return this.calls;
  }

  async head(): Promise<string | undefined> {
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', 'HEAD'])).trim() || undefined;
    } catch {
      return undefined; // a repository without commits yet
    }
  }

  async branch(): Promise<string | undefined> {
    const name = (await this.run(['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => '')).trim();
    return name && name !== 'HEAD' ? name : undefined;
  }

  /** What HEAD, the local branches and the remote-tracking branches point at: the history known now. */
  async refTips(): Promise<string[]> {
    const refs = await this.run(['for-each-ref', '--format=%(objectname)', 'refs/heads', 'refs/remotes']);
    const head = await this.head();
    return [...new Set([...(head ? [head] : []), ...refs.split('\n').filter(Boolean)])];
  }

  /**
   * Commits reachable from HEAD and from none of `known`, newest first, at most `limit`. Hashes
   * in `known` the repository no longer has (a pruned branch) are ignored.
   */
  async commitsNotIn(known: readonly string[], limit: number): Promise<string[]> {
    if (!(await this.head())) return [];
    const input = ['HEAD', ...known.map((hash) => `^${hash}`)].join('\n');
    const output = (await this.runWithInput(['rev-list', `--max-count=${limit}`, '--ignore-missing', '--stdin'], `${input}\n`)).toString('utf8');
    return output.split('\n').filter(Boolean);
  }

  /** The commits named, with their messages and files, in the order given. */
  async commits(hashes: readonly string[]): Promise<CommitInfo[]> {
    if (hashes.length === 0) return [];
    const output = await this.run(['show', '--no-walk=unsorted', '--no-patch', `--format=%H${FIELD}%an${FIELD}%aI${FIELD}%B${RECORD}`, ...hashes]);
    const commits = output
      .split(RECORD)
      .map((record) => record.replace(/^\n/, ''))
      .filter(Boolean)
      .map((record) => {
        const [hash, author, date, message] = record.split(FIELD);
        return { hash, author, date, message: message.trim() };
      });
    return Promise.all(commits.map((commit) => this.withFiles(commit)));
  }

  /** A commit's change as text for a model: stat and patch, cut at `limit` characters. */
  async diffOf(hash: string, limit = 6000): Promise<string> {
    const text = await this.run(['show', '--stat', '--patch', '--format=', '--no-color', hash]);
    return text.length > limit ? `${text.slice(0, limit)}\n… (diff cut at ${limit} characters)` : text;
  }

  /**
   * Which of these files git ignores (build output, dependencies…). Neither call reads the index
   * unless a file matched an ignore rule: a save costs the same in a huge repository as in a small one.
   */
  async ignored(files: readonly string[]): Promise<Set<string>> {
    if (files.length === 0) return new Set();
    // -z: paths go in and out NUL-separated, so no name needs quoting; exit status 1 means "none".
    const output = await this.runWithInput(['check-ignore', '--no-index', '--stdin', '-z'], `${files.join('\0')}\0`, [0, 1]);
    const matched = output.toString('utf8').split('\0').filter(Boolean);
    if (matched.length === 0) return new Set();
    // A file git tracks is never ignored, whatever the rules say.
    const tracked = new Set((await this.run(['--literal-pathspecs', 'ls-files', '-z', '--', ...matched])).split('\0'));
    return new Set(matched.filter((file) => !tracked.has(file)));
  }

  /** The commit HEAD points at (its message's first line), or undefined before the first commit. */
  async lastCommit(): Promise<{ hash: string; subject: string; date: string } | undefined> {
    const head = await this.head();
    if (!head) return undefined;
    const [commit] = await this.commits([head]);
    return { hash: commit.hash, subject: commit.message.split('\n')[0], date: commit.date };
  }

  /**
   * Lines added and removed against HEAD in these files, for those that differ: their HEAD
   * versions come from one `git cat-file --batch` and are compared here, so the index (the size
   * of the repository) is never read. Files HEAD does not have are left out, as `git diff HEAD` does.
   */
  async lineChangesOf(files: readonly string[]): Promise<Map<string, LineChanges>> {
    const changes = new Map<string, LineChanges>();
    const named = files.filter((file) => !file.includes('\n'));
    if (named.length === 0) return changes;
    const output = await this.runWithInput(['cat-file', '--batch'], named.map((file) => `HEAD:${file}\n`).join(''));
    let at = 0;
    for (const file of named) {
      const headerEnd = output.indexOf(0x0a, at);
      const header = output.subarray(at, headerEnd).toString('utf8');
      at = headerEnd + 1;
      const blob = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      if (!blob) continue; // "missing": not in HEAD, or not a file there
      const before = output.subarray(at, at + Number(blob[1]));
      at += Number(blob[1]) + 1;
      const after = await fs.readFile(path.join(this.root, file)).catch(() => Buffer.alloc(0));
      const change = countLineChanges(before, after);
      if (change.insertions || change.deletions) changes.set(file, change);
    }
    return changes;
  }

  /** Lines added and removed against HEAD in every changed file of the working tree (reads the whole index). */
  async lineChanges(): Promise<Map<string, LineChanges>> {
    const changes = new Map<string, LineChanges>();
    // No HEAD yet: no change to measure.
    const output = await this.run(['diff', '--numstat', '-z', 'HEAD']).catch(() => '');
    // -z: "added\tremoved\tpath\0"; binary files show "-" for both.
    for (const entry of output.split('\0').filter(Boolean)) {
      const [added, removed, file] = entry.split('\t');
      if (file) changes.set(file, { insertions: Number(added) || 0, deletions: Number(removed) || 0 });
    }
    return changes;
  }

  /** Lines added and removed in the whole working tree against HEAD, and the files changed. */
  async workingTreeStats(): Promise<WorkingTreeStats> {
    return totalOf(await this.lineChanges());
  }

  private async withFiles(commit: Omit<CommitInfo, 'files' | 'filesTruncated'>): Promise<CommitInfo> {
    // --root lists the files of a first commit too; binary files appear like any other path.
    const output = await this.run(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit.hash]);
    const all = output.split('\n').filter(Boolean);
    return { ...commit, files: all.slice(0, MAX_FILES_PER_COMMIT), filesTruncated: all.length > MAX_FILES_PER_COMMIT };
  }

  private run(args: string[]): Promise<string> {
    this.calls++;
    return this.git.raw(args);
  }

  /** Runs git with `input` on its stdin (simple-git has no stdin), in the repository's root. */
  private runWithInput(args: string[], input: string, okCodes: readonly number[] = [0]): Promise<Buffer> {
    this.calls++;
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (okCodes.includes(code ?? -1)) resolve(Buffer.concat(out));
        else reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
      });
      child.stdin.end(input);
    });
  }
}

/** Files and lines changed in total. */
export function totalOf(changes: ReadonlyMap<string, LineChanges>): WorkingTreeStats {
  let insertions = 0;
  let deletions = 0;
  for (const change of changes.values()) {
    insertions += change.insertions;
    deletions += change.deletions;
  }
  return { files: changes.size, insertions, deletions };
}
