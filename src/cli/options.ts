import type { ConfigOptions } from './configCommands';
import { wantsJson, type OptionValues } from './commandLine';
import type { ParityOptions } from './parityCommands';
import type { ServeFlags } from '../server/serverConfig';

/** Every option of every command; those of the task-master commands are ParityOptions. */
export interface Options extends ParityOptions, ConfigOptions, ServeFlags {
  prompt?: string;
  strength?: string;
  num?: string;
  force?: boolean;
  ledger?: string;
  since?: string;
  out?: string;
  replace?: boolean;
  endpoint?: string;
  model?: string;
  files?: string;
  context?: string;
  tree?: boolean;
  detail?: string;
  saveTo?: string;
  saveFile?: boolean;
  save?: string;
  /** `tml token add`: read or write. */
  scope?: string;
}

export type Output = (line: string) => void;

export function toOptions(values: OptionValues): Options {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const flag = (name: string) => values[name] === true;
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  return {
    project: text('project') ?? process.cwd(),
    file: text('file'),
    tag: text('tag'),
    json: wantsJson(values),
    status: text('status'),
    title: text('title'),
    description: text('description'),
    details: text('details'),
    priority: text('priority'),
    dependencies: text('dependencies'),
    prompt: text('prompt'),
    strength: text('strength'),
    num: text('num'),
    force: flag('force'),
    all: flag('all'),
    from: text('from'),
    ledger: text('ledger'),
    since: text('since'),
    out: text('out'),
    replace: flag('replace'),
    endpoint: text('endpoint'),
    model: text('model'),
    id: text('id'),
    parent: text('parent'),
    dependsOn: text('depends-on'),
    withSubtasks: flag('with-subtasks'),
    copyFrom: text('copy-from'),
    copyFromCurrent: flag('copy-from-current'),
    fromBranch: flag('from-branch'),
    yes: flag('yes'),
    taskId: text('task-id'),
    convert: flag('convert'),
    to: text('to'),
    fromTag: text('from-tag'),
    toTag: text('to-tag'),
    withDependencies: flag('with-dependencies'),
    ignoreDependencies: flag('ignore-dependencies'),
    output: text('output'),
    setMain: text('set-main'),
    setResearch: text('set-research'),
    setFallback: text('set-fallback'),
    listAvailable: flag('list-available'),
    response: text('response'),
    files: text('files'),
    context: text('context'),
    tree: flag('tree'),
    detail: text('detail'),
    saveTo: text('save-to'),
    saveFile: flag('save-file'),
    save: text('save'),
    projects: list('project'),
    config: text('config'),
    host: text('host'),
    port: text('port'),
    tokens: text('tokens'),
    allowedHosts: list('allowed-host'),
    allowedOrigins: list('allowed-origin'),
    maxBodyBytes: text('max-body-bytes'),
    rateLimit: text('rate-limit'),
    logLevel: text('log-level'),
    scope: text('scope'),
  };
}
