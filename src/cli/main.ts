import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from '../ai/aiErrors';
import { AiService, researchContextParts, type AiOutcome } from '../ai/aiService';
import { HEADER_ORIGINS_ENV, HEADERS_ENV, parseHeaders, readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../ai/aiSettings';
import { OllamaInference } from '../ai/ollamaInference';
import { commaList } from '../core/ids';
import { findNextTask } from '../core/nextTask';
import { OperationError, requireTag } from '../core/operations';
import { parseScopeStrength } from '../core/scopePrompts';
import { plural } from '../core/text';
import { parseDetailLevel } from '../core/researchPrompt';
import { validatePlan } from '../core/validation';
import { ActivityLedger, locateSqlWasm } from '../ledger';
import { PlanMcpServer } from '../mcp/planMcpServer';
import { PLAN_TOOLS, researchView, saveResearch, selectPlanTools, TOOLS_ENV } from '../planTools';
import { eventLine, parsePeriod, renderProgressReport } from '../progress/progressReport';
import { writeFileAtomic } from '../store/atomicWrite';
import { JsonLocator } from '../store/jsonText';
import { locatePlan } from '../store/planLocation';
import { resolveInside } from '../store/projectPaths';
import { describeUndoneChange, describeWriters, TaskStore } from '../store/taskStore';
import { version } from '../../package.json';
import { parseCommandLine, UsageError, wantsJson, type OptionValues } from './commandLine';
import { runConfigCommand, type ConfigOptions } from './configCommands';
import { formatTask } from './format';
import { isMergeCommand, runMergeCommand } from './mergeCommands';
import { loadTag, runParityCommand, type ParityOptions } from './parityCommands';

const USAGE = `tml: Task Master plans from the command line

Usage: tml <command> [arguments] [options]

Commands (task-master's own command lines work: same names and flags; short forms shown too):
  list [status|all] [-s status] [--with-subtasks]      the tasks of a tag ("all" shows subtasks)
  show <id>[,<id>...]   (or --id)                      tasks or subtasks ("12" or "12.3")
  next                                                 the task to work on next, as task-master next picks it
  set-status --id <id>[,<id>...] --status <status>     (or set-status <ids> <status>) pending, in-progress,
                                                       review, done, deferred, cancelled, blocked; a parent
                                                       follows its subtasks as in task-master
  add-task --title T --description D [--details X] [--priority P] [--dependencies 1,2]
  add-task --prompt "what to add"                      the model writes the task (title, details, dependencies)
  add-subtask --parent <id> --title T [-d D] [--details X] [--dependencies 1,2] [-s status]
  add-subtask --parent <id> --task-id <id>             make an existing task a subtask of the parent
  remove-task --id <id>[,<id>...] -y                   remove tasks (with their subtasks) or subtasks
  clear-subtasks --id <id>[,<id>...] | --all           remove the subtasks of tasks
  remove-subtask --id <p.s>[,...] [--convert]          remove a subtask, or make it a task
  move --from <id>[,...] --to <id>[,...]               renumber a task, or move between tasks and subtasks
  move --from <id>[,...] [--from-tag T] --to-tag T [--with-dependencies | --ignore-dependencies]
                                                       move tasks to another tag
  add-dependency --id <id> --depends-on <id>           (or add-dependency <id> <depends-on>)
  remove-dependency --id <id> --depends-on <id>        (or remove-dependency <id> <depends-on>)
  validate-dependencies                                missing, self, duplicate and circular dependencies
  fix-dependencies                                     remove missing, self and duplicate dependencies
  validate                                             dependency and field problems, with file positions
  tags [list]                                          the tags and their task counts
  add-tag <name> [--copy-from-current | --copy-from <tag>] [--from-branch] [-d text]   (or tags add)
  use-tag <name>                                       switch the current tag in state.json (or tags use)
  delete-tag <name> -y                                 delete a tag and its tasks (or tags remove)
  rename-tag <old> <new>                               (or tags rename)
  copy-tag <source> <target> [-d text]                 (or tags copy)
  generate [-o <dir>] [--tag T]                        one markdown file per task (task_001.md) in .taskmaster/tasks
  sync-readme [--with-subtasks] [-s status] [--tag T]  the task list into README.md, between export markers
  expand <id> [--num N] [--prompt P] [--force]         break a task into subtasks with the model
  expand --all [--force]                               expand every pending task, prerequisites first, across hosts
  parse-prd <file> [--num N] [--replace]               turn a requirements document into tasks with the model
  analyze-complexity                                   rate open tasks; writes .taskmaster/reports/task-complexity-report.json
  complexity-report [-f <report>] [--tag T]            the ratings, most complex first, with the expand command for each
  models [--set-main M] [--set-research M] [--set-fallback M] [--ollama] [--list-available] [--endpoint URL]
                                                       the Ollama models of .taskmaster/config.json; set one per role
  lang [--response <language>]                         the language tasks are written in (global.responseLanguage)
  update-task <id> --prompt "change"                   rewrite a task for a change, with the model
  update-subtask <id> --prompt "note"                  append a timestamped implementation note, with the model
  update --from <id> --prompt "change"                 rewrite every open task from that id onward, with the model
  scope-up --id <id>[,<id>...] [-s light|regular|heavy] [-p "instructions"]
                                                       make tasks more complex with the model; pending
                                                       subtasks are replaced, started or settled ones kept
  scope-down --id <id>[,<id>...] [-s light|regular|heavy] [-p "instructions"]
                                                       make tasks simpler, the same way
  research "<question>" [-i 1,2.1] [-f src/a.ts,src/b.ts] [-c "context"] [--tree] [-d low|medium|high]
           [--save-to <id>] [--save-file] [-s <file>] a question answered with the project's context by your
                                                       Ollama model (task-master asks a cloud search model);
                                                       saved as a note on a task, in .taskmaster/docs/research
                                                       or in the file -s names
  report --ledger <file> [--since 7d] [--out file]     progress report (markdown) from the activity ledger
  history <id> --ledger <file>                         what happened to a task, from the activity ledger
  mcp                                                  serve the plan tools to MCP clients over stdio (see README)
  init-merge                                           make git merge tasks.json by tag and task id (.gitattributes
                                                       entry and the driver in the repository's git config)
  merge-driver %O %A %B %P                             the merge driver git runs (installed by init-merge)
  resolve-conflict [-f file]                           merge a tasks.json left with conflict markers by tag and
                                                       task id; the conflicted file goes to .taskmaster/backups

Options:
  --project <dir>   project root (default: the current folder); -p on list, show, next, set-status
  --file <path>     tasks.json to use (default: .taskmaster/tasks/tasks.json); -f on the other commands
  --tag <tag>       tag to use (default: currentTag of .taskmaster/state.json, else master)
  --json            machine-readable output; --format json (-f json on list, show, next, set-status) too
  --endpoint <url>  Ollama host(s), comma-separated (default: .taskmaster/config.json, else 127.0.0.1:11434)
  --model <name>    Ollama model (default: .taskmaster/config.json, else qwen2.5-coder:7b)
  (environment) TML_OLLAMA_HEADERS="Name: value; Other: value"   headers for an Ollama behind a proxy
  (environment) TML_OLLAMA_HEADER_ORIGINS=http://host:port[,…]  send those headers to these origins only
  (environment) TASK_MASTER_TOOLS=core|standard|all|name,name   the tools tml mcp serves (default core)
  --help            this text
An option a command does not take is refused (exit 2).

Exit codes: 0 success, 1 a named task or tag does not exist, 2 bad input,
3 the model step failed (Ollama unreachable, model missing, no valid answer).`;

/** Every option of every command; those of the task-master commands are ParityOptions. */
interface Options extends ParityOptions, ConfigOptions {
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
}

type Output = (line: string) => void;

function toOptions(values: OptionValues): Options {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const flag = (name: string) => values[name] === true;
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
  };
}

