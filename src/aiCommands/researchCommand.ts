import * as path from 'node:path';
import * as vscode from 'vscode';
import { researchContextParts, type AiService, type ResearchAnswer } from '../ai/aiService';
import { withCancellableProgress } from '../commands/cancellableProgress';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { loadedTag, pickProject, taskPickItems, type TaskPickItem } from '../commands/taskPicker';
import { escapeMarkdown } from '../core/markdown';
import { allTasks, type TagView } from '../core/plan';
import { DETAIL_LEVELS, type DetailLevel } from '../core/researchPrompt';
import { answeredBy } from '../core/researchRecord';
import { writeResearchFile } from '../store/researchContext';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import { showMarkdown } from './markdownView';
import { applyProjectSettings } from './projectAiSettings';
import { ollamaReadyForCommand } from './ollamaConnection';
import { showInformationMessage } from '../notifications';

export interface ResearchServices {
  model: TaskTreeModel;
  ai: AiService;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}

/** An answer handed to Save to Task… and Save to File (chat buttons, the Research command): plain data. */
export interface SavedResearch {
  /** The workspace folder's URI, as a string. */
  folder: string;
  answer: ResearchAnswer;
}

function isSavedResearch(value: unknown): value is SavedResearch {
  const saved = value as Partial<SavedResearch> | undefined;
  return typeof saved?.folder === 'string' && typeof saved.answer?.answer === 'string' && typeof saved.answer.query === 'string';
}

/** Said wherever an answer is shown: which local model gave it, where Task Master would ask a cloud model. */
export function researchCredit(answer: ResearchAnswer): string {
  return `Researched by ${answeredBy(answer)}: your local model, without web access (Task Master asks a cloud search model).`;
}

/** Taskmaster: Research… and the two ways to keep an answer. */
export function registerResearchCommands(context: vscode.ExtensionContext, services: ResearchServices): void {
  const { model, ai, log, secrets } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  register(CommandIds.research, async () => {
    if (!(await ollamaReadyForCommand(services))) return;
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const query = await vscode.window.showInputBox({ title: 'Research with your Ollama model', placeHolder: 'e.g. "How should the /users API paginate?"', ignoreFocusOut: true });
    if (!query?.trim()) return;
    const context = await pickContext(project.folder, loaded.tag);
    if (!context) return;
    const detail = await vscode.window.showQuickPick(
      DETAIL_LEVELS.map((level) => ({ label: level, description: level === 'medium' ? 'default' : undefined })),
      { placeHolder: 'How detailed should the answer be?' },
    );
    if (!detail) return;
    const settings = await applyProjectSettings(ai, secrets, project);
    const request = { query, ...context, detailLevel: detail.label as DetailLevel, tag: loaded.tag.name };
    const answer = await withCancellableProgress('Researching', (progress, signal) => {
      progress.report({ message: `asking ${settings.model} on Ollama…` });
      return ai.research(project.store, request, undefined, {
        signal,
        log: (line) => log.info(line),
        onProgress: (p) => progress.report({ message: `${p.tokens} tokens from ${p.model}, ${(p.elapsedMs / 1000).toFixed(1)} s` }),
      });
    });
    await showMarkdown(researchMarkdown(answer));
    const saved: SavedResearch = { folder: project.folder.uri.toString(), answer };
    const choice = await showInformationMessage(`Answered by ${answeredBy(answer)}.`, 'Save to Task…', 'Save to File');
    if (choice === 'Save to Task…') await vscode.commands.executeCommand(CommandIds.saveResearchToTask, saved);
    if (choice === 'Save to File') await vscode.commands.executeCommand(CommandIds.saveResearchToFile, saved);
  });

  register(CommandIds.saveResearchToTask, async (arg) => {
    if (!isSavedResearch(arg)) return;
    const project = model.projects.byFolder(vscode.Uri.parse(arg.folder));
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const picked = await vscode.window.showQuickPick(taskPickItems(allTasks(loaded.tag)), { placeHolder: 'Append the research to which task or subtask?', matchOnDescription: true });
    if (!picked) return;
    const id = await ai.saveResearchToTask(project.store, arg.answer, { id: picked.task.id, tag: loaded.tag.name });
    const choice = await showInformationMessage(`Appended the research to the details of ${id}.`, 'Undo');
    if (choice) await vscode.commands.executeCommand(CommandIds.undoAiChange, project, loaded.tag.name);
  });

  register(CommandIds.saveResearchToFile, async (arg) => {
    if (!isSavedResearch(arg)) return;
    const project = model.projects.byFolder(vscode.Uri.parse(arg.folder));
    if (!project) return;
    const file = await writeResearchFile(project.store.location.root, arg.answer);
    const choice = await showInformationMessage(`Saved the research to ${path.relative(project.store.location.root, file)}.`, 'Open');
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
}

type ContextItem = vscode.QuickPickItem & { task?: TaskPickItem['task']; file?: string; tree?: true };

/** What goes along with the question: tasks, the current file (when in the project), the project tree. */
async function pickContext(folder: vscode.WorkspaceFolder, tag: TagView) {
  const active = vscode.window.activeTextEditor?.document.uri;
  const current = active && vscode.workspace.getWorkspaceFolder(active) === folder ? vscode.workspace.asRelativePath(active, false) : undefined;
  const items: ContextItem[] = [
    ...(current ? [{ label: `$(file) Current file: ${current}`, file: current }] : []),
    { label: '$(list-tree) Project file tree', description: 'without git-ignored files', tree: true },
    { label: 'Tasks', kind: vscode.QuickPickItemKind.Separator },
    ...taskPickItems(allTasks(tag)),
  ];
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'What goes along with the question? (none is fine)', matchOnDescription: true });
  if (!picked) return undefined;
  return {
    taskIds: picked.flatMap((item) => (item.task ? [item.task.id] : [])),
    filePaths: picked.flatMap((item) => (item.file ? [item.file] : [])),
    includeProjectTree: picked.some((item) => item.tree),
  };
}

/** The answer as a document: the question, who answered, what went along, then the answer. */
function researchMarkdown(answer: ResearchAnswer): string {
  const context = researchContextParts(answer);
  return [
    `# Research: ${escapeMarkdown(answer.query)}`,
    '',
    `*${researchCredit(answer)}*`,
    '',
    `Detail: ${answer.detailLevel}. Context: ${context.join('; ') || 'none'}.${answer.cuts.length ? ` Cut to fit the window: ${answer.cuts.join('; ')}.` : ''}`,
    '',
    '---',
    '',
    answer.answer,
    '',
  ].join('\n');
}
