import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTag } from '../core/tagOperations';
import type { PlanStore } from './planStore';

/** The branch checked out in a folder, or undefined when it is not a git repository or HEAD is detached. */
export async function currentGitBranch(folder: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: folder });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A branch name as a tag name: characters tags cannot hold become "-". */
export function tagNameForBranch(branch: string): string {
  return branch.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
}

/**
 * Creates the tag of a git branch as task-master's `--from-branch` does: named (unless `name` is
 * given) and described after the branch, and mapped to it in state.json's `branchTagMapping`, so
 * checking the branch out again switches to it. Returns the tag's name.
 */
export async function createBranchTag(store: PlanStore, branch: string, options: { name?: string; copyFrom?: string; description?: string } = {}): Promise<string> {
  const name = options.name ?? tagNameForBranch(branch);
  await store.edit(createTag({ name, copyFrom: options.copyFrom, description: options.description ?? `Tag created from git branch "${branch}"` }));
  await store.mapBranchToTag(branch, name);
  return name;
}
