import type * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../ai/aiSettings';
import { explicitAiSettings } from '../config';
import type { Project } from '../workspace/projects';

/** Proxy headers live in SecretStorage under this key, as JSON: never in settings. */
export const HEADERS_SECRET = 'taskmaster.ollama.headers';

/**
 * The AI settings of a project: defaults, its Task Master config, the user's settings and the
 * proxy headers from SecretStorage. Applied to the shared inference before each use.
 */
export async function applyProjectSettings(ai: AiService, secrets: vscode.SecretStorage, project: Project): Promise<AiSettings> {
  const stored = await secrets.get(HEADERS_SECRET);
  const headers = stored ? (JSON.parse(stored) as Record<string, string>) : undefined;
  const settings = resolveAiSettings(await readTaskmasterAiConfig(project.folder.uri.fsPath), { ...explicitAiSettings(project.folder.uri), headers });
  ai.inference.updateSettings(settings);
  return settings;
}
