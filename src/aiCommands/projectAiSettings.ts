import type * as vscode from 'vscode';
import type { AiService } from '../ai/aiService';
import { readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../ai/aiSettings';
import { explicitAiSettings } from '../config';
import type { Project } from '../workspace/projects';

/** Proxy headers live in SecretStorage under this key, as JSON: never in settings. */
export const HEADERS_SECRET = 'taskmaster.ollama.headers';

/** Proxy headers as stored: the headers and the endpoint origins they were entered for. */
export interface StoredProxyHeaders {
  headers: Record<string, string>;
  origins: string[];
}

export async function readProxyHeaders(secrets: vscode.SecretStorage): Promise<StoredProxyHeaders | undefined> {
  const stored = await secrets.get(HEADERS_SECRET);
  if (!stored) return undefined;
  const parsed = JSON.parse(stored) as Partial<StoredProxyHeaders>;
  // Stored before headers were bound to origins: bound to none until set again.
  return parsed.headers && Array.isArray(parsed.origins) ? { headers: parsed.headers, origins: parsed.origins } : undefined;
}

/**
 * The AI settings of a project: defaults, its Task Master config, the user's settings and the
 * proxy headers from SecretStorage. Applied to the shared inference before each use.
 */
export async function applyProjectSettings(ai: AiService, secrets: vscode.SecretStorage, project: Project): Promise<AiSettings> {
  const proxy = await readProxyHeaders(secrets);
  const settings = resolveAiSettings(await readTaskmasterAiConfig(project.folder.uri.fsPath), { ...explicitAiSettings(project.folder.uri), headers: proxy?.headers, headerOrigins: proxy?.origins });
  ai.inference.updateSettings(settings);
  return settings;
}
