import { configSection, readTaskmasterConfig, updateTaskmasterConfig, type TaskmasterConfig } from '../store/taskmasterConfig';
import type { AiService } from './aiService';

/** Task Master's model roles: `main` does the work, `fallback` answers when main fails, `research` is its research role. */
export const MODEL_ROLES = ['main', 'research', 'fallback'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export interface ModelsRequest {
  /** The Ollama model to set for each role named; the others stay as they are. */
  set: Partial<Record<ModelRole, string>>;
  /** Also list what the Ollama hosts have installed. */
  listAvailable: boolean;
}

export interface ConfiguredModel {
  provider: unknown;
  modelId: string;
}

export interface AvailableModel {
  host: string;
  name: string;
  parameterSize: string;
  quantization: string;
}

export type ModelsResult = Record<ModelRole, ConfiguredModel | null> & {
  ollamaBaseURL: unknown;
  available?: AvailableModel[];
  warnings?: string[];
};

/**
 * Reads the models of .taskmaster/config.json, or sets roles to Ollama models (keeping every other
 * field), as Task Master's `models` command and MCP tool do. A model set here that no host has
 * installed is still set, with a warning: it may be pulled later.
 */
export async function configureModels(projectRoot: string, request: ModelsRequest, ai: AiService): Promise<ModelsResult> {
  const changes = MODEL_ROLES.flatMap((role) => (request.set[role] ? [{ role, modelId: request.set[role] }] : []));
  const config = changes.length
    ? await updateTaskmasterConfig(projectRoot, (current) => {
        const section = configSection(current, 'models');
        for (const { role, modelId } of changes) section[role] = { ...objectOrEmpty(section[role]), provider: 'ollama', modelId };
      })
    : await readTaskmasterConfig(projectRoot);
  const endpoints = [...ai.inference.endpoints];
  const installed = changes.length || request.listAvailable ? await ai.models.listModels(endpoints) : [];
  const missing = changes.filter(({ modelId }) => !installed.some((model) => sameModel(model.name, modelId)));
  return {
    ...configuredModels(config),
    ...(request.listAvailable ? { available: installed.map(({ host, name, parameterSize, quantization }) => ({ host, name, parameterSize, quantization })) } : {}),
    ...(missing.length
      ? {
          warnings: missing.map(
            ({ role, modelId }) => `The ${role} model ${modelId} is not installed on any reachable Ollama host (${endpoints.join(', ')}): run "ollama pull ${modelId}" before using it.`,
          ),
        }
      : {}),
  };
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function configuredModels(config: TaskmasterConfig): Record<ModelRole, ConfiguredModel | null> & { ollamaBaseURL: unknown } {
  const section = objectOrEmpty(config.models);
  const role = (name: ModelRole) => {
    const entry = objectOrEmpty(section[name]);
    return typeof entry.modelId === 'string' ? { provider: entry.provider ?? null, modelId: entry.modelId } : null;
  };
  return { main: role('main'), research: role('research'), fallback: role('fallback'), ollamaBaseURL: objectOrEmpty(config.global).ollamaBaseURL ?? null };
}

/** Ollama reads a name without a tag as ":latest". */
export function sameModel(installed: string, wanted: string): boolean {
  const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return withTag(installed) === withTag(wanted);
}
