import * as path from 'node:path';
import { taskRef } from '../commands/taskPicker';
import { findNextTask, noNextTaskReason } from '../core/nextTask';
import { OperationError, parseStatus, requireTask } from '../core/operations';
import { setStatuses } from '../core/statusChange';
import { allTasks } from '../core/plan';
import { escapeMarkdown } from '../core/markdown';
import { isTaskStatus, TASK_STATUSES } from '../core/task';
import { plural } from '../core/text';
import { GitHistory } from '../progress/gitHistory';
import { renderRecentProgress, startOfDay, type WorkingState } from '../progress/recentProgress';
import { taskButtons, taskLink, taskLinker, trustedMarkdown } from './chatMarkdown';
import { canExpand, nextTaskMarkdown, taskCard, taskLine } from './taskMarkdown';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';

const LIST_LIMIT = 40;

export async function replyNext(turn: ChatTurn): Promise<TurnMetadata> {
  const { stream, project, tag } = turn;
  const next = findNextTask(tag);
  if (!next) {
    stream.markdown(noNextTaskReason(tag));
    return { command: 'next' };
  }
  stream.markdown(trustedMarkdown(nextTaskMarkdown(taskLinker(project, tag.name), next)));
  taskButtons(stream, taskRef(project, tag.name, next.id), next);
  return { command: 'next', taskId: next.id, taskStatus: next.status, canExpand: canExpand(next) };
}

/** `/list [status] [text]`: the tasks of the current tag, filtered. */
export function replyList(turn: ChatTurn): TurnMetadata {
  const { stream, project, tag } = turn;
  const words = turn.request.prompt.trim().split(/\s+/).filter(Boolean);
  const statuses = words.filter((word) => isTaskStatus(word.toLowerCase())).map((word) => word.toLowerCase());
  const text = words.filter((word) => !isTaskStatus(word.toLowerCase())).join(' ').toLowerCase();
  const matches = [...allTasks(tag)].filter(
    (task) => (!statuses.length || statuses.includes(task.status)) && (!text || `${task.title} ${task.description}`.toLowerCase().includes(text)) && (!task.parent || text || statuses.length),
  );
  const filter = [statuses.join(', '), text && `"${text}"`].filter(Boolean).join(' and ');
  if (!matches.length) {
    stream.markdown(`No task in tag "${escapeMarkdown(tag.name)}"${filter ? ` matches ${escapeMarkdown(filter)}` : ''}.`);
    return { command: 'list' };
  }
  const lines = matches.slice(0, LIST_LIMIT).map((task) => taskLine(taskLinker(project, tag.name), task));
  if (matches.length > LIST_LIMIT) lines.push(`\n…and ${matches.length - LIST_LIMIT} more. Narrow it down: \`/list pending auth\`.`);
  stream.markdown(trustedMarkdown(`**${plural(matches.length, 'task')}** in tag "${escapeMarkdown(tag.name)}"${filter ? ` matching ${escapeMarkdown(filter)}` : ''}:\n\n${lines.join('\n')}`));
  return { command: 'list' };
}

export function replyShow(turn: ChatTurn): TurnMetadata {
  const { stream, project, tag } = turn;
  const id = taskIdArgument(turn.request.prompt, '/show <id>');
  const task = requireTask(tag, id);
  stream.markdown(trustedMarkdown(taskCard(taskLinker(project, tag.name), task)));
  taskButtons(stream, taskRef(project, tag.name, task.id), task);
  return { command: 'show', taskId: task.id, taskStatus: task.status, canExpand: canExpand(task) };
}

/** `/status <id> <status>`: one edit through the store, as the Set Status command makes it. */
export async function replyStatus(turn: ChatTurn): Promise<TurnMetadata> {
  const { stream, project, tag } = turn;
  const [idText, statusText] = turn.request.prompt.trim().split(/\s+/);
  if (!idText || !statusText) throw new OperationError('Say which task and which status: `/status 12 done`.', 'invalid');
  const task = requireTask(tag, taskIdArgument(idText, '/status <id> <status>'));
  const status = parseStatus(statusText);
  await project.store.edit(setStatuses([task.id], status), tag.name);
  stream.markdown(trustedMarkdown(`${taskLink(project, tag.name, task)} was \`${task.status}\`, now \`${status}\` (saved to ${path.basename(project.store.location.tasksFile)}).`));
  return { command: 'status', taskId: task.id, taskStatus: status };
}

