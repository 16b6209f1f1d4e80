import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AiService } from '../ai/aiService';
import { PlanToolHost } from '../mcp/planMcpServer';
import type { PlanTool } from '../planTools';
import { RequestGuard } from './guard';
import { HttpError, sendError, sendJson } from './httpErrors';
import { JsonLog } from './log';
import { McpSessions, mutatingToolCalls } from './mcpSessions';
import { Metrics } from './metrics';
import { handlePlanRoute } from './planRoutes';
import { ServedProject } from './servedProject';
import type { ServerConfig } from './serverConfig';
import { TokenRegistry } from './tokens';

export interface PlanServerDependencies {
  /** The AI service of a project, from its .taskmaster/config.json (as `tml mcp` builds it). */
  createAi: (projectRoot: string) => Promise<AiService>;
  tools: readonly PlanTool[];
  version: string;
  /** Where the JSON log lines go (stdout for `tml serve`). */
  write: (line: string) => void;
}

/** How long a shutdown waits for requests in flight (writes above all) before closing anyway. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * `tml serve`: the plan tools over MCP Streamable HTTP and the plain plan routes, for one or more
 * projects, behind bearer tokens.
 */
export class PlanServer {
  private readonly http: HttpServer;
  private readonly projects: ServedProject[];
  private readonly sessions: McpSessions;
  /** Built once listening: the Host allow-list needs the port (--port 0 picks one). */
  private guard!: RequestGuard;
  private readonly metrics = new Metrics();
  private inFlight = 0;
  private draining = false;
  private drained: (() => void) | undefined;

  private constructor(
    private readonly config: ServerConfig,
    private readonly registry: TokenRegistry,
    private readonly log: JsonLog,
    dependencies: PlanServerDependencies,
  ) {
    this.projects = config.projects.map(
      (project) =>
        new ServedProject(
          project.name,
          project.root,
          new PlanToolHost({ workspaceRoot: project.root, createAi: dependencies.createAi, tools: dependencies.tools, version: dependencies.version, log: (line) => log.warn(line, { project: project.name }) }),
        ),
    );
    this.sessions = new McpSessions(log, this.metrics);
    this.http = createServer((req, res) => void this.handle(req, res));
  }

  static async start(config: ServerConfig, dependencies: PlanServerDependencies): Promise<PlanServer> {
    const log = new JsonLog(config.logLevel, dependencies.write);
    const registry = await TokenRegistry.open(config.tokensFile, (error) => log.warn('tokens file not reloaded', { file: config.tokensFile, error: error.message }));
    if (registry.count === 0) log.warn('no tokens yet: every request except /healthz will get 401', { file: config.tokensFile, hint: 'tml token add <name> --scope read|write' });
    const server = new PlanServer(config, registry, log, dependencies);
    for (const project of server.projects) {
      await project.start();
      server.sessions.watch(project);
    }
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(config.port, config.host, () => {
        server.guard = new RequestGuard(registry, { ...config, port: (server.http.address() as AddressInfo).port });
        resolve();
      });
    });
    log.info('listening', { url: server.url, projects: server.projects.map((project) => project.name) });
    return server;
  }

  get url(): string {
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `http://${host}:${(this.http.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://server');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const route = ['healthz', 'metrics', 'mcp', 'plans'].includes(parts[0] ?? '') ? parts[0] : 'other';
    // A standing event stream (GET /mcp) is not work a shutdown should wait for.
    const counted = !(route === 'mcp' && req.method === 'GET');
    let token = '-';
    if (counted) this.inFlight++;
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.request(route, req.method ?? '-', res.statusCode, token, seconds);
      this.log.debug('request', { method: req.method, path: url.pathname, status: res.statusCode, token, ms: Math.round(seconds * 1000) });
      if (counted && --this.inFlight === 0) this.drained?.();
    });
    try {
      if (this.draining) throw new HttpError(503, 'shutting-down', 'The server is shutting down. Try again once it is back.', { Connection: 'close' });
      if (route === 'healthz' && parts.length === 1) return sendJson(res, 200, { status: 'ok', projects: this.projects.length });
      this.guard.checkHost(req);
      const holder = this.guard.authenticate(req);
      token = holder.name;
      this.guard.limitRate(holder);
      if (route === 'metrics' && parts.length === 1) {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        return void res.end(this.metrics.render());
      }
      if (route === 'plans') return await handlePlanRoute({ guard: this.guard, log: this.log, metrics: this.metrics, project: (name) => this.project(name), projects: this.projects }, req, res, holder, parts.slice(1));
      if (route === 'mcp' && parts.length <= 2) {
        const project = parts.length === 2 ? this.project(parts[1]) : this.onlyProject();
        const body = req.method === 'POST' ? parseJsonBody(await this.guard.readBody(req)) : undefined;
        const writes = mutatingToolCalls(body);
        if (writes.length > 0) this.guard.requireWrite(holder, `call ${writes.join(', ')}`);
        return await this.sessions.handle(req, res, project, holder, body);
      }
      throw new HttpError(404, 'not-found', `No route ${url.pathname}. Routes: /healthz, /metrics, /mcp/<project>, /plans, /plans/<project>, /plans/<project>/state.`);
    } catch (error) {
      this.fail(res, error, token);
    }
  }

  private fail(res: ServerResponse, error: unknown, token: string): void {
    const refusal = HttpError.is(error) ? error : new HttpError(500, 'internal', `The server failed: ${(error as Error).message}. See its log.`);
    this.metrics.error(refusal.status >= 500 ? 'internal' : refusal.code, token);
    if (refusal.status >= 500) this.log.error('request failed', { error: (error as Error).stack ?? String(error) });
    if (res.headersSent) return void res.end();
    sendError(res, refusal);
  }

  private project(name: string): ServedProject {
    const project = this.projects.find((candidate) => candidate.name === name);
    if (!project) throw new HttpError(404, 'no-project', `No project "${name}" here. Projects: ${this.projectNames()}.`);
    return project;
  }

  private onlyProject(): ServedProject {
    if (this.projects.length === 1) return this.projects[0];
    throw new HttpError(404, 'no-project', `This server serves several projects: use /mcp/<project>. Projects: ${this.projectNames()}.`);
  }

  private projectNames(): string {
    return this.projects.map((project) => project.name).join(', ');
  }

  /**
   * Stops taking requests, lets those in flight finish (every write they make lands whole), then
   * ends the MCP sessions and closes. Bounded by DRAIN_TIMEOUT_MS.
   */
  async close(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.log.info('shutting down', { inFlight: this.inFlight });
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, DRAIN_TIMEOUT_MS).unref();
      });
    }
    await this.sessions.closeAll();
    this.http.closeAllConnections();
    await stopped;
    for (const project of this.projects) project.dispose();
    this.registry.dispose();
    this.log.info('stopped');
  }
}

function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid-json', 'The MCP request body is not JSON: send JSON-RPC messages.');
  }
}