export async function runCli(argv: string[], out: Output, err: Output): Promise<number> {
  let command: string | undefined;
  let args: string[];
  let options: Options;
  try {
    const line = parseCommandLine(argv);
    ({ command, args } = line);
    if (line.values.help || !command) {
      out(USAGE);
      return command || line.values.help ? 0 : 2;
    }
    options = toOptions(line.values);
  } catch (error) {
    err(`tml: ${(error as Error).message}`);
    return 2;
  }
  const store = new TaskStore(locatePlan(options.project, options.file));
  store.onDidUndoneChange((undone) => err(`tml: ${describeUndoneChange(undone)}`));
  try {
    const code = await dispatch(command, args, options, store, out, err);
    await store.settled((writers) =>
      err(`tml: waiting for ${describeWriters(writers)} to finish: it read tasks.json before this change and its write could undo it. Ctrl-C stops waiting (the change is written; that write may still undo it).`),
    );
    return code;
  } catch (error) {
    err(`tml: ${(error as Error).message}`);
    if (InvalidReplyError.is(error)) err(`Last reply from the model:\n${error.rawReply}`);
    if (OllamaUnreachableError.is(error) || ModelNotFoundError.is(error) || InvalidReplyError.is(error)) return 3;
    return OperationError.is(error) && error.kind === 'not-found' ? 1 : 2;
  } finally {
    store.dispose();
  }
}

