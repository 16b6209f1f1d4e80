import * as http from 'node:http';
import { closeServer, listenOnFreeLocalPort } from './localServer';

/**
 * A stand-in for the few GitHub REST endpoints the import uses (tests only), on 127.0.0.1 with a
 * free port. Shapes follow docs.github.com/rest: issues (pull requests among them, with a
 * `pull_request` key), one issue, pulls, labels, milestones; `per_page`/`page` pagination with a
 * `Link` header; `{ "message": … }` error bodies; the x-ratelimit-* headers. It serves under a
 * path prefix, as an Enterprise server serves under /api/v3.
 */

export interface StandInIssue {
  number: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | null;
  labels?: string[];
  /** A milestone's number. */
  milestone?: number;
}

export interface StandInPull {
  number: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  merged?: boolean;
}

export interface StandInOptions {
  /** owner/name: the one repository served; any other is a 404. */
  repository: string;
  /** The token a request must carry (Authorization: Bearer or token). */
  token: string;
  /** Default '', the path of api.github.com; '/api/v3' for an Enterprise server. */
  pathPrefix?: string;
}

export interface RequestSeen {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

const RATE_LIMIT = 5000;

export class GitHubStandIn {
  issues: StandInIssue[] = [];
  /** Most recently updated last. */
  pulls: StandInPull[] = [];
  labels: Array<{ name: string; description?: string }> = [];
  milestones: Array<{ number: number; title: string; state?: 'open' | 'closed' }> = [];
  /**
   * Refuse every request as GitHub does once the hourly limit is used up ('primary'), or when
   * requests come too fast (a 'secondary' limit, with Retry-After).
   */
  rateLimited: false | 'primary' | 'secondary' = false;
  /**
   * The base the Link header's page URLs are built on, instead of this stand-in's own `url`: a
   * server (or a meddler) pointing the client at another host or path.
   */
  linkBase: string | undefined;
  readonly requests: RequestSeen[] = [];
  /** When the rate limit resets, in epoch seconds (as x-ratelimit-reset says). */
  readonly rateLimitReset = Math.floor(Date.now() / 1000) + 3600;
  private port = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly options: StandInOptions,
  ) {}

  static async start(options: StandInOptions): Promise<GitHubStandIn> {
    const server = http.createServer();
    const standIn = new GitHubStandIn(server, options);
    server.on('request', (req, res) => standIn.handle(req, res));
    standIn.port = await listenOnFreeLocalPort(server);
    return standIn;
  }

  /** The API base URL, as the taskmaster.github.apiUrl setting would hold it. */
  get url(): string {
    return `http://127.0.0.1:${this.port}${this.options.pathPrefix ?? ''}`;
  }

  /** GitHub's web address of an issue in the served repository. */
  issueUrl(number: number): string {
    return `https://github.com/${this.options.repository}/issues/${number}`;
  }

  closeIssue(number: number, reason: 'completed' | 'not_planned' = 'completed'): void {
    const issue = this.issues.find((candidate) => candidate.number === number);
    if (!issue) throw new Error(`The stand-in has no issue #${number}`);
    Object.assign(issue, { state: 'closed', stateReason: reason });
  }

