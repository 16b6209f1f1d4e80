import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { installMergeDriver } from '../../src/store/mergeDriverSetup';
import { locatePlan } from '../../src/store/planLocation';
import { cliBundle } from './cliBundle';
import { gitRepository } from './gitRepository';
import { taskMasterText } from './planBuilder';

export const PLAN_FILE = '.taskmaster/tasks/tasks.json';

export interface MergeOutcome {
  /** git merge's exit code: 0 merged, 1 conflict. */
  code: number;
  stderr: string;
  /** tasks.json in the work tree after the merge. */
  text: string;
}

export type BranchEdit = (root: string) => Promise<void>;

/**
 * A repository whose plan starts as `base` on the main branch; `ours` edits it there and
 * `theirs` on a branch "theirs", each in its own commit, then "theirs" is merged into main.
 * With `driver`, git merges tasks.json with tml's merge driver (the bundled CLI), as
 * `tml init-merge` installs it; `conflictStyle` sets merge.conflictStyle for a merge without it.
 */
export async function mergeBranches(options: { base: unknown; ours: BranchEdit; theirs: BranchEdit; driver: boolean; conflictStyle?: 'merge' | 'diff3' }) {
  const repo = await gitRepository();
  const { root, git } = repo;
  if (options.conflictStyle) await git.addConfig('merge.conflictStyle', options.conflictStyle);
  if (options.driver) await installMergeDriver(locatePlan(root), [process.execPath, await cliBundle()]);
  await repo.commit('base plan', { [PLAN_FILE]: taskMasterText(options.base) });
  const main = (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
  await git.checkoutLocalBranch('theirs');
  await options.theirs(root);
  await commitAll(root, 'theirs');
  await git.checkout(main);
  await options.ours(root);
  await commitAll(root, 'ours');
  const merge = await run(root, ['merge', '--no-edit', 'theirs']);
  const text = await fs.readFile(path.join(root, PLAN_FILE), 'utf8');
  return { repo, root, outcome: { code: merge.code, stderr: merge.stderr, text } satisfies MergeOutcome };
}

async function commitAll(root: string, message: string): Promise<void> {
  await run(root, ['add', '-A']);
  await run(root, ['commit', '--allow-empty', '-m', message]);
}

/** Runs git, resolving with its exit code and output whatever the code. */
export async function run(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('git', args, { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Rewrites the plan in the work tree as Task Master would write it. */
export async function editPlan(root: string, edit: (data: Record<string, any>) => void): Promise<void> {
  const file = path.join(root, PLAN_FILE);
  const data = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(data);
  await fs.writeFile(file, taskMasterText(data));
}

export async function readPlanData(root: string): Promise<Record<string, any>> {
  return JSON.parse(await fs.readFile(path.join(root, PLAN_FILE), 'utf8'));
}
