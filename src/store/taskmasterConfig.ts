import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OperationError } from '../core/operations';
import { TASK_PRIORITIES, type TaskPriority } from '../core/task';
import { writeFileAtomic } from './atomicWrite';

export type TaskmasterConfig = Record<string, unknown>;

export function taskmasterConfigPath(projectRoot: string): string {
  return path.join(projectRoot, '.taskmaster', 'config.json');
}

/** A project's .taskmaster/config.json; a missing or unreadable one is an error saying what to do. */
export async function readTaskmasterConfig(projectRoot: string): Promise<TaskmasterConfig> {
  const file = taskmasterConfigPath(projectRoot);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new OperationError(`No ${file}: run initialize_project (or task-master init) first.`, 'not-found');
    throw error;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new OperationError(`${file} is not valid JSON (${(error as Error).message}); fix it by hand, it was left as it is.`, 'invalid');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new OperationError(`${file} is not a JSON object; fix it by hand, it was left as it is.`, 'invalid');
  return config as TaskmasterConfig;
}

/** Changes config.json with `change` and writes it whole, atomically, keeping every other field. */
export async function updateTaskmasterConfig(projectRoot: string, change: (config: TaskmasterConfig) => void): Promise<TaskmasterConfig> {
  const config = await readTaskmasterConfig(projectRoot);
  change(config);
  await writeFileAtomic(taskmasterConfigPath(projectRoot), JSON.stringify(config, null, 2) + '\n');
  return config;
}

/** A section of the config (`models`, `global`) as an object, created when absent. */
export function configSection(config: TaskmasterConfig, name: string): Record<string, unknown> {
  const section = config[name];
  if (typeof section === 'object' && section !== null && !Array.isArray(section)) return section as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  config[name] = created;
  return created;
}

/** The priority a new task gets: `global.defaultPriority` of config.json when it is one, else medium (as Task Master). */
export async function projectDefaultPriority(projectRoot: string): Promise<TaskPriority> {
  const config = await readTaskmasterConfig(projectRoot).catch(() => undefined);
  const global = config?.global as Record<string, unknown> | undefined;
  const priority = global?.defaultPriority;
  return (TASK_PRIORITIES as readonly unknown[]).includes(priority) ? (priority as TaskPriority) : 'medium';
}

/**
 * The language Task Master writes tasks in (`global.responseLanguage`): sets it when `language` is
 * given, then returns the language now set (null when the config names none).
 */
export async function responseLanguageSetting(projectRoot: string, language?: string): Promise<{ responseLanguage: string | null }> {
  const wanted = language?.trim();
  const config = wanted
    ? await updateTaskmasterConfig(projectRoot, (current) => (configSection(current, 'global').responseLanguage = wanted))
    : await readTaskmasterConfig(projectRoot);
  const global = config.global as Record<string, unknown> | undefined;
  return { responseLanguage: typeof global?.responseLanguage === 'string' ? global.responseLanguage : null };
}
