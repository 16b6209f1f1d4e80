import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  ErrorCode,
  isInitializeRequest,
  ListResourcesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { createPlanServer } from '../mcp/planMcpServer';
import { PLAN_TOOLS } from '../planTools';
import { HttpError } from './httpErrors';
import type { JsonLog } from './log';
import type { Metrics } from './metrics';
import type { ServedProject } from './servedProject';
import type { TokenHolder } from './tokens';

interface Session {
  id: string;
  project: ServedProject;
  /** The token that opened it: a session id alone does not let another token in. */
  token: string;
  server: Server;
  transport: StreamableHTTPServerTransport;
  subscribed: boolean;
}

const MUTATING_TOOLS = new Set(PLAN_TOOLS.filter((tool) => tool.mutates).map((tool) => tool.name));

/** The tools/call requests of a JSON-RPC body (one message or a batch) that change the plan. */
export function mutatingToolCalls(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages
    .filter((message): message is { method: string; params?: { name?: unknown } } => typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'tools/call')
    .map((message) => message.params?.name)
    .filter((name): name is string => typeof name === 'string' && MUTATING_TOOLS.has(name));
}

/**
 * MCP over Streamable HTTP: one SDK server and transport per session, bound to one project and the
 * token that opened it. The plan is a resource; its subscribers hear of every change to the file.
 */
export class McpSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly log: JsonLog,
    private readonly metrics: Metrics,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Follows a project's plan for the sessions subscribed to it. */
  watch(project: ServedProject): void {
    project.store.onDidChange(() => {
      for (const session of this.sessions.values()) {
        if (session.project !== project || !session.subscribed) continue;
        session.server.sendResourceUpdated({ uri: project.uri }).catch((error: Error) => this.log.warn('resource update not sent', { session: session.id, error: error.message }));
      }
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse, project: ServedProject, holder: TokenHolder, body: unknown): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    Object.assign(req, { auth: { token: holder.name, clientId: holder.name, scopes: [holder.scope] } });
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session || session.project !== project || session.token !== holder.name) {
        throw new HttpError(404, 'no-session', 'No such MCP session here (it ended, or the server restarted). Initialize a new session.');
      }
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      throw new HttpError(400, 'no-session', 'Send Mcp-Session-Id, or start a session with an initialize request (POST).');
    }
    // Which program opened the session (Copilot's agent mode, an editor's store, a script), for the log.
    const { name: clientName, version: clientVersion } = body.params.clientInfo;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        this.sessions.set(id, session(id));
        this.log.info('session opened', { session: id, project: project.name, token: holder.name, client: `${clientName} ${clientVersion}` });
      },
    });
    const server = this.createServer(project, () => this.sessions.get(transport.sessionId ?? ''));
    const session = (id: string): Session => ({ id, project, token: holder.name, server, transport, subscribed: false });
    transport.onclose = () => {
      if (transport.sessionId && this.sessions.delete(transport.sessionId)) this.log.info('session closed', { session: transport.sessionId, project: project.name });
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private createServer(project: ServedProject, current: () => Session | undefined): Server {
    const server = createPlanServer(project.host, (tool, result, extra) => {
      const token = extra.authInfo?.clientId ?? '-';
      const outcome = result.isError ? 'error' : 'ok';
      this.metrics.toolCall(tool, token, outcome);
      if (outcome === 'ok' && MUTATING_TOOLS.has(tool)) this.metrics.planWrite(project.name);
      this.log.info('tool call', { project: project.name, tool, token, outcome });
    });
    server.registerCapabilities({ resources: { subscribe: true } });
    const resource = { uri: project.uri, name: `${project.name} tasks.json`, title: `Task Master plan of ${project.name}`, mimeType: 'application/json' };
    const requireUri = (uri: string) => {
      if (uri !== project.uri) throw new McpError(ErrorCode.InvalidParams, `No resource ${uri}; this session serves ${project.uri}.`);
    };
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [resource] }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      requireUri(request.params.uri);
      const bytes = await project.planBytes();
      if (!bytes) throw new McpError(ErrorCode.InvalidParams, `Project "${project.name}" has no tasks.json yet.`);
      return { contents: [{ uri: project.uri, mimeType: 'application/json', text: bytes.toString('utf8') }] };
    });
    server.setRequestHandler(SubscribeRequestSchema, (request) => {
      requireUri(request.params.uri);
      const session = current();
      if (session) session.subscribed = true;
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      requireUri(request.params.uri);
      const session = current();
      if (session) session.subscribed = false;
      return {};
    });
    return server;
  }

  /** Ends every session (their open streams too). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.transport.close().catch(() => undefined)));
    this.sessions.clear();
  }
}
