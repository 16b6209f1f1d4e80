import { parseArgs } from 'node:util';

export class UsageError extends Error {}

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

const text = (short?: string): OptionSpec => ({ type: 'string', ...(short ? { short } : {}) });
const flag = (short?: string): OptionSpec => ({ type: 'boolean', ...(short ? { short } : {}) });
const repeated = (): OptionSpec => ({ type: 'string', multiple: true });

/** Every command takes these; the short letters belong to each command, as in Task Master. */
const COMMON: Record<string, OptionSpec> = { project: text(), file: text(), tag: text(), json: flag(), help: flag('h') };
const MODEL = { endpoint: text(), model: text() };
const TAG_FILE = { file: text('f') };

/**
 * Each command's options, named as task-master 0.43 names them. `-f` is `--file` where Task Master
 * reads a file (its older commands) and `--format` where it prints one (list, show, next, set-status);
 * `-p` is `--project` on the latter, `--prompt` or `--parent` where Task Master says so.
 */
const COMMAND_OPTIONS: Record<string, Record<string, OptionSpec>> = {
  list: { status: text('s'), tag: text('t'), 'with-subtasks': flag(), format: text('f'), project: text('p') },
  show: { id: text('i'), status: text('s'), format: text('f'), project: text('p') },
  next: { tag: text('t'), format: text('f'), project: text('p') },
  'set-status': { id: text('i'), status: text('s'), format: text('f'), project: text('p') },
  'add-task': { file: text('f'), prompt: text('p'), title: text('t'), description: text('d'), details: text(), dependencies: text(), priority: text(), ...MODEL },
  'add-subtask': { file: text('f'), parent: text('p'), 'task-id': text('i'), title: text('t'), description: text('d'), details: text(), dependencies: text(), status: text('s') },
  'remove-task': { id: text('i'), file: text('f'), yes: flag('y') },
  'clear-subtasks': { id: text('i'), all: flag(), file: text('f') },
  'remove-subtask': { id: text('i'), convert: flag('c'), file: text('f') },
  move: { file: text('f'), from: text(), to: text(), 'from-tag': text(), 'to-tag': text(), 'with-dependencies': flag(), 'ignore-dependencies': flag() },
  'add-dependency': { id: text('i'), 'depends-on': text('d'), file: text('f') },
  'remove-dependency': { id: text('i'), 'depends-on': text('d'), file: text('f') },
  'validate-dependencies': TAG_FILE,
  'fix-dependencies': TAG_FILE,
  tags: { 'copy-from-current': flag(), 'copy-from': text(), 'from-branch': flag(), description: text('d'), yes: flag('y') },
  'add-tag': { ...TAG_FILE, 'copy-from-current': flag(), 'copy-from': text(), 'from-branch': flag(), description: text('d') },
  'use-tag': TAG_FILE,
  'delete-tag': { ...TAG_FILE, yes: flag('y') },
  'rename-tag': TAG_FILE,
  'copy-tag': { ...TAG_FILE, description: text('d') },
  generate: { tag: text('t'), output: text('o'), project: text('p'), format: text('f') },
  'sync-readme': { file: text('f'), 'with-subtasks': flag(), status: text('s'), tag: text('t') },
  expand: { num: text(), prompt: text(), force: flag(), all: flag(), ...MODEL },
  'parse-prd': { num: text(), replace: flag(), ...MODEL },
  'analyze-complexity': MODEL,
  update: { from: text(), prompt: text(), ...MODEL },
  'update-task': { prompt: text(), ...MODEL },
  'update-subtask': { prompt: text(), ...MODEL },
  // -r (--research) is accepted as Task Master takes it: the configured local model answers either way.
  'scope-up': { id: text('i'), strength: text('s'), prompt: text('p'), research: flag('r'), file: text('f'), ...MODEL },
  'scope-down': { id: text('i'), strength: text('s'), prompt: text('p'), research: flag('r'), file: text('f'), ...MODEL },
  research: { id: text('i'), files: text('f'), context: text('c'), tree: flag('t'), save: text('s'), detail: text('d'), 'save-to': text(), 'save-file': flag(), ...MODEL },
  report: { ledger: text(), since: text(), out: text() },
  history: { ledger: text() },
  validate: {},
  models: { 'set-main': text(), 'set-research': text(), 'set-fallback': text(), ollama: flag(), 'list-available': flag(), endpoint: text(), format: text() },
  lang: { response: text(), format: text() },
  'complexity-report': { file: text('f'), tag: text('t'), format: text() },
  mcp: MODEL,
  serve: {
    project: repeated(),
    config: text(),
    host: text(),
    port: text(),
    tokens: text(),
    'allowed-host': repeated(),
    'allowed-origin': repeated(),
    'max-body-bytes': text(),
    'rate-limit': text(),
    'log-level': text(),
    ...MODEL,
  },
  token: { scope: text(), tokens: text() },
  'merge-driver': {},
  'init-merge': {},
  'resolve-conflict': TAG_FILE,
};

/** Task Master's short names for the same commands. */
const ALIASES: Record<string, string> = { ls: 'list', status: 'set-status' };

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandLine {
  command?: string;
  args: string[];
  values: OptionValues;
}

/** Options that take a value in any command: the scan for the command word skips their values. */
const VALUE_OPTIONS = new Set(
  Object.values(COMMAND_OPTIONS)
    .concat(COMMON)
    .flatMap((options) => Object.entries(options).filter(([, spec]) => spec.type === 'string').flatMap(([name, spec]) => [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])])),
);

function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return argv[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return undefined;
}

/** Parses a command line with the options of its command; an option the command lacks is a usage error. */
export function parseCommandLine(argv: string[]): CommandLine {
  const word = commandWord(argv);
  const command = word === undefined ? undefined : (ALIASES[word] ?? word);
  const specific = command !== undefined ? COMMAND_OPTIONS[command] : undefined;
  if (word !== undefined && !specific) throw new UsageError(`unknown command "${word}". Run tml --help for the list.`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, ...specific } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('. To specify')[0]}${command ? ` for ${command}` : ''}. Run tml --help for usage.`);
  }
  const [, ...args] = parsed.positionals;
  return { command, args, values: parsed.values as OptionValues };
}

/** `--format json` is Task Master's spelling of `--json`. */
export function wantsJson(values: OptionValues): boolean {
  const format = values.format;
  if (format !== undefined && format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${String(format)}"`);
  return values.json === true || format === 'json';
}