  /** Afterwards the port refuses connections: GitHub unreachable. */
  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const prefix = this.options.pathPrefix ?? '';
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    this.requests.push({ path, query: url.searchParams, headers: req.headers });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.options.token}` && auth !== `token ${this.options.token}`) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    if (this.rateLimited === 'primary') {
      return send(res, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, this.rateHeaders(0));
    }
    if (this.rateLimited === 'secondary') {
      return send(res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { ...this.rateHeaders(), 'retry-after': '60' });
    }
    const route = /^\/repos\/([^/]+)\/([^/]+)\/(issues|pulls|labels|milestones)(?:\/(\d+))?$/.exec(path);
    if (req.method !== 'GET' || !route || `${route[1]}/${route[2]}`.toLowerCase() !== this.options.repository.toLowerCase()) {
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    const [, , , resource, number] = route;
    if (number !== undefined) {
      const item = resource === 'issues' ? this.issueItems().find((issue) => issue.number === Number(number)) : undefined;
      return item ? send(res, 200, item, this.rateHeaders()) : send(res, 404, { message: 'Not Found', status: '404' });
    }
    const items = resource === 'issues' ? this.filterIssues(url.searchParams) : resource === 'pulls' ? this.filterPulls(url.searchParams) : resource === 'labels' ? this.labelItems() : this.milestoneItems(url.searchParams);
    this.sendPage(res, url, items);
  }

  private rateHeaders(remaining = RATE_LIMIT - 1): Record<string, string> {
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(RATE_LIMIT - remaining),
      'x-ratelimit-reset': String(this.rateLimitReset),
      'x-ratelimit-resource': 'core',
    };
  }

  /** One page of a list, with GitHub's Link header (first, prev, next, last as they apply). */
  private sendPage(res: http.ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const pageUrl = (n: number) => {
      const target = new URL(url);
      target.searchParams.set('page', String(n));
      if (this.linkBase === undefined) return target.href;
      const prefix = this.options.pathPrefix ?? '';
      return `${this.linkBase}${target.pathname.slice(prefix.length)}${target.search}`;
    };
    const links = [
      ...(page > 1 ? [`<${pageUrl(page - 1)}>; rel="prev"`, `<${pageUrl(1)}>; rel="first"`] : []),
      ...(page < last ? [`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`] : []),
    ];
    send(res, 200, items.slice((page - 1) * perPage, page * perPage), { ...this.rateHeaders(), ...(links.length ? { link: links.join(', ') } : {}) });
  }

  /** Issues and pull requests, newest first, as the issues endpoint lists them. */
  private issueItems(): Array<Record<string, unknown> & { number: number }> {
    const issues = this.issues.map((issue) => ({
      number: issue.number,
      title: issue.title,
      body: issue.body ?? null,
      state: issue.state ?? 'open',
      state_reason: issue.stateReason ?? null,
      html_url: this.issueUrl(issue.number),
      labels: (issue.labels ?? []).map((name, index) => ({ id: index + 1, name, color: 'ededed', description: null })),
      milestone: issue.milestone === undefined ? null : this.milestoneItems(new URLSearchParams({ state: 'all' })).find((m) => m.number === issue.milestone) ?? null,
    }));
    const pulls = this.pulls.map((pull) => ({
      ...this.pullItem(pull),
      labels: [],
      milestone: null,
      pull_request: { url: `${this.url}/repos/${this.options.repository}/pulls/${pull.number}`, html_url: this.pullUrl(pull.number) },
    }));
    return [...issues, ...pulls].sort((a, b) => b.number - a.number);
  }

  private filterIssues(query: URLSearchParams): unknown[] {
    const state = query.get('state') ?? 'open';
    const labels = (query.get('labels') ?? '').split(',').filter(Boolean).map((label) => label.toLowerCase());
    const milestone = query.get('milestone');
    return this.issueItems().filter((item) => {
      const names = (item.labels as Array<{ name: string }>).map((label) => label.name.toLowerCase());
      const itemMilestone = (item.milestone as { number: number } | null)?.number;
      return (
        (state === 'all' || item.state === state) &&
        labels.every((label) => names.includes(label)) &&
        (milestone === null || (milestone === 'none' ? itemMilestone === undefined : milestone === '*' ? itemMilestone !== undefined : itemMilestone === Number(milestone)))
      );
    });
  }

  private pullUrl(number: number): string {
    return `https://github.com/${this.options.repository}/pull/${number}`;
  }

  private pullItem(pull: StandInPull): Record<string, unknown> & { number: number } {
    return {
      number: pull.number,
      title: pull.title,
      body: pull.body ?? null,
      state: pull.state ?? 'open',
      html_url: this.pullUrl(pull.number),
      merged_at: pull.merged ? '2025-01-02T03:04:05Z' : null,
    };
  }

  private filterPulls(query: URLSearchParams): unknown[] {
    const state = query.get('state') ?? 'open';
    const pulls = this.pulls.map((pull) => this.pullItem(pull)).filter((pull) => state === 'all' || pull.state === state);
    // Updated order is list order here; GitHub's default is created order, newest first.
    if (query.get('sort') === 'updated') return query.get('direction') === 'asc' ? pulls : pulls.reverse();
    return pulls.sort((a, b) => b.number - a.number);
  }

  private labelItems(): unknown[] {
    return this.labels.map((label, index) => ({ id: index + 1, name: label.name, color: 'ededed', description: label.description ?? null }));
  }

  private milestoneItems(query: URLSearchParams): Array<{ number: number; title: string; state: string; open_issues: number }> {
    const state = query.get('state') ?? 'open';
    return this.milestones
      .map((milestone) => ({
        number: milestone.number,
        title: milestone.title,
        state: milestone.state ?? 'open',
        open_issues: this.issues.filter((issue) => issue.milestone === milestone.number && (issue.state ?? 'open') === 'open').length,
      }))
      .filter((milestone) => state === 'all' || milestone.state === state);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