function need(args: string[], count: number, usage: string): void {
  if (args.length < count) throw new UsageError(`missing arguments. Usage: tml ${usage}`);
}

async function dispatch(command: string, args: string[], options: Options, store: TaskStore, out: Output, err: Output): Promise<number> {
  const print = (json: unknown, text: () => string) => out(options.json ? JSON.stringify(json, null, 2) : text());
  if (isMergeCommand(command)) return runMergeCommand(command, args, options.json, store, out, err);
  if (!(command === 'add-task' && options.prompt)) {
    const code = await runParityCommand(command, args, options, store, out);
    if (code !== undefined) return code;
  }
  switch (command) {
    case 'next': {
      const tag = await loadTag(store, options.tag);
      const next = findNextTask(tag);
      // As task-master next reports a subtask: with the priority it was ranked by, its parent's when it has none.
      print(next ? { ...next.raw, id: next.fileId, ...(next.parent ? { priority: next.priority } : {}) } : null, () =>
        next ? formatTask(next) : 'No eligible task: every pending task waits on unfinished dependencies, or all are done.',
      );
      return 0;
    }
    case 'add-task': {
      const outcome = await (await aiService(options)).addTaskFromPrompt(store, { prompt: options.prompt!, tag: options.tag });
      return printOutcome(outcome, 'Added task', options, out);
    }
    case 'validate': {
      const state = await store.load();
      if (options.tag) requireTag(state.plan, options.tag);
      const { problems } = validatePlan(state.plan);
      const locator = new JsonLocator(state.text);
      const located = problems
        .filter((problem) => !options.tag || problem.tag === undefined || problem.tag === options.tag)
        .map((problem) => ({ ...problem, ...locator.locate(problem.path).start }))
        .sort((a, b) => a.line - b.line || a.column - b.column);
      const file = state.location.tasksFile;
      print(located, () =>
        located.length === 0
          ? `${file}: no problems found.`
          : located.map((p) => `${file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`).join('\n'),
      );
      return located.some((problem) => problem.severity === 'error') ? 1 : 0;
    }
    case 'expand': {
      if (options.all) {
        const result = await (await aiService(options)).expandAll(store, { tag: options.tag, force: options.force, count: count(options.num) });
        print(result, () => [`Expanded ${plural(result.expanded.length, 'task')}: ${result.expanded.join(', ') || 'none'}`, ...result.failed.map((f) => `failed ${f.id}: ${f.error}`)].join('\n'));
        return result.failed.length ? 3 : 0;
      }
      need(args, 1, 'expand <id> [--num N] [--prompt P] [--force]');
      const request = { id: args[0], count: count(options.num), prompt: options.prompt, force: options.force, tag: options.tag };
      return printOutcome(await (await aiService(options)).expandTask(store, request), 'Added subtasks', options, out);
    }
    case 'analyze-complexity': {
      const result = await (await aiService(options)).analyzeComplexity(store, { tag: options.tag });
      print(result, () =>
        [
          `Wrote ${result.file} (${result.model}):`,
          ...result.entries.map((entry) => `  ${String(entry.taskId).padEnd(5)} complexity ${String(entry.complexityScore).padStart(2)}  ${plural(entry.recommendedSubtasks, 'subtask')}  ${entry.taskTitle}`),
          ...result.warnings.map((warning) => `warning: ${warning}`),
        ].join('\n'),
      );
      return 0;
    }
    case 'models':
    case 'lang':
    case 'complexity-report':
      return runConfigCommand(command, options, store, print, () => aiService(options));
    case 'report':
    case 'history': {
      if (!options.ledger) throw new UsageError(`${command} needs --ledger <file>: the activity ledger (Taskmaster: Show Activity shows its path)`);
      const ledgerFile = path.resolve(options.project, options.ledger);
      if (!existsSync(ledgerFile)) throw new UsageError(`no activity ledger at ${ledgerFile}`);
      const ledger = await ActivityLedger.open(ledgerFile, locateSqlWasm);
      try {
        if (command === 'history') {
          need(args, 1, 'history <id> --ledger <file>');
          const events = ledger.history(args[0], { tag: options.tag, folder: path.resolve(store.location.root), includeSubtasks: true });
          print(events, () => (events.length ? events.map(eventLine).join('\n') : `No recorded activity for ${args[0]}.`));
          return 0;
        }
        const tag = await loadTag(store, options.tag);
        const report = renderProgressReport(ledger, tag, parsePeriod(options.since ?? '7d'), path.resolve(store.location.root));
        if (options.out) {
          await writeFileAtomic(path.resolve(options.project, options.out), report);
          out(`Wrote ${options.out}`);
        } else out(report);
        return 0;
      } finally {
        await ledger.close();
      }
    }
    case 'update': {
      if (!options.from || !options.prompt) throw new UsageError('update needs --from <id> and --prompt "…"');
      const outcome = await (await aiService(options)).updateFrom(store, { fromId: options.from, prompt: options.prompt, tag: options.tag });
      return printOutcome(outcome, 'Updated', options, out);
    }
    case 'update-task':
    case 'update-subtask': {
      need(args, 1, `${command} <id> --prompt "…"`);
      if (!options.prompt) throw new UsageError(`${command} needs --prompt`);
      const service = await aiService(options);
      const request = { id: args[0], prompt: options.prompt, tag: options.tag };
      const outcome = command === 'update-task' ? await service.updateTask(store, request) : await service.updateSubtask(store, request);
      return printOutcome(outcome, command === 'update-task' ? 'Updated' : 'Added a note to', options, out);
    }
    case 'scope-up':
    case 'scope-down': {
      const ids = commaList(options.id);
      if (ids.length === 0) throw new UsageError(`${command} needs --id <id>[,<id>...]`);
      const direction = command === 'scope-up' ? 'up' : 'down';
      const request = { ids, direction, strength: parseScopeStrength(options.strength), prompt: options.prompt, tag: options.tag } as const;
      return printOutcome(await (await aiService(options)).scopeTasks(store, request), `Scoped ${direction}`, options, out);
    }
    case 'research':
      return research(args, options, store, out);
    case 'parse-prd': {
      need(args, 1, 'parse-prd <file> [--num N] [--replace]');
      const text = await readFile(path.resolve(options.project, args[0]), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read ${args[0]}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      const request = { text, count: count(options.num), replace: options.replace, tag: options.tag };
      return printOutcome(await (await aiService(options)).parsePrd(store, request), 'Added tasks', options, out);
    }
    case 'mcp': {
      // stdout belongs to the protocol from here on: everything else goes to `err` (stderr).
      const selection = selectPlanTools(process.env[TOOLS_ENV], PLAN_TOOLS);
      for (const warning of selection.warnings) err(`tml mcp: ${TOOLS_ENV}: ${warning}`);
      const createAi = (project: string) => aiService({ ...options, project });
      const server = new PlanMcpServer({ workspaceRoot: path.resolve(options.project), createAi, log: err, version, tools: selection.tools });
      await server.serveStdio();
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}". Run tml --help for the list.`);
  }
}

/** `tml research`: task-master's command line; the answer streams out line by line, then who gave it and where it was saved. */
async function research(args: string[], options: Options, store: TaskStore, out: Output): Promise<number> {
  need(args, 1, 'research "<question>" [-i ids] [-f files] [-c context] [--tree] [-d low|medium|high] [--save-to id] [--save-file] [-s file]');
  const request = {
    query: args.join(' '),
    taskIds: commaList(options.id).map((id) => taskIdArgument(id, '--id')),
    filePaths: commaList(options.files),
    customContext: options.context,
    includeProjectTree: options.tree,
    detailLevel: parseDetailLevel(options.detail),
    tag: options.tag,
  };
  // Checked before the model is asked, as task-master does: a bad target would waste the answer.
  const saveTo = options.saveTo === undefined ? undefined : taskIdArgument(options.saveTo, '--save-to');
  const saveAs = options.save === undefined ? undefined : await resolveInside(options.project, options.save, '--save');
  const service = await aiService(options);
  if (!options.json) out(`Researching "${request.query.trim()}" with your Ollama model (task-master would ask its cloud research model)…\n`);
  let pending = '';
  const onText = (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) out(line);
  };
  const answer = await service.research(store, request, options.json ? undefined : onText);
  const saving = await saveResearch(service, store, answer, { saveTo, saveToFile: options.saveFile, saveAs, tag: options.tag });
  const view = researchView(answer, saving, store.location.root);
  if (options.json) out(JSON.stringify(view, null, 2));
  else {
    if (pending) out(pending);
    const context = researchContextParts(answer);
    out(`\nAnswered by ${view.answeredBy}, detail ${answer.detailLevel}${context.length ? `, with ${context.join('; ')}` : ''}.`);
    for (const cut of answer.cuts) out(`note: ${cut} to fit the model's window.`);
    if (view.savedTo) out(`Saved to task ${view.savedTo}.`);
    if (view.savedFilePath) out(`Saved to ${view.savedFilePath}.`);
    if (view.savedAs) out(`Saved to ${view.savedAs}.`);
  }
  if (!saving.saveError) return 0;
  if (!options.json) out(`Not saved: ${saving.saveError}`);
  return 1;
}

