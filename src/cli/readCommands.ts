import { commaList } from '../core/ids';
import { findNextTask } from '../core/nextTask';
import { parseStatus, requireTag, requireTask } from '../core/operations';
import type { TagView } from '../core/plan';
import type { LoadedPlan } from '../store/planReader';
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

/** The tag a command works in: --tag, else TASKMASTER_TAG (Task Master's own override), else state.json's current tag. */
export function tagOf(state: LoadedPlan, tag: string | undefined): TagView {
  return requireTag(state.plan, tag ?? process.env.TASKMASTER_TAG ?? state.currentTag);
}

/** `list`, `show` and `next`, with task-master's command lines; `loadTag` gives the tag asked for (see tagOf). */
export async function runReadCommand(command: string, args: string[], options: ReadOptions, loadTag: (tag: string | undefined) => Promise<TagView>, out: Output): Promise<number> {
  const print = (json: unknown, text: () => string) => out(options.json ? JSON.stringify(json, null, 2) : text());
  switch (command) {
    case 'list': {
      const tag = await loadTag(options.tag);
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
      const tag = await loadTag(options.tag);
      const tasks = ids.map((id) => requireTask(tag, id));
      const json = tasks.map((task) => ({ ...task.raw, id: task.fileId }));
      print(json.length === 1 ? json[0] : json, () => tasks.map(formatTask).join('\n\n'));
      return 0;
    }
    case 'next': {
      const next = findNextTask(await loadTag(options.tag));
      // As task-master next reports a subtask: with the priority it was ranked by, its parent's when it has none.
      print(next ? { ...next.raw, id: next.fileId, ...(next.parent ? { priority: next.priority } : {}) } : null, () =>
        next ? formatTask(next) : 'No eligible task: every pending task waits on unfinished dependencies, or all are done.',
      );
      return 0;
    }
  }
  throw new UsageError(`unknown command "${command}".`);
}
