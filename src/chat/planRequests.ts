import * as vscode from 'vscode';
import type { AiService, TaskProposal } from '../ai/aiService';
import { announceTask } from '../commands/announceTask';
import { CommandIds } from '../commands/commandIds';
import { findCodeTodos, tasksFromTodos, type CodeTodo } from '../core/codeTodos';
import { OperationError } from '../core/operations';
import type { Project } from '../workspace/projects';
import { CancelledError } from '../ai/aiErrors';
import { escapeMarkdown } from '../core/markdown';
import { repairSummary } from '../core/generatedTasks';
import { plural } from '../core/text';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';
import type { ProposalStore } from './proposals';
import { showInformationMessage } from '../notifications';

const SOURCE_FILES = '**/*.{ts,tsx,js,jsx,mjs,cjs,py,go,rs,java,kt,c,h,cc,cpp,hpp,cs,rb,php,swift,scala,sh,vue,svelte,css,scss,html,sql,lua,md}';
const NOT_SOURCE = '**/{node_modules,dist,out,build,coverage,vendor,.git,.taskmaster}/**';
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 512 * 1024;
/** Code sent to a model for /fromcode: a selection or a file, cut to keep small models focused. */
const MAX_CODE_CHARS = 24_000;

/** `/plan <text or #file>`: tasks for a PRD or a description, previewed; Apply writes them. */
export async function replyPlan(turn: ChatTurn, services: ChatServices): Promise<TurnMetadata> {
  const referenced = await referencedText(turn.request);
  const text = [turn.request.prompt.trim(), ...referenced.map((ref) => `${ref.name}:\n${ref.text}`)].filter(Boolean).join('\n\n');
  if (!text) throw new OperationError('Describe what to build, or attach a PRD: `/plan #file:prd.md` or `/plan a CLI that syncs notes to S3`.', 'invalid');
  turn.stream.progress(referenced.length ? `Reading ${referenced.map((ref) => ref.name).join(', ')}…` : 'Planning…');
  const proposal = await services.ai.proposeTasksFromPrd(turn.project.store, { text, tag: turn.tag.name }, turn.inference);
  showProposal(turn, services.proposals, proposal);
  return { command: 'plan', proposed: proposal.tasks.length };
}

/**
 * `/fromcode`: tasks from the selection, else the open file (the model reads the code), or, with
 * `todos` or no editor, one task per TODO/FIXME comment of the workspace (no model needed).
 */
export async function replyFromCode(turn: ChatTurn, services: ChatServices, token: vscode.CancellationToken): Promise<TurnMetadata> {
  const editor = vscode.window.activeTextEditor;
  const wantsTodos = /\btodos?\b|\bfixme\b/i.test(turn.request.prompt) || !editor || editor.document.uri.scheme !== 'file';
  let proposal: TaskProposal;
  if (wantsTodos) {
    turn.stream.progress('Collecting TODO and FIXME comments…');
    const todos = await workspaceTodos(turn.project, token);
    const tasks = tasksFromTodos(todos, turn.tag);
    if (!tasks.length) {
      turn.stream.markdown(todos.length ? `All ${todos.length} TODO/FIXME comments already have a task of the same title.` : 'No TODO or FIXME comments in this folder’s source files.');
      return { command: 'fromcode', proposed: 0 };
    }
    proposal = { tag: turn.tag.name, tasks, model: 'TODO comments', cached: false, operation: 'Tasks from TODO comments' };
  } else {
    const selection = editor.selection.isEmpty ? undefined : editor.selection;
    const source = `${vscode.workspace.asRelativePath(editor.document.uri)}${selection ? ` (lines ${selection.start.line + 1}–${selection.end.line + 1})` : ''}`;
    const code = editor.document.getText(selection).slice(0, MAX_CODE_CHARS);
    turn.stream.progress(`Reading ${source}…`);
    proposal = await services.ai.proposeTasksFromCode(turn.project.store, { code, source, tag: turn.tag.name }, turn.inference);
    if (!proposal.tasks.length) {
      turn.stream.markdown(`${escapeMarkdown(proposal.model)} read ${escapeMarkdown(source)} and found nothing it needs: no tasks to add.`);
      return { command: 'fromcode', proposed: 0 };
    }
  }
  showProposal(turn, services.proposals, proposal);
  return { command: 'fromcode', proposed: proposal.tasks.length };
}

function showProposal(turn: ChatTurn, proposals: ProposalStore, proposal: TaskProposal): void {
  if (!proposal.tasks.length) {
    turn.stream.markdown(`${proposal.model} proposes no tasks for this.`);
    return;
  }
  const lines = proposal.tasks.map((task) => `${task.id}. **${escapeMarkdown(task.title)}** (${task.priority}${task.dependencies.length ? `, after ${task.dependencies.join(', ')}` : ''}): ${escapeMarkdown(task.description)}`);
  turn.stream.markdown(`**${plural(proposal.tasks.length, 'proposed task')}** for tag "${escapeMarkdown(proposal.tag)}" (${escapeMarkdown(proposal.model)}). Nothing is written until you apply them:\n\n${lines.join('\n')}\n\n${(proposal.notes ?? []).map((note) => `${escapeMarkdown(note)}\n\n`).join('')}`);
  const id = proposals.add(turn.project, proposal);
  turn.stream.button({ title: `Apply ${plural(proposal.tasks.length, 'Task')}`, command: CommandIds.applyProposal, arguments: [id] });
}

/** The command behind the Apply button: writes a preview's tasks once, with Undo offered. */
export async function applyProposal(proposals: ProposalStore, ai: AiService, id: unknown): Promise<void> {
  const entry = typeof id === 'string' ? proposals.take(id) : undefined;
  if (!entry) {
    void showInformationMessage('These tasks were already applied, or the preview is from an earlier window. Ask again for a new preview.');
    return;
  }
  try {
    const outcome = await ai.applyProposedTasks(entry.project.store, entry.proposal);
    const first = outcome.ids[0];
    const added = `Added ${plural(outcome.ids.length, 'task')} to tag "${entry.proposal.tag}": ${outcome.ids.join(', ')}.${repairSummary(outcome.warnings)}`;
    const choice = await announceTask(added, first ? { project: entry.project, tag: entry.proposal.tag, id: first } : undefined, 'Undo');
    if (choice === 'Undo') await vscode.commands.executeCommand(CommandIds.undoAiChange, entry.project, entry.proposal.tag);
  } catch (error) {
    proposals.release(id as string);
    throw error;
  }
}

async function referencedText(request: vscode.ChatRequest): Promise<Array<{ name: string; text: string }>> {
  const texts: Array<{ name: string; text: string }> = [];
  for (const reference of request.references) {
    const value = reference.value;
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    if (!uri) continue;
    const document = await vscode.workspace.openTextDocument(uri);
    texts.push({ name: vscode.workspace.asRelativePath(uri), text: document.getText(value instanceof vscode.Location ? value.range : undefined) });
  }
  return texts;
}

async function workspaceTodos(project: Project, token: vscode.CancellationToken): Promise<CodeTodo[]> {
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(project.folder, SOURCE_FILES), new vscode.RelativePattern(project.folder, NOT_SOURCE), MAX_FILES, token);
  files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const todos: CodeTodo[] = [];
  for (const file of files) {
    if (token.isCancellationRequested) throw new CancelledError();
    const bytes = await vscode.workspace.fs.readFile(file);
    if (bytes.length > MAX_FILE_BYTES || bytes.includes(0)) continue;
    todos.push(...findCodeTodos(new TextDecoder().decode(bytes), vscode.workspace.asRelativePath(file, false)));
  }
  return todos;
}