/** A task or subtask id as task-master's research takes it ("15" or "15.2"), else a usage error. */
function taskIdArgument(id: string, flag: string): string {
  if (!/^\d+(\.\d+)?$/.test(id.trim())) throw new UsageError(`${flag} "${id}" is not a task id: give "15" for a task or "15.2" for a subtask`);
  return id.trim();
}

function count(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 50) throw new UsageError(`--num must be a whole number from 1 to 50, not "${value}"`);
  return number;
}

async function aiService(options: Options): Promise<AiService> {
  const explicit: Partial<AiSettings> = {};
  if (options.endpoint) explicit.endpoints = options.endpoint.split(',').map((host) => host.trim()).filter(Boolean);
  if (options.model) explicit.model = options.model;
  // Proxy headers travel in the environment, never on the command line where `ps` shows them.
  const headers = process.env[HEADERS_ENV];
  if (headers) {
    explicit.headers = parseHeaders(headers);
    if (!explicit.headers) throw new UsageError(`${HEADERS_ENV} must be "Name: value" pairs separated by ";"`);
    const origins = process.env[HEADER_ORIGINS_ENV];
    if (origins) explicit.headerOrigins = origins.split(',').map((origin) => origin.trim()).filter(Boolean);
  }
  const settings = resolveAiSettings(await readTaskmasterAiConfig(options.project), explicit);
  return new AiService(new OllamaInference(settings));
}

function printOutcome(outcome: AiOutcome, verb: string, options: Options, out: Output): number {
  if (options.json) out(JSON.stringify(outcome, null, 2));
  else {
    out(`${verb} ${outcome.ids.join(', ')} (${outcome.model}${outcome.cached ? ', from cache' : ''}).`);
    for (const warning of outcome.warnings) out(`warning: ${warning}`);
  }
  return 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2), (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n')).then(
    (code) => (process.exitCode = code),
  );
}