/** `/expand <id>`: subtasks from the model, written at once (Undo Last AI Change takes them back). */
export async function replyExpand(turn: ChatTurn, services: ChatServices): Promise<TurnMetadata> {
  const { stream, project, tag } = turn;
  const task = requireTask(tag, taskIdArgument(turn.request.prompt, '/expand <id>'));
  stream.progress(`Breaking down ${task.id} "${task.title}"…`);
  const outcome = await services.ai.expandTask(project.store, { id: task.id, tag: tag.name }, turn.inference);
  const expanded = (project.store.state.kind === 'loaded' ? project.store.state.plan.tags.get(tag.name)?.byId.get(task.id) : undefined) ?? task;
  const added = expanded.subtasks.filter((sub) => outcome.ids.includes(sub.id));
  stream.markdown(
    trustedMarkdown(
      `Added ${plural(added.length, 'subtask')} to ${taskLink(project, tag.name, expanded)} (${escapeMarkdown(outcome.model)}):\n\n${added.map((sub) => taskLine(taskLinker(project, tag.name), sub)).join('\n')}${outcome.warnings.length ? `\n\n${outcome.warnings.map((warning) => `- ⚠ ${escapeMarkdown(warning)}`).join('\n')}` : ''}`,
    ),
  );
  return { command: 'expand', taskId: task.id, taskStatus: expanded.status };
}

/** `/progress`: what moved since the last commit and today, from the ledger and git. */
export async function replyProgress(turn: ChatTurn, services: ChatServices): Promise<TurnMetadata> {
  const git = await GitHistory.open(turn.project.folder.uri.fsPath);
  const working: WorkingState = {};
  if (GitHistory.isAvailable(git)) {
    working.lastCommit = await git.lastCommit();
    working.uncommitted = await git.workingTreeStats();
  }
  const now = new Date();
  const events = services.activity.eventsSince(turn.project, startOfDay(now)).filter((event) => !event.tag || event.tag === turn.tag.name);
  const done = turn.tag.tasks.filter((task) => task.status === 'done').length;
  turn.stream.markdown(`**Progress in tag "${escapeMarkdown(turn.tag.name)}"**: ${done} of ${plural(turn.tag.tasks.length, 'task')} done.\n\n${renderRecentProgress(events, working, now)}`);
  if (!GitHistory.isAvailable(git)) turn.stream.markdown(`\n\n${git.message}`);
  return { command: 'progress' };
}

export function replyHelp(turn: Pick<ChatTurn, 'stream' | 'inference'>): TurnMetadata {
  turn.stream.markdown(`I read and change this workspace's Task Master plan.

- \`/next\`: the task to work on next, and why
- \`/list [status] [text]\`: tasks, filtered (\`/list pending auth\`)
- \`/show <id>\`: one task in full
- \`/status <id> <status>\`: set a status (${TASK_STATUSES.join(', ')})
- \`/plan <text or #file>\`: tasks from a PRD or a description, previewed before anything is written
- \`/expand <id>\`: break a task into subtasks
- \`/progress\`: what moved since the last commit and today
- \`/fromcode [todos]\`: tasks from the selection, the open file, or the workspace's TODO/FIXME comments
- \`/research <question>\`: an answer from your local Ollama model with the plan's context and \`#file\` references, to save to a task or a file
- Or ask anything: "what should I do after 12?", "which tasks touch the auth service?"

Questions are answered by ${turn.inference.model ? 'the model picked in this chat' : 'your local Ollama model'} (setting \`taskmaster.chat.engine\`), from a compact view of the plan, never the whole file.`);
  return { command: 'help' };
}

/** The task id at the start of a command's text ("12", "#12", "12.3"). */
function taskIdArgument(text: string, usage: string): string {
  const match = /^\s*#?(\d+(?:\.\d+)?)\b/.exec(text);
  if (!match) throw new OperationError(`Say which task: \`${usage}\` (for example \`${usage.replace(/<id>/, '12').replace(/ <status>/, ' done')}\`).`, 'invalid');
  return match[1];
}
