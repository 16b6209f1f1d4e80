import { OperationError } from '../core/operations';
import { locatePlan } from '../store/planLocation';
import { parseCommandLine } from './commandLine';
import { toOptions, type Options, type Output } from './options';
import { answerReadCommand, isReadCommand } from './readCommands';

/*
 * The `tml` process starts here (dist/cli.js). It holds only what list, show and next need; every
 * other command is in dist/cliCommands.js (commands.ts), loaded when one runs, so that reading the
 * plan does not pay for loading the AI stack, the MCP SDK or sql.js.
 */

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
  serve --project name=/path [--project ...] [--config file.json] [--host 127.0.0.1] [--port 3001]
        [--tokens FILE] [--allowed-host H] [--allowed-origin O] [--max-body-bytes N] [--rate-limit N]
        [--log-level info|debug|warn] [--endpoint URL] [--model M]
                                                       the plan server: MCP over Streamable HTTP and plain plan
                                                       routes for one or more projects, behind bearer tokens
  token add <name> --scope read|write | token revoke <name> | token list   [--tokens FILE]
                                                       the plan server's tokens (only their sha256 is stored)
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
  try {
    if (isReadCommand(command)) {
      return await answerReadCommand(command, args, options, locatePlan(options.project, options.file), out);
    }
    // A plain require (not import()): the CommonJS loader, its compile cache, and tsx in the tests.
    const { runCommand } = require('./commands.js') as typeof import('./commands.js');
    return await runCommand(command, args, options, out, err);
  } catch (error) {
    err(`tml: ${(error as Error).message}`);
    return OperationError.is(error) && error.kind === 'not-found' ? 1 : 2;
  }
}

/** V8's compile cache (Node 22.1 and later): later starts of tml skip compiling dist/cliCommands.js (the small entry is compiled before this can run). */
function enableCompileCache(): void {
  try {
    (require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // A cache that cannot be set up (read-only temp folder, an older Node) only costs speed.
  }
}

if (require.main === module) {
  enableCompileCache();
  runCli(process.argv.slice(2), (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n')).then(
    (code) => (process.exitCode = code),
  );
}
