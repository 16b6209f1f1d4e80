import { fixDependencies, findRemovableDependencies } from '../core/dependencyRepair';
import { addDependency, addSubtask, addTask, parsePriority, parseStatus, removeDependency, requireTag, requireTask } from '../core/operations';
import { DEFAULT_TAG, partitionIds, type TagView } from '../core/plan';
import { setStatuses } from '../core/statusChange';
import { copyTag, createTag, deleteTag, renameTag } from '../core/tagOperations';
import { canonicalId, commaList } from '../core/ids';
import { clearSubtasks, makeSubtask, planMove, removeSubtask, removeTasks } from '../core/taskStructure';
import { validatePlan } from '../core/validation';
import { createBranchTag, currentGitBranch } from '../store/gitBranch';
import type { TaskStore } from '../store/taskStore';
import { UsageError } from './commandLine';
import { runDocumentCommand } from './documentCommands';
import { plural } from '../core/text';
import type { Output } from './options';
import { tagOf } from './readCommands';

/** What the commands below need from the command line. */
export interface ParityOptions {
  project: string;
  tag?: string;
  json: boolean;
  id?: string;
  status?: string;
  title?: string;
  description?: string;
  details?: string;
  priority?: string;
  dependencies?: string;
  parent?: string;
  dependsOn?: string;
  withSubtasks?: boolean;
  copyFrom?: string;
  copyFromCurrent?: boolean;
  fromBranch?: boolean;
  yes?: boolean;
  all?: boolean;
  from?: string;
  to?: string;
  taskId?: string;
  convert?: boolean;
  fromTag?: string;
  toTag?: string;
  withDependencies?: boolean;
  ignoreDependencies?: boolean;
  output?: string;
}

export async function loadTag(store: TaskStore, tag: string | undefined): Promise<TagView> {
  return tagOf(await store.load(), tag);
}

function required(value: string | undefined, usage: string): string {
  if (!value) throw new UsageError(`missing arguments. Usage: tml ${usage}`);
  return value;
}

/**
 * The commands task-master 0.43 has that change the plan or read all of it, with its command lines
 * (and tml's short positional forms); list, show and next are readCommands.
 * Returns the exit code, or undefined for a command that is not one of these.
 */
