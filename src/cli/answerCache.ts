import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../store/atomicWrite';

/**
 * The answers of `tml list`, `show` and `next`, kept between runs in the user's cache folder, so
 * that asking again about an unchanged plan costs a stat and a small read instead of reading and
 * parsing tasks.json (16 MB at 10,000 tasks).
 *
 * An answer is trusted on the plan file's stat alone, as git trusts its index: device, inode,
 * size, and the modification and change times in nanoseconds. Every write to the file moves its
 * change time to the moment of the write (touch -d sets the modification time back, not the change
 * time; a rename brings another inode). An answer is kept only when the file's last change was
 * at least 2 s before the stat that preceded its read: a later write then lands on a later
 * clock tick, even on file systems that count time coarsely, so it cannot leave the stat as it was.
 * A plan changed within that time is read in full every time until it has settled.
 *
 * Anything wrong with the cache (missing, corrupt, another format or build, a folder that cannot
 * be written) only means the plan is read; TML_NO_CACHE=1 turns it off.
 */

const FORMAT = 1;
const RACY_NS = 2_000_000_000n;
/** Answers longer than this (`list --json` of a large plan) would cost about what reading the plan costs. */
const MAX_ANSWER_CHARS = 256 * 1024;
const MAX_ANSWERS_PER_PLAN = 16;

interface Entry {
  format: number;
  program: string;
  plan: string;
  signature: string;
  answers: Record<string, string[]>;
}

/** TML_CACHE_LOG=1 says on stderr what the cache did: how the tests see that tasks.json was not read. */
function log(event: string): void {
  if (process.env.TML_CACHE_LOG === '1') process.stderr.write(`tml cache: ${event}\n`);
}

/** $XDG_CACHE_HOME/taskmaster-local/answers, else ~/.cache/taskmaster-local/answers (a relative XDG path is ignored, as the spec asks). */
function cacheFolder(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'taskmaster-local', 'answers');
}

function signatureOf(file: string): { signature: string; lastChangeNs: bigint } {
  const stat = statSync(file, { bigint: true });
  return { signature: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`, lastChangeNs: stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs };
}

/** This build of tml: another build may print differently, so its answers are not reused. */
function programSignature(): string {
  const stat = statSync(__filename, { bigint: true });
  return `${__filename}:${stat.size}:${stat.mtimeNs}`;
}

export class AnswerCache {
  private entry: Entry | undefined;

  private constructor(
    private readonly entryFile: string,
    private readonly plan: string,
    private readonly program: string,
    private readonly signature: string,
    private readonly settled: boolean,
  ) {}

  /** The cache of a plan file as it is now: open it before reading the file. Undefined when it is off or the file cannot be stat'ed. */
  static open(planFile: string): AnswerCache | undefined {
    if (process.env.TML_NO_CACHE === '1') return undefined;
    const plan = path.resolve(planFile);
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    try {
      const { signature, lastChangeNs } = signatureOf(plan);
      const entryFile = path.join(cacheFolder(), `${createHash('sha256').update(plan).digest('hex').slice(0, 32)}.json`);
      return new AnswerCache(entryFile, plan, programSignature(), signature, lastChangeNs + RACY_NS < startedNs);
    } catch {
      return undefined;
    }
  }

  /** The lines stored for this question about the plan as it is now, if any. */
  answer(question: string): string[] | undefined {
    this.entry = this.readEntry();
    const lines = this.entry?.answers[question];
    log(lines ? 'hit' : 'miss');
    return lines;
  }

  /** Stores the lines printed for this question; does nothing for a plan changed too recently to be trusted on its stat. */
  async remember(question: string, lines: string[]): Promise<void> {
    if (!this.settled) return log('not stored: the plan changed within the last 2 s');
    if (lines.reduce((sum, line) => sum + line.length, 0) > MAX_ANSWER_CHARS) return log('not stored: answer too long');
    const answers = { ...this.entry?.answers, [question]: lines };
    const questions = Object.keys(answers);
    for (const old of questions.slice(0, Math.max(0, questions.length - MAX_ANSWERS_PER_PLAN))) delete answers[old];
    const entry: Entry = { format: FORMAT, program: this.program, plan: this.plan, signature: this.signature, answers };
    try {
      await mkdir(path.dirname(this.entryFile), { recursive: true });
      await writeFileAtomic(this.entryFile, JSON.stringify(entry));
      log('stored');
    } catch (error) {
      log(`not stored: ${(error as Error).message}`);
    }
  }

  /** The stored entry when it was made by this build for this plan in its present state. */
  private readEntry(): Entry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.entryFile, 'utf8')) as Entry;
      const valid =
        entry.format === FORMAT &&
        entry.program === this.program &&
        entry.plan === this.plan &&
        entry.signature === this.signature &&
        typeof entry.answers === 'object' &&
        entry.answers !== null &&
        Object.values(entry.answers).every((lines) => Array.isArray(lines) && lines.every((line) => typeof line === 'string'));
      return valid ? entry : undefined;
    } catch {
      return undefined;
    }
  }
}
