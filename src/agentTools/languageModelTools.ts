import * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import { runPlanTool } from '../planTools';
import type { Projects } from '../workspace/projects';
import { toolConfirmation } from './toolConfirmation';
import { languageModelToolName, languageModelTools } from './toolManifest';

interface ToolServices {
  projects: Projects;
  ai: AiService;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

/**
 * The plan tools for vscode.lm by name (package.json's languageModelTools declares them; the
 * composition root registers them at activation). Each call runs through the same tool code as
 * `tml mcp`; a call that changes the plan asks first.
 */
export function languageModelToolHandlers(services: ToolServices): Map<string, vscode.LanguageModelTool<Record<string, unknown>>> {
  return new Map(
    languageModelTools().map((tool): [string, vscode.LanguageModelTool<Record<string, unknown>>] => [
      languageModelToolName(tool),
      {
        prepareInvocation: ({ input }) => {
          const { invocationMessage, confirmation } = toolConfirmation(tool, input);
          return confirmation ? { invocationMessage, confirmationMessages: { title: confirmation.title, message: new vscode.MarkdownString(confirmation.markdown) } } : { invocationMessage };
        },
        invoke: async ({ input }, token) => {
          const project = services.projects.current;
          if (!project) throw new Error('There is no Task Master plan in this workspace. Ask the user to run "Taskmaster: Initialize Taskmaster" or to parse a PRD first.');
          await applyProjectSettings(services.ai, services.secrets, project);
          const controller = new AbortController();
          const cancelled = token.onCancellationRequested(() => controller.abort());
          try {
            const outcome = await runPlanTool(tool, input, {
              store: project.store,
              ai: services.ai,
              projectRoot: project.folder.uri.fsPath,
              signal: controller.signal,
              log: (line) => services.log.warn(line),
            });
            // VS Code hands a thrown error's message to the model: it reads what went wrong and can retry.
            if (!outcome.ok) throw new Error(outcome.message);
            return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(outcome.result))]);
          } finally {
            cancelled.dispose();
          }
        },
      },
    ]),
  );
}
