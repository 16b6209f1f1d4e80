import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

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
