import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Task Master's writers read tasks.json outside their lock and write a whole tag back under it,
 * so a task-master process that read the file before one of our writes can undo it. These are the
 * processes that can: found by their command line, on Linux through /proc, elsewhere through ps.
 */
export interface TaskMasterProcess {
  pid: number;
  /** When it started, in the clock `processClock()` reads (seconds). */
  startedAt: number;
  command: string;
  /** An MCP server: it lives on and writes whenever a tool is called. */
  server: boolean;
}

/** Seconds on the clock process start times are measured in: time since boot on Linux, epoch time elsewhere. */
export async function processClock(): Promise<number> {
  if (process.platform === 'linux') {
    const uptime = await fs.readFile('/proc/uptime', 'utf8').catch(() => undefined);
    if (uptime) return Number(uptime.split(' ')[0]);
  }
  return Date.now() / 1000;
}

/** How precisely `startedAt` is known (ps prints elapsed time in whole seconds). */
export function startPrecision(): number {
  return process.platform === 'linux' ? 0.02 : 1;
}

/** The script names task-master-ai installs (its CLI and MCP server bins, and the files behind them). */
const CLI_NAMES = new Set(['task-master', 'task-master.js', 'dev.js']);
const SERVER_NAMES = new Set(['task-master-ai', 'task-master-mcp', 'mcp-server.js', 'server.js']);

/**
 * Whether a command line runs task-master, and as what: its program, or the script node runs, is
 * one of task-master-ai's bins or the files behind them. So `tml`, `grep task-master` or an editor
 * opening a file of that name do not count. (`npx task-master-ai` starts a node child that does.)
 */
export function classifyCommand(argv: string[]): 'cli' | 'server' | undefined {
  const program = argv[0] ?? '';
  const entry = /^node(\.exe)?$|^nodejs$/.test(path.basename(program)) ? argv.slice(1).find((arg) => !arg.startsWith('-')) : program;
  if (!entry) return undefined;
  const base = path.basename(entry);
  const inPackage = entry.includes(`task-master-ai${path.sep}`) || entry.includes('task-master-ai/');
  if (CLI_NAMES.has(base) && (base === 'task-master' || inPackage)) return 'cli';
  if (SERVER_NAMES.has(base) && (base.startsWith('task-master') || inPackage)) return 'server';
  return undefined;
}

/**
 * task-master processes that may write `projectRoot`'s plan: a CLI run whose working folder or
 * arguments lie inside the project, and any MCP server (its project comes with each call).
 */
export async function taskMasterProcesses(projectRoot: string): Promise<TaskMasterProcess[]> {
  const root = path.resolve(projectRoot);
  const candidates = process.platform === 'linux' ? await fromProc() : process.platform === 'win32' ? [] : await fromPs();
  return candidates
    .filter((candidate) => candidate.pid !== process.pid && (candidate.server || candidate.paths === undefined || candidate.paths.some((place) => isInside(place, root))))
    .map(({ pid, startedAt, command, server }) => ({ pid, startedAt, command, server }));
}

interface Candidate extends TaskMasterProcess {
  /** Its working folder and the path-like arguments it was given; undefined when its project cannot be told. */
  paths: string[] | undefined;
}

function isInside(place: string, root: string): boolean {
  const relative = path.relative(root, place);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function argumentPaths(argv: string[], cwd: string): string[] {
  const values = argv.slice(1).flatMap((arg) => (arg.includes('=') ? [arg.slice(arg.indexOf('=') + 1)] : [arg]));
  const absolute = values.filter((value) => path.isAbsolute(value));
  const relative = values.filter((value) => value.includes(path.sep) && !path.isAbsolute(value)).map((value) => path.resolve(cwd, value));
  return [cwd, ...absolute, ...relative];
}

async function fromProc(): Promise<Candidate[]> {
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(pids.map(async (pid) => {
    const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    const kind = classifyCommand(argv);
    if (!kind) return undefined;
    const [stat, cwd] = await Promise.all([fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''), fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined)]);
    // Field 22 (starttime, in clock ticks since boot) follows the command name in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    if (!Number.isFinite(ticks)) return undefined;
    // Without a readable working folder its project is unknown: it counts, waiting is the safe side.
    const paths = cwd === undefined ? undefined : argumentPaths(argv, cwd);
    return { pid: Number(pid), startedAt: ticks / 100, command: argv.join(' '), server: kind === 'server', paths };
  }));
  return found.filter((candidate): candidate is Candidate => candidate !== undefined);
}

async function fromPs(): Promise<Candidate[]> {
  const output = await new Promise<string>((resolve) => execFile('ps', ['-axo', 'pid=,etime=,command='], (error, stdout) => resolve(error ? '' : stdout)));
  const now = Date.now() / 1000;
  const found: Candidate[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const argv = match[3].split(/\s+/);
    const kind = classifyCommand(argv);
    // ps gives no working folder: a task-master process anywhere counts.
    if (kind) found.push({ pid: Number(match[1]), startedAt: now - elapsedSeconds(match[2]), command: match[3], server: kind === 'server', paths: undefined });
  }
  return found;
}

/** ps's elapsed time, `[[dd-]hh:]mm:ss`, in seconds. */
function elapsedSeconds(etime: string): number {
  const [days, clock] = etime.includes('-') ? etime.split('-') : ['0', etime];
  return Number(days) * 86_400 + clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/** Whether a process is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
