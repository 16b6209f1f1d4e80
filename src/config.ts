import * as vscode from 'vscode';
import type { AiSettings } from './ai/aiSettings';
import { isTaskStatus, type TaskStatus } from './core/task';
import { DEFAULT_PRIORITY_BY_LABEL } from './github/issueImport';
import { DEFAULT_BACKUPS_TO_KEEP } from './store/planBackups';

/** Every setting the extension reads, typed, in one place. */
const SECTION = 'taskmaster';

export const SettingKeys = {
  endpoint: 'ollama.endpoint',
  additionalEndpoints: 'ollama.additionalEndpoints',
  model: 'ollama.model',
  fallbackModels: 'ollama.fallbackModels',
  numCtx: 'ollama.numCtx',
  keepAlive: 'ollama.keepAlive',
  temperature: 'ollama.temperature',
  requestTimeoutSeconds: 'ollama.requestTimeoutSeconds',
  defaultSubtasks: 'ai.defaultSubtasks',
  modelByComplexity: 'ai.modelByComplexity',
  allowCopilotFallback: 'ai.allowCopilotFallback',
  commitKeywordsMarkDone: 'progress.commitKeywordsMarkDone',
  aiProgressNotes: 'progress.aiNotes',
  chatEngine: 'chat.engine',
  githubApiUrl: 'github.apiUrl',
  githubPriorityByLabel: 'github.priorityByLabel',
  boardColumns: 'board.columns',
  treePageSize: 'tree.pageSize',
  backupsToKeep: 'backups.keep',
  mcpTools: 'mcpServer.tools',
} as const;

/** A setting's value only where the user set one (so a project's Task Master config can apply). */
function explicit<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const inspected = config.inspect<T>(key);
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/** The AI settings the user set explicitly for a folder; defaults and config.json fill the rest. */
export function explicitAiSettings(scope?: vscode.Uri): Partial<AiSettings> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings: Partial<AiSettings> = {};
  const endpoint = explicit<string>(config, SettingKeys.endpoint);
  const more = explicit<string[]>(config, SettingKeys.additionalEndpoints) ?? [];
  if (endpoint || more.length) settings.endpoints = [...(endpoint ? [endpoint] : []), ...more];
  const model = explicit<string>(config, SettingKeys.model);
  if (model) settings.model = model;
  const fallbackModels = explicit<string[]>(config, SettingKeys.fallbackModels);
  if (fallbackModels) settings.fallbackModels = fallbackModels;
  settings.numCtx = config.get<number>(SettingKeys.numCtx);
  settings.keepAlive = config.get<string>(SettingKeys.keepAlive);
  settings.temperature = config.get<number>(SettingKeys.temperature);
  const routing = config.get<Record<string, string>>(SettingKeys.modelByComplexity);
  if (routing && Object.keys(routing).length) settings.modelByComplexity = routing;
  const timeout = config.get<number>(SettingKeys.requestTimeoutSeconds);
  if (timeout) settings.requestTimeoutMs = timeout * 1000;
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<AiSettings>;
}

/** Saves the model where the user keeps it: the workspace if set there, else the user settings. */
export async function saveModel(model: string, scope?: vscode.Uri): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const inWorkspace = config.inspect<string>(SettingKeys.model)?.workspaceValue !== undefined;
  await config.update(SettingKeys.model, model, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}

/** Saves the Ollama endpoint where the user keeps it: the workspace if set there, else the user settings. */
export async function saveEndpoint(endpoint: string, scope?: vscode.Uri): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const inWorkspace = config.inspect<string>(SettingKeys.endpoint)?.workspaceValue !== undefined;
  await config.update(SettingKeys.endpoint, endpoint, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}

export function allowCopilotFallback(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(SettingKeys.allowCopilotFallback) ?? false;
}

/** Whether "closes task 4" in a commit marks 4 done without asking. */
export function commitKeywordsMarkDone(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(SettingKeys.commitKeywordsMarkDone) ?? false;
}