export async function runParityCommand(command: string, args: string[], options: ParityOptions, store: TaskStore, out: Output): Promise<number | undefined> {
  const print = (json: unknown, text: () => string) => out(options.json ? JSON.stringify(json, null, 2) : text());
  switch (command) {
    case 'set-status': {
      const usage = 'set-status --id <id>[,<id>...] --status <status>';
      const ids = commaList(required(args[0] ?? options.id, usage));
      const status = parseStatus(required(args[1] ?? options.status, usage));
      await store.edit(setStatuses(ids, status), options.tag);
      print({ ids, status }, () => `Set ${ids.join(', ')} to ${status}.`);
      return 0;
    }
    case 'add-task': {
      if (!options.title || !options.description) {
        throw new UsageError('add-task needs --prompt, or both --title and --description (Task Master refuses a task without a description).');
      }
      let id = '';
      const input = {
        title: options.title,
        description: options.description,
        details: options.details,
        priority: options.priority ? parsePriority(options.priority) : undefined,
        dependencies: commaList(options.dependencies),
      };
      await store.edit(addTask(input, (newId) => (id = newId)), options.tag);
      print({ id: Number(id) }, () => `Added task ${id}: ${options.title}`);
      return 0;
    }
    case 'add-subtask': {
      const usage = 'add-subtask --parent <id> (--task-id <id> | --title <title> [--description D] [--details X] [--dependencies 1,2] [--status S])';
      const parent = required(options.parent, usage);
      let id = '';
      if (options.taskId) {
        await store.edit(makeSubtask(parent, options.taskId, (newId) => (id = newId)), options.tag);
        print({ id, from: options.taskId }, () => `Task ${options.taskId} is now subtask ${id}.`);
        return 0;
      }
      const title = required(options.title, usage);
      const input = {
        title,
        description: options.description,
        details: options.details,
        dependencies: commaList(options.dependencies),
        status: options.status ? parseStatus(options.status) : undefined,
      };
      await store.edit(addSubtask(parent, input, (newId) => (id = newId)), options.tag);
      print({ id }, () => `Added subtask ${id}: ${title}`);
      return 0;
    }
    case 'remove-task': {
      const ids = commaList(required(args[0] ?? options.id, 'remove-task --id <id>[,<id>...] -y'));
      const tag = await loadTag(store, options.tag);
      // Like Task Master: ids that do not exist are skipped with a warning, the others removed.
      const { found, missing } = partitionIds(tag, ids);
      if (missing.length) out(`warning: no task ${missing.join(', ')} in tag "${tag.name}"; skipped.`);
      if (found.length === 0) return 0;
      if (!options.yes) throw new UsageError(`remove-task deletes ${found.join(', ')} (and their subtasks): add -y to confirm.`);
      await store.edit(removeTasks(found), options.tag);
      print({ removed: found, missing }, () => `Removed ${found.join(', ')}.`);
      return 0;
    }
    case 'clear-subtasks': {
      if (!options.all && !options.id) throw new UsageError('missing arguments. Usage: tml clear-subtasks --id <id>[,<id>...] | --all');
      const tag = await loadTag(store, options.tag);
      const ids = options.all ? tag.tasks.map((task) => task.id) : commaList(options.id);
      const { found, missing } = partitionIds(tag, ids);
      if (missing.length) out(`warning: no task ${missing.join(', ')} in tag "${tag.name}"; skipped.`);
      if (found.length) await store.edit(clearSubtasks(options.all ? 'all' : found), options.tag);
      print({ cleared: found, missing }, () => `Cleared the subtasks of ${found.join(', ') || 'no task'}.`);
      return 0;
    }
    case 'remove-subtask': {
      const ids = commaList(required(args[0] ?? options.id, 'remove-subtask --id <parent>.<subtask>[,...] [--convert]'));
      const converted: string[] = [];
      // One id after the other, as Task Master does: each removal is its own write.
      for (const id of ids) await store.edit(removeSubtask(id, options.convert, (taskId) => converted.push(taskId)), options.tag);
      print({ removed: ids, converted }, () =>
        options.convert ? ids.map((id, i) => `Subtask ${id} is now task ${converted[i]}.`).join('\n') : `Removed ${ids.join(', ')}.`,
      );
      return 0;
    }
    case 'move':
      return runMove(options, store, print);
    case 'add-dependency':
    case 'remove-dependency': {
      const usage = `${command} --id <id> --depends-on <id>`;
      const id = required(args[0] ?? options.id, usage);
      const dependency = required(args[1] ?? options.dependsOn, usage);
      const adding = command === 'add-dependency';
      if (!adding) {
        // Task Master treats removing a dependency that is not there as done: nothing to change.
        const task = requireTask(await loadTag(store, options.tag), id);
        const target = canonicalId(dependency);
        if (!task.dependencies.includes(target) && !task.dependencies.includes(`${task.parentId}.${target}`)) {
          print({ id, dependency, action: 'none' }, () => `${task.id} does not depend on ${target}: nothing to change.`);
          return 0;
        }
      }
      await store.edit(adding ? addDependency(id, dependency) : removeDependency(id, dependency), options.tag);
      print({ id, dependency, action: adding ? 'added' : 'removed' }, () =>
        adding ? `${id} now depends on ${dependency}.` : `${id} no longer depends on ${dependency}.`,
      );
      return 0;
    }
    case 'validate-dependencies': {
      const tag = await loadTag(store, options.tag);
      const state = await store.load();
      const cycles = validatePlan(state.plan).invalidDependencies.filter((entry) => entry.tag === tag.name && entry.reason === 'cycle');
      const issues = [
        ...findRemovableDependencies(tag).map(({ taskId, dependency, reason }) => ({ taskId, dependency, reason: reason as string })),
        ...cycles.map(({ taskId, dependency }) => ({ taskId, dependency, reason: 'cycle' })),
      ];
      // Like Task Master, finding problems is not a failure of the command: it exits 0 either way.
      print(issues, () =>
        issues.length === 0 ? `Tag ${tag.name}: all dependencies are valid.` : issues.map((i) => `${i.taskId} -> ${i.dependency}: ${i.reason}`).join('\n'),
      );
      return 0;
    }
    case 'fix-dependencies': {
      let removed: Array<{ taskId: string; dependency: string; reason: string }> = [];
      await store.edit(fixDependencies((found) => (removed = found)), options.tag);
      print(removed, () =>
        removed.length === 0 ? 'No invalid dependencies.' : removed.map((r) => `removed ${r.taskId} -> ${r.dependency} (${r.reason})`).join('\n'),
      );
      return 0;
    }
    case 'tags':
      return runTagsSubcommand(args, options, store, print);
    case 'add-tag':
    case 'use-tag':
    case 'delete-tag':
    case 'rename-tag':
    case 'copy-tag':
      return runTagCommand(command, args, options, store, print);
    case 'generate':
    case 'sync-readme':
      return runDocumentCommand(command, options, store, print);
    default:
      return undefined;
  }
}

