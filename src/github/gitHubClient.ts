import { GitHubError } from './gitHubError';

/** A repository as GitHub names it: `owner/name`. */
export interface RepositoryRef {
  owner: string;
  name: string;
}

export function repositoryName(repository: RepositoryRef): string {
  return `${repository.owner}/${repository.name}`;
}

export function parseRepositoryName(fullName: string): RepositoryRef | undefined {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(fullName);
  return match ? { owner: match[1], name: match[2] } : undefined;
}

export type IssueState = 'open' | 'closed';

export interface GitHubIssue {
  number: number;
  title: string;
  body: string;
  state: IssueState;
  /** Closed as "not planned" rather than completed. */
  notPlanned: boolean;
  url: string;
  labels: string[];
}

export interface GitHubPullRequest {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed' | 'merged';
  url: string;
}

export interface GitHubLabel {
  name: string;
  description: string;
}

export interface GitHubMilestone {
  number: number;
  title: string;
  openIssues: number;
}

export interface IssueQuery {
  state: 'open' | 'closed' | 'all';
  /** Issues carrying all of these labels (GitHub's meaning of the filter). */
  labels: string[];
  /** A milestone's number, or 'none' for issues without one; absent: any. */
  milestone?: number | 'none';
}

/** The REST API version the client is written against. */
const API_VERSION = '2022-11-28';
const PAGE_SIZE = 100;
/** A server that accepts the connection and never answers must not hang a command forever. */
const REQUEST_TIMEOUT_MS = 30_000;

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  html_url: string;
  labels?: Array<string | { name?: string }>;
  /** Present on pull requests, which the issues endpoint lists too. */
  pull_request?: unknown;
}

interface RawPullRequest {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  merged_at?: string | null;
}

/** The API URL setting as a URL, or an error saying what it should look like. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function parseApiUrl(setting: string): URL {
  try {
    const url = new URL(setting);
    // The token travels with every request: plain http only to this machine.
    if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  } catch {
    // Not a URL at all: the error below says what one looks like.
  }
  throw new GitHubError(`The taskmaster.github.apiUrl setting (${setting}) is not an https URL: use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise.`, 'api-url');
}

/** The public GitHub, as opposed to an Enterprise server (which signs in through its own provider). */
export function isGitHubDotCom(apiUrl: URL): boolean {
  return apiUrl.hostname === 'api.github.com';
}

/**
 * The few GitHub REST endpoints the import needs, over Node's fetch. `apiUrl` is
 * https://api.github.com or an Enterprise server's https://HOST/api/v3; lists follow the `Link`
 * header's next page, only under that URL. Failures are GitHubErrors whose message says what to do;
 * once `signal` is aborted, requests stop and fail with the abort's own error.
 */
export class GitHubClient {
  private readonly apiUrl: string;

  constructor(
    private readonly api: URL,
    private readonly token: string,
    private readonly signal?: AbortSignal,
  ) {
    this.apiUrl = api.href.replace(/\/+$/, '');
  }

  /** Issues matching the query, pull requests left out. */
  async issues(repository: RepositoryRef, query: IssueQuery): Promise<GitHubIssue[]> {
    const raw = await this.list<RawIssue>(repository, 'issues', {
      state: query.state,
      ...(query.labels.length ? { labels: query.labels.join(',') } : {}),
      ...(query.milestone !== undefined ? { milestone: String(query.milestone) } : {}),
    });
    return raw.filter((item) => item.pull_request === undefined).map(toIssue);
  }

  async issue(repository: RepositoryRef, number: number): Promise<GitHubIssue> {
    const response = await this.get(this.url(repository, `issues/${number}`), `Issue #${number} of ${repositoryName(repository)}`);
    return toIssue((await response.json()) as RawIssue);
  }

  /** The most recently updated pull requests, open or not, at most `limit`. */
  async pullRequests(repository: RepositoryRef, limit: number): Promise<GitHubPullRequest[]> {
    const raw = await this.list<RawPullRequest>(repository, 'pulls', { state: 'all', sort: 'updated', direction: 'desc' }, limit);
    return raw.map((pull) => ({
      number: pull.number,
      title: pull.title,
      body: pull.body ?? '',
      state: pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
      url: pull.html_url,
    }));
  }

  async labels(repository: RepositoryRef): Promise<GitHubLabel[]> {
    const raw = await this.list<{ name: string; description?: string | null }>(repository, 'labels', {});
    return raw.map((label) => ({ name: label.name, description: label.description ?? '' }));
  }

  /** Open milestones. */
  async milestones(repository: RepositoryRef): Promise<GitHubMilestone[]> {
    const raw = await this.list<{ number: number; title: string; open_issues: number }>(repository, 'milestones', { state: 'open' });
    return raw.map((milestone) => ({ number: milestone.number, title: milestone.title, openIssues: milestone.open_issues }));
  }

