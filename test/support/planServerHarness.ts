import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AiService } from '../../src/ai/aiService';
import { readTaskmasterAiConfig, resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { PLAN_TOOLS } from '../../src/planTools';
import { PlanServer } from '../../src/server/planServer';
import type { ServerConfig } from '../../src/server/serverConfig';
import { addToken } from '../../src/server/tokens';
import { makeProject, tempDir } from './planBuilder';

export interface RunningPlanServer {
  server: PlanServer;
  url: string;
  root: string;
  tasksFile: string;
  tokensFile: string;
  writeToken: string;
  readToken: string;
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A plan server in this process on 127.0.0.1 (a free port), serving one project "demo", with a write and a read token. */
export async function startPlanServer(plan: unknown, overrides: Partial<ServerConfig> = {}): Promise<RunningPlanServer> {
  const { root, tasksFile } = await makeProject(plan);
  const tokensFile = path.join(await tempDir('tml-tokens-'), 'tokens.json');
  const writeToken = await addToken(tokensFile, 'writer', 'write');
  const readToken = await addToken(tokensFile, 'reader', 'read');
  const logs: Array<Record<string, unknown>> = [];
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    tokensFile,
    projects: [{ name: 'demo', root }],
    allowedHosts: [],
    allowedOrigins: [],
    maxBodyBytes: 4 * 1024 * 1024,
    rateLimitPerMinute: 100_000,
    logLevel: 'debug',
    ...overrides,
  };
  const server = await PlanServer.start(config, {
    createAi: async (projectRoot) => new AiService(new OllamaInference(resolveAiSettings(await readTaskmasterAiConfig(projectRoot), {}))),
    tools: PLAN_TOOLS,
    version: 'test',
    write: (line) => logs.push(JSON.parse(line)),
  });
  return { server, url: server.url, root, tasksFile, tokensFile, writeToken, readToken, logs, close: () => server.close() };
}

/** The official SDK client over Streamable HTTP, sending `token`. */
export async function mcpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'tml-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}
