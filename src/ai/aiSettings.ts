import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** How inference runs. The surfaces fill it from VS Code settings or CLI flags. */
export interface AiSettings {
  /** Ollama hosts in order of preference. */
  endpoints: string[];
  model: string;
  fallbackModels: string[];
  /** Sent on every call, so the model is not reloaded with another context size. */
  numCtx: number;
  keepAlive: string;
  temperature: number;
  requestTimeoutMs: number;
  /** Headers for a reverse proxy in front of Ollama (from SecretStorage, never from settings). */
  headers?: Record<string, string>;
  /**
   * The origins (`http://host:port`) the headers were given for; other hosts never get them, even
   * when a project's config.json names another endpoint. Unset: every endpoint (a header set in
   * the user's own shell for `tml`).
   */
  headerOrigins?: string[];
  /** Optional model per complexity band: quick work on a small model, hard work on a large one. */
  modelByComplexity?: Partial<Record<ComplexityBand, string>>;
  /** The language every answer is asked in (Task Master's `global.responseLanguage`); unset: no instruction. */
  responseLanguage?: string;
}

export type ComplexityBand = 'low' | 'medium' | 'high';

/** Task Master's 1–10 complexity score as a band: 1–3 low, 4–7 medium, 8–10 high. */
export function complexityBand(score: number): ComplexityBand {
  return score <= 3 ? 'low' : score <= 7 ? 'medium' : 'high';
}

/** qwen2.5-coder:7b exists in Ollama's library and plans well at this size. */
export const DEFAULT_MODEL = 'qwen2.5-coder:7b';

export const DEFAULT_AI_SETTINGS: AiSettings = {
  endpoints: ['http://127.0.0.1:11434'],
  model: DEFAULT_MODEL,
  fallbackModels: [],
  numCtx: 8192,
  keepAlive: '10m',
  temperature: 0.2,
  requestTimeoutMs: 180_000,
};

/**
 * An Ollama base URL as the client wants it: Task Master writes `http://host:11434/api`,
 * OpenAI-compatible configs `http://host:11434/v1`; both mean the server at `http://host:11434`.
 * As with OLLAMA_HOST, a bare host gets port 11434 and a URL with a scheme keeps its own port.
 */
export function normalizeEndpoint(url: string): string {
  let value = url.trim();
  const bare = !/^https?:\/\//i.test(value);
  if (bare) value = `http://${value}`;
  value = value.replace(/\/+$/, '').replace(/\/(api|v1)$/i, '');
  const parsed = new URL(value);
  if (bare && !parsed.port) parsed.port = '11434';
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * What an existing Task Master project says about Ollama in `.taskmaster/config.json`
 * (`models.main/fallback` with `provider: "ollama"`, `global.ollamaBaseURL`) and the language its
 * answers are wanted in (`global.responseLanguage`).
 */
export async function readTaskmasterAiConfig(root: string): Promise<Partial<AiSettings>> {
  let config: { models?: Record<string, { provider?: string; modelId?: string }>; global?: { ollamaBaseURL?: string; responseLanguage?: unknown } };
  try {
    config = JSON.parse(await fs.readFile(path.join(root, '.taskmaster', 'config.json'), 'utf8'));
  } catch {
    return {};
  }
  const result: Partial<AiSettings> = {};
  const main = config.models?.main;
  if (main?.provider === 'ollama' && main.modelId) result.model = main.modelId;
  const fallback = config.models?.fallback;
  if (fallback?.provider === 'ollama' && fallback.modelId) result.fallbackModels = [fallback.modelId];
  if (config.global?.ollamaBaseURL) result.endpoints = [normalizeEndpoint(config.global.ollamaBaseURL)];
  const language = config.global?.responseLanguage;
  if (typeof language === 'string' && language.trim()) result.responseLanguage = language.trim();
  return result;
}

/** Defaults, then the project's Task Master config, then what the user set explicitly. */
export function resolveAiSettings(fromProject: Partial<AiSettings>, explicit: Partial<AiSettings>): AiSettings {
  const merged = { ...DEFAULT_AI_SETTINGS, ...fromProject, ...explicit };
  return { ...merged, endpoints: merged.endpoints.map(normalizeEndpoint) };
}

/** The environment variable that carries proxy headers to `tml` ("Name: value; Other: value"). */
export const HEADERS_ENV = 'TML_OLLAMA_HEADERS';
/** The environment variable naming, comma-separated, the only origins those headers may go to. */
export const HEADER_ORIGINS_ENV = 'TML_OLLAMA_HEADER_ORIGINS';

/** `http://host:port` of an endpoint, as headers are bound to it. */
export function endpointOrigin(endpoint: string): string {
  return new URL(normalizeEndpoint(endpoint)).origin;
}

/** The headers a host may get: none unless they were given for its origin. */
export function headersFor(settings: Pick<AiSettings, 'headers' | 'headerOrigins'>, host: string): Record<string, string> | undefined {
  if (!settings.headers) return undefined;
  return !settings.headerOrigins || settings.headerOrigins.includes(endpointOrigin(host)) ? settings.headers : undefined;
}

/** A header map as "Name: value; Other: value", the form parseHeaders reads. */
export function formatHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
}

/** "Name: value; Other: value" as a header map, or undefined when malformed. */
export function parseHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon <= 0) return undefined;
    headers[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return Object.keys(headers).length ? headers : undefined;
}