  private url(repository: RepositoryRef, resource: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString();
    return `${this.apiUrl}/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.name)}/${resource}${search ? `?${search}` : ''}`;
  }

  /** Every page of a list (up to `limit` items), following the `Link` header. */
  private async list<T>(repository: RepositoryRef, resource: string, query: Record<string, string>, limit = Infinity): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.url(repository, resource, { ...query, per_page: String(Math.min(PAGE_SIZE, limit)) });
    while (url && items.length < limit) {
      const response = await this.get(url, `Repository ${repositoryName(repository)}`);
      items.push(...((await response.json()) as T[]));
      const next = nextPageUrl(response.headers.get('link'));
      url = next === undefined ? undefined : this.underApiUrl(next, `the next page of ${resource} of ${repositoryName(repository)}`);
    }
    return items.slice(0, limit);
  }

  /**
   * A link the server gave, as an absolute URL, when it is under the API URL. The token goes only
   * there: a link elsewhere (another host, port or scheme, or outside the API's path) is refused,
   * whoever wrote it.
   */
  private underApiUrl(link: string, what: string): string {
    let target: URL | undefined;
    try {
      target = new URL(link, this.api);
    } catch {
      // Not a URL: refused below like a foreign one.
    }
    const prefix = `${this.api.pathname.replace(/\/+$/, '')}/`;
    if (target && target.origin === this.api.origin && target.pathname.startsWith(prefix)) return target.href;
    const where = target ? `${target.origin}${target.pathname}` : link;
    throw new GitHubError(
      `GitHub's link to ${what} points to ${where}, outside ${this.apiUrl}; the sign-in token is only sent to the API URL, so reading stopped there. If the server names itself by another address, set taskmaster.github.apiUrl to that address.`,
      'api-url',
    );
  }

  /** `subject` names what a 404 means was not found. */
  private async get(url: string, subject: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.token}`,
          'X-GitHub-Api-Version': API_VERSION,
        },
        signal: this.signal ? AbortSignal.any([this.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (this.signal?.aborted) throw error;
      throw new GitHubError(`Cannot reach GitHub at ${this.apiUrl} (${failureReason(error)}). Check the network, or the taskmaster.github.apiUrl setting.`, 'unreachable');
    }
    if (response.ok) return response;
    throw await httpError(response, subject, this.api.host);
  }
}

function toIssue(raw: RawIssue): GitHubIssue {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? '',
    state: raw.state === 'closed' ? 'closed' : 'open',
    notPlanned: raw.state_reason === 'not_planned',
    url: raw.html_url,
    labels: (raw.labels ?? []).map((label) => (typeof label === 'string' ? label : label.name ?? '')).filter(Boolean),
  };
}

/** The `rel="next"` target of a Link header: `<https://…?page=2>; rel="next", <…>; rel="last"`. */
function nextPageUrl(link: string | null): string | undefined {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

function failureReason(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function httpError(response: Response, subject: string, host: string): Promise<GitHubError> {
  // GitHub explains most failures in the body's `message`.
  const said = await response
    .json()
    .then((body) => (body as { message?: string }).message)
    .catch(() => undefined);
  const detail = said ? `: ${said}` : '';
  const rateLimited = response.headers.get('x-ratelimit-remaining') === '0';
  const retryAfter = Number(response.headers.get('retry-after'));
  if ((response.status === 403 || response.status === 429) && rateLimited) {
    const resetAt = new Date(Number(response.headers.get('x-ratelimit-reset')) * 1000);
    const minutes = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 60_000));
    const time = resetAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return new GitHubError(`GitHub's rate limit is used up; it resets at ${time} (in ${minutes} min). Try again then.`, 'rate-limited');
  }
  if ((response.status === 403 || response.status === 429) && retryAfter > 0) {
    return new GitHubError(`GitHub asks to slow down (secondary rate limit): try again in ${retryAfter} s.`, 'rate-limited');
  }
  if (response.status === 401) return new GitHubError(`GitHub rejected the sign-in token (401${detail}): sign out of the GitHub account (VS Code's Accounts menu), then run the command again to sign in anew.`, 'bad-token');
  if (response.status === 403) {
    return new GitHubError(`GitHub refused access (403${detail}): the token needs the "repo" scope, and an organisation using SSO must authorise it.`, 'forbidden');
  }
  if (response.status === 404 || response.status === 410) {
    return new GitHubError(`${subject} was not found on ${host} (or was deleted), or the signed-in account has no access to it.`, 'not-found');
  }
  return new GitHubError(`GitHub answered ${response.status} ${response.statusText}${detail}.`, 'failed');
}
