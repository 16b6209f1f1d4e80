import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { tempDir } from './planBuilder';

/** A real git repository in a temp folder, with `commit(message, files)` writing and committing files. */
export async function gitRepository() {
  const root = await tempDir('tml-git-');
  const git = simpleGit(root);
  await git.init();
  await git.addConfig('user.name', 'Test');
  await git.addConfig('user.email', 'test@example.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  const write = async (files: Record<string, string | Buffer>) => {
    for (const [file, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await fs.writeFile(path.join(root, file), content);
    }
  };
  const commit = async (message: string, files: Record<string, string | Buffer>) => {
    await write(files);
    await git.add('.');
    await git.commit(message);
  };
  return { root, git, write, commit };
}
