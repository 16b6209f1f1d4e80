import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locatePlan } from '../store/planLocation';
import type { LogLevel } from './log';
import { defaultTokensFile } from './tokens';

/** What `tml serve` runs with: flags over the config file over these defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  tokensFile: string;
  projects: ServedProjectConfig[];
  allowedHosts: string[];
  allowedOrigins: string[];
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  logLevel: LogLevel;
}

export interface ServedProjectConfig {
  name: string;
  /** Real path of the project folder. */
  root: string;
}

/** The flags as given; each one set wins over the config file. */
export interface ServeFlags {
  projects: string[];
  config?: string;
  host?: string;
  port?: string;
  tokens?: string;
  allowedHosts: string[];
  allowedOrigins: string[];
  maxBodyBytes?: string;
  rateLimit?: string;
  logLevel?: string;
}

/** A configuration the server cannot start with; the message says what to change. */
export class ServerConfigError extends Error {}

const DEFAULTS = { host: '127.0.0.1', port: 3001, maxBodyBytes: 4 * 1024 * 1024, rateLimitPerMinute: 600, logLevel: 'info' as LogLevel };
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface ConfigFile {
  host?: string;
  port?: number;
  tokensFile?: string;
  projects?: Record<string, string>;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  maxBodyBytes?: number;
  rateLimitPerMinute?: number;
  logLevel?: string;
}

export async function resolveServerConfig(flags: ServeFlags, cwd = process.cwd()): Promise<ServerConfig> {
  const file = flags.config ? await readConfigFile(path.resolve(cwd, flags.config)) : {};
  const configDir = flags.config ? path.dirname(path.resolve(cwd, flags.config)) : cwd;
  const projectEntries = flags.projects.length > 0 ? flags.projects.map(projectFlag) : Object.entries(file.projects ?? {});
  if (projectEntries.length === 0) throw new ServerConfigError('no project to serve: give --project name=/path/to/project (repeatable) or a --config file with "projects".');
  const projects: ServedProjectConfig[] = [];
  for (const [name, given] of projectEntries) {
    if (!PROJECT_NAME.test(name)) throw new ServerConfigError(`project name "${name}" must be letters, digits, ".", "_" or "-" (it becomes part of the URL).`);
    if (projects.some((project) => project.name === name)) throw new ServerConfigError(`project name "${name}" is given twice.`);
    const folder = path.resolve(flags.projects.length > 0 ? cwd : configDir, withHome(given));
    const root = await fs.realpath(folder).catch(() => {
      throw new ServerConfigError(`project "${name}": no folder at ${folder}.`);
    });
    if (!existsSync(locatePlan(root).tasksFile)) {
      throw new ServerConfigError(`project "${name}": ${root} holds no Task Master plan (.taskmaster/tasks/tasks.json). Run tml init there, or task-master init, or point to another folder.`);
    }
    projects.push({ name, root });
  }
  const logLevel = flags.logLevel ?? file.logLevel ?? DEFAULTS.logLevel;
  if (!['debug', 'info', 'warn'].includes(logLevel)) throw new ServerConfigError(`--log-level must be debug, info or warn, not "${logLevel}".`);
  return {
    host: flags.host ?? file.host ?? DEFAULTS.host,
    port: whole(flags.port ?? file.port ?? DEFAULTS.port, '--port', 0, 65_535),
    tokensFile: flags.tokens ? path.resolve(cwd, withHome(flags.tokens)) : file.tokensFile ? path.resolve(configDir, withHome(file.tokensFile)) : defaultTokensFile(),
    projects,
    allowedHosts: [...(file.allowedHosts ?? []), ...flags.allowedHosts],
    allowedOrigins: [...(file.allowedOrigins ?? []), ...flags.allowedOrigins],
    maxBodyBytes: whole(flags.maxBodyBytes ?? file.maxBodyBytes ?? DEFAULTS.maxBodyBytes, '--max-body-bytes', 1, Number.MAX_SAFE_INTEGER),
    rateLimitPerMinute: whole(flags.rateLimit ?? file.rateLimitPerMinute ?? DEFAULTS.rateLimitPerMinute, '--rate-limit', 1, Number.MAX_SAFE_INTEGER),
    logLevel: logLevel as LogLevel,
  };
}

/** `~/…` as the shell would have it: a config file or a quoted flag keeps the `~`. */
function withHome(folder: string): string {
  return folder === '~' || folder.startsWith('~/') ? path.join(os.homedir(), folder.slice(1)) : folder;
}

function projectFlag(value: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new ServerConfigError(`--project "${value}" must be name=/path/to/project.`);
  return [value.slice(0, at), value.slice(at + 1)];
}

function whole(value: string | number, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new ServerConfigError(`${flag} must be a whole number from ${min} to ${max}, not "${value}".`);
  return number;
}

async function readConfigFile(file: string): Promise<ConfigFile> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ServerConfigError(`cannot read the config file ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServerConfigError(`the config file ${file} is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ServerConfigError(`the config file ${file} must hold a JSON object.`);
  return parsed as ConfigFile;
}
