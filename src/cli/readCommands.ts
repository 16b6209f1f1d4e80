import { commaList } from '../core/ids';
import { findNextTask } from '../core/nextTask';
import { parseStatus, requireTag, requireTask } from '../core/operations';
import { DEFAULT_TAG, type TagView } from '../core/plan';
import { readCurrentTag, readPlanOnce, type LoadedPlan } from '../store/planReader';
import type { PlanLocation } from '../store/planLocation';
import { AnswerCache } from './answerCache';
import { UsageError } from './commandLine';
import { formatTask, formatTaskList } from './format';
import type { Output } from './options';

/**
 * The commands that only read the plan. They load nothing else (no store, no AI, no MCP), so
 * `tml next` costs little more than reading the file.
 */
const READ_COMMANDS = new Set(['list', 'show', 'next']);

export function isReadCommand(command: string): boolean {
  return READ_COMMANDS.has(command);
}

/** What the read commands take from the command line. */
export interface ReadOptions {
  tag?: string;
  json: boolean;
  id?: string;
  status?: string;
  withSubtasks?: boolean;
}

/** The name of the tag a command works in: --tag, else TASKMASTER_TAG (Task Master's own override), else state.json's current tag. */
function tagName(tag: string | undefined, currentTag: string | undefined): string {
  return tag ?? process.env.TASKMASTER_TAG ?? currentTag ?? DEFAULT_TAG;
}

/** The tag a command works in (see tagName). */
export function tagOf(state: LoadedPlan, tag: string | undefined): TagView {
  return requireTag(state.plan, tagName(tag, state.currentTag));
}

/**
 * A read command on the plan at `location`: the stored answer when the same question was answered
 * for the plan as it is now (see AnswerCache), else read the plan, answer, and store the answer.
 */
export async function answerReadCommand(command: string, args: string[], options: ReadOptions, location: PlanLocation, out: Output): Promise<number> {
  const tag = tagName(options.tag, await readCurrentTag(location.stateFile));
  const question = JSON.stringify([command, args, tag, options.json, options.id ?? null, options.status ?? null, options.withSubtasks ?? false]);
  const cache = AnswerCache.open(location.tasksFile);
  const stored = cache?.answer(question);
  if (stored) {
    stored.forEach(out);
    return 0;
  }
  const printed: string[] = [];
  const code = await runReadCommand(command, args, options, async () => requireTag(await readPlanOnce(location.tasksFile), tag), (line) => {
    printed.push(line);
    out(line);
  });
  await cache?.remember(question, printed);
  return code;
}

/** `list`, `show` and `next`, with task-master's command lines; `loadTag` reads the plan and gives the tag the command works in. */
async function runReadCommand(command: string, args: string[], options: ReadOptions, loadTag: () => Promise<TagView>, out: Output): Promise<number> {
  const print = (json: unknown, text: () => string) => out(options.json ? JSON.stringify(json, null, 2) : text());
  switch (command) {
    case 'list': {
      const tag = await loadTag();
      const filter = args[0] ?? options.status;
      const withSubtasks = options.withSubtasks || filter === 'all';
      const status = filter && filter !== 'all' ? parseStatus(filter) : undefined;
      const tasks = status ? tag.tasks.filter((task) => task.status === status) : tag.tasks;
      print(
        tasks.map((task) => task.raw),
        () => formatTaskList(tag, tasks, withSubtasks),
      );
      return 0;
    }
    case 'show': {
      const ids = commaList(args[0] ?? options.id);
      if (ids.length === 0) throw new UsageError('missing arguments. Usage: tml show <id>[,<id>...]');
      const tag = await loadTag();
      const tasks = ids.map((id) => requireTask(tag, id));
      const json = tasks.map((task) => ({ ...task.raw, id: task.fileId }));
      print(json.length === 1 ? json[0] : json, () => tasks.map(formatTask).join('\n\n'));
      return 0;
    }
    case 'next': {
      const next = findNextTask(await loadTag());
      // As task-master next reports a subtask: with the priority it was ranked by, its parent's when it has none.
      print(next ? { ...next.raw, id: next.fileId, ...(next.parent ? { priority: next.priority } : {}) } : null, () =>
        next ? formatTask(next) : 'No eligible task: every pending task waits on unfinished dependencies, or all are done.',
      );
      return 0;
    }
  }
  throw new UsageError(`unknown command "${command}".`);
}
