import * as path from 'node:path';
import * as vscode from 'vscode';
import { MCP_PROVIDER_ID } from '../commands/commandIds';
import type { Projects } from '../workspace/projects';

/**
 * Offers `tml mcp` to VS Code's MCP support, one server per folder with a plan, so agent mode
 * and any MCP-aware chat see Task Master's tool names over the same core as the extension.
 */
export function registerMcpServerProvider(context: vscode.ExtensionContext, projects: Projects): void {
  const changed = new vscode.EventEmitter<void>();
  const cli = path.join(context.extensionUri.fsPath, 'dist', 'cli.js');
  context.subscriptions.push(
    changed,
    projects.onDidChange(() => changed.fire()),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () =>
        projects.withPlan.map(
          (project) =>
            // The editor's own runtime runs the CLI: in desktop VS Code it is Electron, told to act as Node.
            new vscode.McpStdioServerDefinition(`Taskmaster (${project.folder.name})`, process.execPath, [cli, 'mcp', '--project', project.folder.uri.fsPath], { ELECTRON_RUN_AS_NODE: '1' }),
        ),
    }),
  );
}
