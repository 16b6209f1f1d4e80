import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from '../ai/aiErrors';
import { AiService, type AiOutcome } from '../ai/aiService';
import { HEADER_ORIGINS_ENV, HEADERS_ENV, parseHeaders, readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../ai/aiSettings';
import { OllamaInference } from '../ai/ollamaInference';
import { findNextTask } from '../core/nextTask';
import {
  addDependency,
  addTask,
  OperationError,
  parsePriority,
  parseStatus,
  removeDependency,
  requireTag,
  requireTask,
  setStatus,
} from '../core/operations';
import type { TagView } from '../core/plan';
import { validatePlan } from '../core/validation';
import { ActivityLedger, locateSqlWasm } from '../ledger';
import { PlanMcpServer } from '../mcp/planMcpServer';
import { eventLine, parsePeriod, renderProgressReport } from '../progress/progressReport';
import { writeFileAtomic } from '../store/atomicWrite';
import { JsonLocator } from '../store/jsonText';
import { locatePlan } from '../store/planLocation';
import { TaskStore } from '../store/taskStore';
import { version } from '../../package.json';
import { formatTask, formatTaskList } from './format';

const USAGE = `tml: Task Master plans from the command line

Usage: tml <command> [arguments] [options]

Commands:
  list                                   the tasks of a tag (--status to filter)
  show <id>                              one task or subtask ("12" or "12.3")
  next                                   the task to work on next, as task-master next picks it
  set-status <id>[,<id>...] <status>     pending, in-progress, review, done, deferred, cancelled, blocked
  add-task --title T [--description D] [--details X] [--priority P] [--dependencies 1,2]
  add-task --prompt "what to add"          the model writes the task (title, details, dependencies)
  expand <id> [--num N] [--prompt P] [--force]   break a task into subtasks with the model
  expand --all [--force]                 expand every pending task, prerequisites first, across hosts
  parse-prd <file> [--num N] [--replace]   turn a requirements document into tasks with the model
  analyze-complexity                     rate open tasks; writes .taskmaster/reports/task-complexity-report.json
  update-task <id> --prompt "change"     rewrite a task for a change, with the model
  update-subtask <id> --prompt "note"    append a timestamped implementation note, with the model
  update --from <id> --prompt "change"   rewrite every open task from that id onward, with the model
  report --ledger <file> [--since 7d] [--out file]   progress report (markdown) from the activity ledger
  history <id> --ledger <file>           what happened to a task, from the activity ledger
  add-dependency <id> <depends-on>
  remove-dependency <id> <depends-on>
  validate                               dependency and field problems, with file positions
  tags                                   the tags and their task counts
  mcp                                    serve the plan tools to MCP clients over stdio (see README)

Options:
  --project <dir>   project root (default: the current folder)
  --file <path>     tasks.json to use (default: .taskmaster/tasks/tasks.json)
  --tag <tag>       tag to use (default: currentTag of .taskmaster/state.json, else master)
  --json            machine-readable output
  --endpoint <url>  Ollama host(s), comma-separated (default: .taskmaster/config.json, else 127.0.0.1:11434)
  --model <name>    Ollama model (default: .taskmaster/config.json, else qwen2.5-coder:7b)
  (environment) TML_OLLAMA_HEADERS="Name: value; Other: value"   headers for an Ollama behind a proxy
  (environment) TML_OLLAMA_HEADER_ORIGINS=http://host:port[,…]  send those headers to these origins only
  --help            this text

Exit codes: 0 success, 1 a named task or tag does not exist, 2 bad input,
3 the model step failed (Ollama unreachable, model missing, no valid answer).`;

class UsageError extends Error {}

interface Options {
  project: string;
  file?: string;
  tag?: string;
  json: boolean;
  status?: string;
  title?: string;
  description?: string;
  details?: string;
  priority?: string;
  dependencies?: string;
  prompt?: string;
  num?: string;
  force?: boolean;
  all?: boolean;
  from?: string;
  ledger?: string;
  since?: string;
  out?: string;
  replace?: boolean;
  endpoint?: string;
  model?: string;
}

type Output = (line: string) => void;

export async function runCli(argv: string[], out: Output, err: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: 'string' },
        file: { type: 'string', short: 'f' },
        tag: { type: 'string' },
        json: { type: 'boolean' },
        status: { type: 'string', short: 's' },
        title: { type: 'string' },
        description: { type: 'string' },
        details: { type: 'string' },
        priority: { type: 'string' },
        dependencies: { type: 'string' },
        prompt: { type: 'string' },
        num: { type: 'string' },
        force: { type: 'boolean' },
        all: { type: 'boolean' },
        from: { type: 'string' },
        ledger: { type: 'string' },
        since: { type: 'string' },
        out: { type: 'string' },
        replace: { type: 'boolean' },
        endpoint: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err(`tml: ${(error as Error).message}. Run tml --help for usage.`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || !command) {
    out(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  const options: Options = { ...parsed.values, project: parsed.values.project ?? process.cwd(), json: parsed.values.json ?? false };
  const store = new TaskStore(locatePlan(options.project, options.file));
  try {
    return await dispatch(command, args, options, store, out, err);
  } catch (error) {
    err(`tml: ${(error as Error).message}`);
    if (InvalidReplyError.is(error)) err(`Last reply from the model:\n${error.rawReply}`);
    if (OllamaUnreachableError.is(error) || ModelNotFoundError.is(error) || InvalidReplyError.is(error)) return 3;
    return OperationError.is(error) && error.kind === 'not-found' ? 1 : 2;
  } finally {
    store.dispose();
  }
}

async function loadTag(store: TaskStore, options: Options): Promise<TagView> {
  const state = await store.load();
  // TASKMASTER_TAG is Task Master's own override of the current tag; honour it the same way.
  return requireTag(state.plan, options.tag ?? process.env.TASKMASTER_TAG ?? state.currentTag);
}

function need(args: string[], count: number, usage: string): void {
  if (args.length < count) throw new UsageError(`missing arguments. Usage: tml ${usage}`);
}

async function dispatch(command: string, args: string[], options: Options, store: TaskStore, out: Output, err: Output): Promise<number> {
  const print = (json: unknown, text: () => string) => out(options.json ? JSON.stringify(json, null, 2) : text());
  switch (command) {
    case 'list': {
      const tag = await loadTag(store, options);
      const status = options.status ? parseStatus(options.status) : undefined;
      const tasks = status ? tag.tasks.filter((task) => task.status === status) : tag.tasks;
      print(
        tasks.map((task) => task.raw),
        () => formatTaskList(tag, tasks),
      );
      return 0;
    }
    case 'show': {
      need(args, 1, 'show <id>');
      const task = requireTask(await loadTag(store, options), args[0]);
      print({ ...task.raw, id: task.fileId }, () => formatTask(task));
      return 0;
    }
    case 'next': {
      const tag = await loadTag(store, options);
      const next = findNextTask(tag);
      print(next ? { ...next.raw, id: next.fileId } : null, () =>
        next ? formatTask(next) : 'No eligible task: every pending task waits on unfinished dependencies, or all are done.',
      );
      return 0;
    }
    case 'set-status': {
      need(args, 2, 'set-status <id>[,<id>...] <status>');
      const ids = args[0].split(',').map((id) => id.trim()).filter(Boolean);
      const status = parseStatus(args[1]);
      await store.edit(setStatus(ids, status), options.tag);
      print({ ids, status }, () => `Set ${ids.join(', ')} to ${status}.`);
      return 0;
    }
    case 'add-task': {
      if (options.prompt) {
        const outcome = await (await aiService(options)).addTaskFromPrompt(store, { prompt: options.prompt, tag: options.tag });
        return printOutcome(outcome, 'Added task', options, out);
      }
      if (!options.title) throw new UsageError('add-task needs --title. Usage: tml add-task --title T [--description D] [--priority P] [--dependencies 1,2]');
      let id = '';
      await store.edit(
        addTask(
          {
            title: options.title,
            description: options.description,
            details: options.details,
            priority: options.priority ? parsePriority(options.priority) : undefined,
            dependencies: options.dependencies?.split(',').map((dep) => dep.trim()).filter(Boolean),
          },
          (newId) => (id = newId),
        ),
        options.tag,
      );
      print({ id: Number(id) }, () => `Added task ${id}: ${options.title}`);
      return 0;
    }
    case 'add-dependency':
    case 'remove-dependency': {
      need(args, 2, `${command} <id> <depends-on>`);
      const [id, dependency] = args;
      const adding = command === 'add-dependency';
      await store.edit(adding ? addDependency(id, dependency) : removeDependency(id, dependency), options.tag);
      print({ id, dependency, action: adding ? 'added' : 'removed' }, () =>
        adding ? `${id} now depends on ${dependency}.` : `${id} no longer depends on ${dependency}.`,
      );
      return 0;
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
    case 'tags': {
      const state = await store.load();
      const tags = [...state.plan.tags.values()].map((tag) => ({
        name: tag.name,
        current: tag.name === state.currentTag,
        tasks: tag.tasks.length,
        done: tag.tasks.filter((task) => task.status === 'done').length,
      }));
      print(tags, () => tags.map((t) => `${t.current ? '*' : ' '} ${t.name}  ${t.done}/${t.tasks} done`).join('\n'));
      return 0;
    }
    case 'expand': {
      if (options.all) {
        const result = await (await aiService(options)).expandAll(store, { tag: options.tag, force: options.force, count: count(options.num) });
        print(result, () => [`Expanded ${result.expanded.length} tasks: ${result.expanded.join(', ') || 'none'}`, ...result.failed.map((f) => `failed ${f.id}: ${f.error}`)].join('\n'));
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
          ...result.entries.map((entry) => `  ${String(entry.taskId).padEnd(5)} complexity ${String(entry.complexityScore).padStart(2)}  ${entry.recommendedSubtasks} subtasks  ${entry.taskTitle}`),
          ...result.warnings.map((warning) => `warning: ${warning}`),
        ].join('\n'),
      );
      return 0;
    }
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
        const tag = await loadTag(store, options);
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
      const server = new PlanMcpServer({ workspaceRoot: path.resolve(options.project), createAi: (project) => aiService({ ...options, project }), log: err, version });
      await server.serveStdio();
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}". Run tml --help for the list.`);
  }
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
