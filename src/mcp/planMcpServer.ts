import { stat } from 'node:fs/promises';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AiService } from '../ai/aiService';
import { PLAN_TOOLS, runPlanTool, TASK_MASTER_TOOL_NAMES, type PlanTool } from '../planTools';
import { locatePlan, type PlanLocation } from '../store/planLocation';
import { taskmasterConfigPath } from '../store/taskmasterConfig';
import { describeUndoneChange, TaskStore } from '../store/taskStore';
import { resolveCallScope, servedInputSchema } from './bridgeArguments';

export interface PlanMcpServerOptions {
  /** The folder every path argument must stay inside: `--project`, else the current folder. */
  workspaceRoot: string;
  /** The AI service of a project, built from its .taskmaster/config.json and the command-line flags. */
  createAi: (projectRoot: string) => Promise<AiService>;
  /** Diagnostics (stderr for `tml mcp`): never the protocol's stdout. */
  log: (line: string) => void;
  version: string;
  /** The tools served (TASK_MASTER_TOOLS); default every plan tool. */
  tools?: readonly PlanTool[];
}

/**
 * The plan tools of one workspace and what they work on: a store per tasks.json and an AI service
 * per project. Shared by every MCP server over that workspace (stdio, or each HTTP session).
 */
export class PlanToolHost {
  /** One store per tasks.json: a file unchanged since the last call is not parsed again. */
  private readonly stores = new Map<string, TaskStore>();
  /** One AI service per project, kept while its config.json is unchanged (the models tool changes it). */
  private readonly services = new Map<string, { configStamp: string; service: Promise<AiService> }>();
  readonly tools: readonly PlanTool[];

  constructor(readonly options: PlanMcpServerOptions) {
    this.tools = options.tools ?? PLAN_TOOLS;
  }

  /** Runs a tool; every failure comes back as an `isError` result a model can read. */
  async call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const tool = this.tools.find((candidate) => candidate.name === name);
    if (!tool) return failure(this.unservedMessage(name));
    try {
      const scope = await resolveCallScope(this.options.workspaceRoot, args);
      const location = locatePlan(scope.projectRoot, scope.tasksFile);
      const context = { store: this.storeFor(location), ai: await this.aiFor(scope.projectRoot), projectRoot: scope.projectRoot, signal, log: this.options.log };
      const outcome = await runPlanTool(tool, scope.toolInput, context);
      return outcome.ok ? { content: [{ type: 'text', text: JSON.stringify(outcome.result) }] } : failure(outcome.message);
    } catch (error) {
      // Path arguments refused, or a project whose AI settings cannot be read.
      return failure(error instanceof Error ? error.message : String(error));
    }
  }

  storeFor(location: PlanLocation): TaskStore {
    let store = this.stores.get(location.tasksFile);
    if (!store) {
      store = new TaskStore(location);
      store.onDidUndoneChange((undone) => this.options.log(`tml mcp: ${describeUndoneChange(undone)}`));
      this.stores.set(location.tasksFile, store);
    }
    return store;
  }

  private unservedMessage(name: string): string {
    const served = `Tools: ${this.tools.map((candidate) => candidate.name).join(', ')}.`;
    if ((TASK_MASTER_TOOL_NAMES as readonly string[]).includes(name) && !PLAN_TOOLS.some((candidate) => candidate.name === name)) return `Task Master's "${name}" is not served by Taskmaster Local. ${served}`;
    if (!PLAN_TOOLS.some((candidate) => candidate.name === name)) return `No tool "${name}". ${served}`;
    return `Tool "${name}" is not enabled on this server. ${served} Enable it with TASK_MASTER_TOOLS=all (or a list naming it); in VS Code, the taskmaster.mcpServer.tools setting.`;
  }

  private async aiFor(projectRoot: string): Promise<AiService> {
    const configStamp = await stat(taskmasterConfigPath(projectRoot)).then(
      (info) => `${info.mtimeMs}:${info.size}`,
      () => 'none',
    );
    const known = this.services.get(projectRoot);
    if (known?.configStamp === configStamp) return known.service;
    const service = this.options.createAi(projectRoot);
    this.services.set(projectRoot, { configStamp, service });
    service.catch(() => this.services.get(projectRoot)?.service === service && this.services.delete(projectRoot));
    return service;
  }

  dispose(): void {
    for (const store of this.stores.values()) store.dispose();
    this.stores.clear();
  }
}

/** Hears each tool call a server answered (the plan server counts and logs them). */
export type ToolCallObserver = (tool: string, result: CallToolResult, extra: { authInfo?: AuthInfo }) => void;

/**
 * An MCP server over a host's tools, with the SDK's low-level server so each tool is listed with
 * its own JSON schema. A server serves one connection: make one per stdio run or HTTP session.
 */
export function createPlanServer(host: PlanToolHost, onToolCall?: ToolCallObserver): Server {
  const server = new Server(
    { name: 'taskmaster-local', title: 'Taskmaster Local', version: host.options.version },
    {
      capabilities: { tools: {} },
      instructions:
        'Task Master plan tools over .taskmaster/tasks/tasks.json. Task ids are "12", subtask ids "12.3". ' +
        'Start with next_task or get_tasks; set_task_status as work starts and ends; update_subtask to log progress. ' +
        'expand_task, parse_prd, analyze_project_complexity and add_task with `prompt` run on a local Ollama model.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: host.tools.map(listedTool) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const result = await host.call(request.params.name, request.params.arguments ?? {}, extra.signal);
    onToolCall?.(request.params.name, result, extra);
    return result;
  });
  return server;
}

/** `tml mcp`: the plan tools of one workspace over stdio. */
export class PlanMcpServer {
  readonly server: Server;
  private readonly host: PlanToolHost;

  constructor(private readonly options: PlanMcpServerOptions) {
    this.host = new PlanToolHost(options);
    this.server = createPlanServer(this.host);
  }

  /** Serves on stdin/stdout until the client closes stdin. */
  async serveStdio(): Promise<void> {
    // stdout carries protocol messages only: a stray console.log anywhere would corrupt the stream.
    console.log = console.info = console.debug = console.error;
    const closed = new Promise<void>((resolve) => (this.server.onclose = resolve));
    process.stdin.once('end', () => void this.server.close());
    await this.server.connect(new StdioServerTransport());
    this.options.log(`tml mcp: serving ${this.host.tools.length} plan tools for ${this.options.workspaceRoot}`);
    await closed;
    this.dispose();
  }

  dispose(): void {
    this.host.dispose();
  }
}

function listedTool(tool: PlanTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: servedInputSchema(tool),
    annotations: { title: tool.title, readOnlyHint: !tool.mutates },
  };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