/** Whether commits on the active task get an AI-written progress note (off: nothing is sent). */
export function aiProgressNotes(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(SettingKeys.aiProgressNotes) ?? false;
}

export function defaultSubtaskCount(scope?: vscode.Uri): number {
  return vscode.workspace.getConfiguration(SECTION, scope).get<number>(SettingKeys.defaultSubtasks) ?? 5;
}

export interface GitHubSettings {
  /** https://api.github.com, or an Enterprise server's https://HOST/api/v3. */
  apiUrl: string;
  priorityByLabel: Record<string, string>;
}

export function githubSettings(scope?: vscode.Uri): GitHubSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    apiUrl: config.get<string>(SettingKeys.githubApiUrl) || 'https://api.github.com',
    priorityByLabel: config.get<Record<string, string>>(SettingKeys.githubPriorityByLabel) ?? DEFAULT_PRIORITY_BY_LABEL,
  };
}

export function affectsAiSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.ollama`) || event.affectsConfiguration(`${SECTION}.ai`);
}

/** Which model answers free questions and AI work asked in @taskmaster: the chat's own, or Ollama. */
export function chatEngine(): 'copilot' | 'ollama' {
  return vscode.workspace.getConfiguration(SECTION).get<string>(SettingKeys.chatEngine) === 'ollama' ? 'ollama' : 'copilot';
}

/** How many backups of each tag `.taskmaster/backups/` keeps; never fewer than the one Undo needs. */
export function backupsToKeep(scope?: vscode.Uri): number {
  const configured = vscode.workspace.getConfiguration(SECTION, scope).get<number>(SettingKeys.backupsToKeep);
  return Math.max(1, Math.floor(configured ?? DEFAULT_BACKUPS_TO_KEEP));
}

const DEFAULT_BOARD_COLUMNS: TaskStatus[] = ['pending', 'in-progress', 'review', 'done'];

/** The statuses the board shows as columns, in order: unknown and repeated ones dropped, none means the default. */
export function boardColumns(scope?: vscode.Uri): TaskStatus[] {
  const configured = vscode.workspace.getConfiguration(SECTION, scope).get<unknown>(SettingKeys.boardColumns);
  const columns = [...new Set(Array.isArray(configured) ? configured.filter(isTaskStatus) : [])];
  return columns.length ? columns : DEFAULT_BOARD_COLUMNS;
}

export function affectsBoardSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.board`);
}

/** How many rows a list in the Tasks tree shows before Show More; 0 shows them all. */
export function treePageSize(): number {
  const size = vscode.workspace.getConfiguration(SECTION).get<number>(SettingKeys.treePageSize);
  return typeof size === 'number' && Number.isFinite(size) && size > 0 ? Math.floor(size) : 0;
}

export function affectsTreeSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.tree`);
}

/** The TASK_MASTER_TOOLS value for the MCP servers the extension offers: a group or a list of tool names. */
export function mcpTools(scope?: vscode.Uri): string {
  return vscode.workspace.getConfiguration(SECTION, scope).get<string>(SettingKeys.mcpTools) ?? '';
}

export function affectsMcpSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return affectsAiSettings(event) || event.affectsConfiguration(`${SECTION}.mcpServer`);
}

/** The plan server a folder works against (taskmaster.planServer.*), when both its URL and project are set. */
export function planServerSettings(scope?: vscode.Uri): { url: string; project: string } | undefined {
  const settings = vscode.workspace.getConfiguration(SECTION, scope);
  const url = settings.get<string>('planServer.url', '').trim().replace(/\/+$/, '');
  const project = settings.get<string>('planServer.project', '').trim();
  return url && project ? { url, project } : undefined;
}

export function affectsPlanServerSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.planServer`);
}

/** The SecretStorage key of a plan server's token: one per server URL. */
export function planServerTokenKey(url: string): string {
  return `taskmaster.planServer.token:${url}`;
}
