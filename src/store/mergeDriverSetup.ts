import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from './atomicWrite';
import type { PlanLocation } from './planLocation';

/** The driver's name in `.gitattributes` (`merge=taskmaster-local`) and in git config (`merge.taskmaster-local.*`). */
export const MERGE_DRIVER = 'taskmaster-local';
const DRIVER_DESCRIPTION = 'Taskmaster Local: tasks.json merged by tag and task id';

export class NotAGitRepositoryError extends Error {
  constructor(readonly folder: string) {
    super(`${folder} is not in a git repository: there is nothing to install a merge driver into. Run git init first.`);
    this.name = 'NotAGitRepositoryError';
  }

  static is(error: unknown): error is NotAGitRepositoryError {
    return error instanceof NotAGitRepositoryError;
  }
}

export interface MergeDriverSetup {
  attributesFile: string;
  /** False when the entry was already there. */
  attributesAdded: boolean;
  /** False when git config already named this driver command. */
  configChanged: boolean;
  driver: string;
}

/**
 * The shell command git runs for a merge (it runs drivers through the shell, from the repository's
 * top folder): the program by absolute path, each word quoted, then git's placeholders for the
 * base, ours (where the result goes), theirs and the file's path.
 */
export function mergeDriverCommand(program: readonly string[], env: Record<string, string> = {}): string {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  return [...assignments, ...program.map(quote), 'merge-driver', '%O', '%A', '%B', '%P'].join(' ');
}

/**
 * Makes git merge the project's tasks.json with `program`: the `.gitattributes` entry in the
 * project folder (added once) and the driver in the repository's own git config (set when it
 * differs). Running it again changes nothing, or only a driver command that moved.
 */
export async function installMergeDriver(location: PlanLocation, program: readonly string[], env?: Record<string, string>): Promise<MergeDriverSetup> {
  const root = location.root;
  await git(root, ['rev-parse', '--git-dir']).catch(() => {
    throw new NotAGitRepositoryError(root);
  });
  const pattern = path.relative(root, location.tasksFile).split(path.sep).join('/');
  const attributesFile = path.join(root, '.gitattributes');
  const existing = await fs.readFile(attributesFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const attributesAdded = !existing.split(/\r?\n/).some((line) => {
    const [file, ...attributes] = line.trim().split(/\s+/);
    return file === pattern && attributes.includes(`merge=${MERGE_DRIVER}`);
  });
  if (attributesAdded) {
    const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(attributesFile, `${existing}${separator}${pattern} merge=${MERGE_DRIVER}\n`);
  }
  const driver = mergeDriverCommand(program, env);
  let configChanged = false;
  for (const [key, value] of [
    [`merge.${MERGE_DRIVER}.name`, DRIVER_DESCRIPTION],
    [`merge.${MERGE_DRIVER}.driver`, driver],
  ]) {
    if ((await configuredValue(root, key)) === value) continue;
    await git(root, ['config', '--local', key, value]);
    configChanged = true;
  }
  return { attributesFile, attributesAdded, configChanged, driver };
}

/**
 * Points an installed driver whose program file is gone (the extension was updated into a new
 * folder, tml was moved) at `program`. Returns whether git config changed; a driver that still
 * works, or none, is left alone.
 */
export async function refreshMergeDriver(location: PlanLocation, program: readonly string[], env?: Record<string, string>): Promise<boolean> {
  const current = await configuredMergeDriver(location.root);
  const wanted = mergeDriverCommand(program, env);
  if (current === undefined || current === wanted) return false;
  const files = [...current.matchAll(/(?:^| )'((?:[^']|'\\'')*)'/g)].map((match) => match[1].replace(/'\\''/g, "'"));
  if (files.length === 0 || files.every((file) => existsSync(file))) return false;
  await git(location.root, ['config', '--local', `merge.${MERGE_DRIVER}.driver`, wanted]);
  return true;
}

/** The driver command git config names now, if any. */
export function configuredMergeDriver(root: string): Promise<string | undefined> {
  return configuredValue(root, `merge.${MERGE_DRIVER}.driver`);
}

async function configuredValue(root: string, key: string): Promise<string | undefined> {
  return git(root, ['config', '--local', '--get', key]).then(
    (value) => value.replace(/\r?\n$/, ''),
    () => undefined,
  );
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, { cwd });
  return stdout;
}
