import * as path from 'node:path';
import * as vscode from 'vscode';
import { MCP_PROVIDER_ID } from '../commands/commandIds';
import { formatHeaders, HEADER_ORIGINS_ENV, HEADERS_ENV } from '../ai/aiSettings';
import { HEADERS_SECRET, readProxyHeaders } from '../aiCommands/projectAiSettings';
import { affectsMcpSettings, explicitAiSettings, mcpTools } from '../config';
import { TOOLS_ENV } from '../planTools/toolGroups';
import { RemotePlanStore } from '../remote/remotePlanStore';
import type { Projects } from '../workspace/projects';

/**
 * Offers `tml mcp` to VS Code's MCP support, one server per folder with a plan, so agent mode
 * and any MCP-aware chat see Task Master's tool names over the same core as the extension, the
 * tools chosen by the taskmaster.mcpServer.tools setting as TASK_MASTER_TOOLS chooses them. The
 * user's Ollama host and model settings travel as flags, the proxy headers from SecretStorage in the
 * environment; the project's config.json does the rest. Registered at activation (VS Code forgets a
 * provider that is not registered when it asks) and light enough not to load the features bundle.
 */
export function registerMcpServerProvider(context: vscode.ExtensionContext, projects: Projects, secrets: vscode.SecretStorage): void {
  const changed = new vscode.EventEmitter<void>();
  const cli = path.join(context.extensionUri.fsPath, 'dist', 'cli.js');
  const version = String(context.extension.packageJSON.version);
  let folders = '';
  // A folder's plan moving to or from a server (or a new token) gives it another definition.
  const foldersWithPlan = () =>
    projects.withPlan.map((project) => `${project.folder.uri.toString()} ${project.store instanceof RemotePlanStore ? `${project.store.mcpUrl} ${project.store.headers.Authorization ?? ''}` : ''}`).join('\n');
  context.subscriptions.push(
    changed,
    // Every tasks.json write fires projects.onDidChange: only a folder gaining or losing a plan matters here.
    projects.onDidChange(() => {
      if (foldersWithPlan() !== folders) changed.fire();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => affectsMcpSettings(event) && changed.fire()),
    secrets.onDidChange((event) => event.key === HEADERS_SECRET && changed.fire()),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: async () => {
        folders = foldersWithPlan();
        const proxy = await readProxyHeaders(secrets);
        const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1', ...(proxy ? { [HEADERS_ENV]: formatHeaders(proxy.headers), [HEADER_ORIGINS_ENV]: proxy.origins.join(',') } : {}) };
        return projects.withPlan.map((project): vscode.McpServerDefinition => {
          // A served plan: agent mode talks to the plan server itself, so every machine shares one plan.
          if (project.store instanceof RemotePlanStore) {
            return new vscode.McpHttpServerDefinition(`Taskmaster (${project.folder.name}, ${project.store.address.project} on plan server)`, vscode.Uri.parse(project.store.mcpUrl), project.store.headers, version);
          }
          const settings = explicitAiSettings(project.folder.uri);
          const args = [cli, 'mcp', '--project', project.folder.uri.fsPath];
          if (settings.endpoints?.length) args.push('--endpoint', settings.endpoints.join(','));
          if (settings.model) args.push('--model', settings.model);
          // The editor's own runtime runs the CLI: in desktop VS Code it is Electron, told to act as Node.
          const serverEnv = { ...env, [TOOLS_ENV]: mcpTools(project.folder.uri) };
          return new vscode.McpStdioServerDefinition(`Taskmaster (${project.folder.name})`, process.execPath, args, serverEnv, version);
        });
      },
    }),
  );
}
