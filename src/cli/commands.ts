import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidReplyError, ModelNotFoundError, OllamaUnreachableError } from '../ai/aiErrors';
import { AiService, researchContextParts, type AiOutcome } from '../ai/aiService';
import { HEADER_ORIGINS_ENV, HEADERS_ENV, parseHeaders, readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../ai/aiSettings';
import { OllamaInference } from '../ai/ollamaInference';
import { commaList } from '../core/ids';
import { requireTag } from '../core/operations';
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
import { UsageError } from './commandLine';
import { runConfigCommand } from './configCommands';
import { isMergeCommand, runMergeCommand } from './mergeCommands';
import { isServerCommand, runServerCommand } from './serverCommands';
import type { Options, Output } from './options';
import { loadTag, runParityCommand } from './parityCommands';

/**
 * Runs a command other than the read commands (main.ts runs those): the ones that write the plan,
 * ask the model, serve MCP or read the ledger. Returns the exit code; a failure of the model step
 * is reported here (exit 3), any other error is thrown for runCli to report.
 */
export async function runCommand(command: string, args: string[], options: Options, out: Output, err: Output): Promise<number> {
  const store = new TaskStore(locatePlan(options.project, options.file));
  store.onDidUndoneChange((undone) => err(`tml: ${describeUndoneChange(undone)}`));
  try {
    const code = await dispatch(command, args, options, store, out, err);
    await store.settled((writers) =>
      err(`tml: waiting for ${describeWriters(writers)} to finish: it read tasks.json before this change and its write could undo it. Ctrl-C stops waiting (the change is written; that write may still undo it).`),
    );
    return code;
  } catch (error) {
    if (!(OllamaUnreachableError.is(error) || ModelNotFoundError.is(error) || InvalidReplyError.is(error))) throw error;
    err(`tml: ${error.message}`);
    if (InvalidReplyError.is(error)) err(`Last reply from the model:\n${error.rawReply}`);
    return 3;
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
  if (isServerCommand(command)) return runServerCommand(command, args, options, out, err, (project) => aiService({ ...options, project }), version);
  if (!(command === 'add-task' && options.prompt)) {
    const code = await runParityCommand(command, args, options, store, out);
    if (code !== undefined) return code;
  }
  switch (command) {
    case 'add-task': {
      const outcome = await (await aiService(options)).addTaskFromPrompt(store, { prompt: options.prompt!, tag: options.tag });
      return printOutcome(outcome, 'Added task', options, out);
    }
    case 'validate': {
      const state = await store.load();
      if (options.tag) requireTag(state.plan, options.tag);
      const { problems } = validatePlan(state.plan);
      const text = problems.length ? await store.loadedText() : '';
      if (text === undefined) throw new Error(`${state.location.tasksFile} changed while it was being checked; run tml validate again.`);
      const locator = new JsonLocator(text);
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
