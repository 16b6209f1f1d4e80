import * as path from 'node:path';
import * as vscode from 'vscode';
import { researchCredit, type SavedResearch } from '../aiCommands/researchCommand';
import { CommandIds } from '../commands/commandIds';
import { escapeMarkdown } from '../core/markdown';
import { OperationError } from '../core/operations';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';

/**
 * `/research <question>`: Task Master's research, answered by the project's Ollama model (not the
 * chat's model) and streamed. Tasks named as #12 and files referenced with #file go along; buttons
 * save the answer to a task or to .taskmaster/docs/research.
 */
export async function replyResearch(turn: ChatTurn, services: ChatServices): Promise<TurnMetadata> {
  const { stream, project, tag } = turn;
  const query = turn.request.prompt.trim();
  if (!query) throw new OperationError('Say what to research: `/research how should the /users API paginate?`', 'invalid');
  const taskIds = [...new Set([...query.matchAll(/#(\d+(?:\.\d+)?)\b/g)].map((match) => match[1]))].filter((id) => tag.byId.has(id));
  const root = project.store.location.root;
  const filePaths = turn.request.references.flatMap((reference) => {
    const uri = reference.value instanceof vscode.Uri ? reference.value : reference.value instanceof vscode.Location ? reference.value.uri : undefined;
    return uri?.scheme === 'file' ? [path.relative(root, uri.fsPath)] : [];
  });
  stream.progress('Researching with your Ollama model…');
  const answer = await services.ai.research(project.store, { query, taskIds, filePaths, tag: tag.name }, (text) => stream.markdown(text), turn.inference);
  const context = [...answer.tasks, ...answer.relatedTasks].map((id) => `#${id}`).concat(answer.files);
  stream.markdown(`\n\n*${escapeMarkdown(researchCredit(answer))}${context.length ? ` Context: ${escapeMarkdown(context.join(', '))}.` : ''}*`);
  const saved: SavedResearch = { folder: project.folder.uri.toString(), answer };
  stream.button({ title: 'Save to Task…', command: CommandIds.saveResearchToTask, arguments: [saved] });
  stream.button({ title: 'Save to File', command: CommandIds.saveResearchToFile, arguments: [saved] });
  return { command: 'research' };
}