export type Print = (json: unknown, text: () => string) => void;

/** `move`: within a tag (--from, --to), or to another tag when --to-tag names one (Task Master's rule). */
async function runMove(options: ParityOptions, store: TaskStore, print: Print): Promise<number> {
  const state = await store.load();
  const move = planMove(options, options.tag ?? process.env.TASKMASTER_TAG ?? state.currentTag);
  await store.edit(move.operation, move.tag);
  if (move.kind === 'to-tag') {
    const { request } = move;
    print(request, () => `Moved ${request.ids.join(', ')} from "${request.fromTag}" to "${request.toTag}".`);
  } else {
    const { from, to } = move.request;
    print({ from, to }, () => from.map((id, i) => `Moved ${id} to ${to[i]}.`).join('\n'));
  }
  return 0;
}

const TAGS_SUBCOMMANDS: Record<string, string> = { add: 'add-tag', use: 'use-tag', remove: 'delete-tag', rename: 'rename-tag', copy: 'copy-tag' };

async function runTagsSubcommand(args: string[], options: ParityOptions, store: TaskStore, print: Print): Promise<number> {
  const [sub, ...rest] = args;
  if (sub && sub !== 'list') {
    const command = TAGS_SUBCOMMANDS[sub];
    if (!command) throw new UsageError(`unknown tags command "${sub}": use list, add, use, remove, rename or copy.`);
    return runTagCommand(command, rest, options, store, print);
  }
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

async function currentBranch(project: string): Promise<string> {
  const branch = await currentGitBranch(project);
  if (!branch) throw new UsageError(`--from-branch needs a git branch: ${project} is not on one (not a repository, or a detached HEAD).`);
  return branch;
}

async function runTagCommand(command: string, args: string[], options: ParityOptions, store: TaskStore, print: Print): Promise<number> {
  const state = await store.load();
  switch (command) {
    case 'add-tag': {
      const copyFrom = options.copyFromCurrent ? state.currentTag : options.copyFrom;
      let name: string;
      if (options.fromBranch) name = await createBranchTag(store, await currentBranch(options.project), { copyFrom, description: options.description });
      else {
        name = required(args[0], 'add-tag <name> [--copy-from-current | --copy-from <tag>] [-d <description>]');
        await store.edit(createTag({ name, copyFrom, description: options.description }));
      }
      print({ name, copiedFrom: copyFrom ?? null }, () => `Created tag ${name}${copyFrom ? ` with the tasks of ${copyFrom}` : ''}.`);
      return 0;
    }
    case 'use-tag': {
      const name = required(args[0], 'use-tag <name>');
      requireTag(state.plan, name);
      await store.setCurrentTag(name);
      print({ currentTag: name }, () => `Now on tag ${name}.`);
      return 0;
    }
    case 'delete-tag': {
      const name = required(args[0], 'delete-tag <name> -y');
      const tag = requireTag(state.plan, name);
      if (!options.yes) throw new UsageError(`delete-tag removes tag ${name} and its ${plural(tag.tasks.length, 'task')}: add -y to confirm.`);
      await store.edit(deleteTag(name));
      if (state.currentTag === name) await store.setCurrentTag(DEFAULT_TAG);
      print({ deleted: name }, () => `Deleted tag ${name}.`);
      return 0;
    }
    case 'rename-tag': {
      const from = required(args[0], 'rename-tag <old> <new>');
      const to = required(args[1], 'rename-tag <old> <new>');
      await store.edit(renameTag(from, to));
      if (state.currentTag === from) await store.setCurrentTag(to);
      print({ from, to }, () => `Renamed tag ${from} to ${to}.`);
      return 0;
    }
    case 'copy-tag': {
      const source = required(args[0], 'copy-tag <source> <target>');
      const target = required(args[1], 'copy-tag <source> <target>');
      await store.edit(copyTag(source, target, options.description));
      print({ source, target }, () => `Copied tag ${source} to ${target}.`);
      return 0;
    }
  }
  throw new UsageError(`unknown command "${command}".`);
}
