import type { simpleGit as SimpleGitFactory } from 'simple-git';
import { parseRepositoryName, repositoryName, type RepositoryRef } from './gitHubClient';
import { GitHubError } from './gitHubError';

/** The GitHub repository a folder's git remote points at. */
export interface RemoteRepository extends RepositoryRef {
  /** github.com, or an Enterprise server's host name. */
  host: string;
  /** The git remote it came from (origin, upstream…). */
  remote: string;
}

/**
 * Host, owner and name from a remote URL in any form git accepts for GitHub:
 * https://github.com/owner/repo.git, https://user@host/owner/repo, ssh://git@host:2222/owner/repo,
 * git://host/owner/repo and the scp-like git@github.com:owner/repo.git.
 */
export function parseRemoteUrl(url: string): Omit<RemoteRepository, 'remote'> | undefined {
  let host: string;
  let path: string;
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]{2,}):(?!\/\/)([^\\]+)$/.exec(url.trim());
  if (scpLike) {
    [, host, path] = scpLike;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  }
  const segments = path.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  const repository = segments.length >= 2 ? parseRepositoryName(segments.slice(-2).join('/')) : undefined;
  return repository && { host: host.toLowerCase(), ...repository };
}

/** The repository of the folder's `origin` remote, else its first remote. */
export async function detectRepository(folder: string): Promise<RemoteRepository> {
  let remotes: Array<{ name: string; refs: { fetch: string; push: string } }>;
  try {
    remotes = await (require('simple-git').simpleGit as typeof SimpleGitFactory)({ baseDir: folder }).getRemotes(true);
  } catch (error) {
    const missing = /ENOENT|spawn git/i.test(String((error as Error).message));
    throw new GitHubError(
      missing ? 'git is not installed (or not on PATH): it is needed to find the GitHub repository.' : `${folder} is not a git repository: clone the GitHub repository, or run git init and add it as a remote.`,
      'no-remote',
    );
  }
  const remote = remotes.find((candidate) => candidate.name === 'origin') ?? remotes[0];
  if (!remote) {
    throw new GitHubError(`${folder} has no git remote, so its GitHub repository is unknown. Add one: git remote add origin https://github.com/OWNER/REPO.git`, 'no-remote');
  }
  const url = remote.refs.fetch || remote.refs.push;
  const parsed = parseRemoteUrl(url);
  if (!parsed) throw new GitHubError(`The remote "${remote.name}" (${url}) does not name a GitHub repository (expected https://HOST/OWNER/REPO or git@HOST:OWNER/REPO).`, 'no-remote');
  return { ...parsed, remote: remote.name };
}

/**
 * Checks that the API URL serves the remote's host: api.github.com for github.com, and for an
 * Enterprise server its own host (https://HOST/api/v3) or api.HOST.
 */
export function checkApiServesRemote(apiUrl: URL, repository: RemoteRepository): void {
  const apiHost = apiUrl.hostname;
  if (apiHost === repository.host || apiHost === `api.${repository.host}`) return;
  const suggestion = repository.host === 'github.com' ? 'https://api.github.com' : `https://${repository.host}/api/v3`;
  throw new GitHubError(
    `${repositoryName(repository)} is on ${repository.host} (remote "${repository.remote}"), but taskmaster.github.apiUrl points to ${apiHost}: set it to ${suggestion}.`,
    'api-url',
  );
}
