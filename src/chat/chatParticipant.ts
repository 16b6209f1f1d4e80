import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { chatEngine } from '../config';
import { externalChatModel } from '../copilot/copilotFallback';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import { errorHelp } from '../messages';
import { replyExpand, replyHelp, replyList, replyNext, replyProgress, replyShow, replyStatus } from './chatCommands';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';
import { answerQuestion } from './planQuestion';
import { replyResearch } from './researchReply';
import { applyProposal, replyFromCode, replyPlan } from './planRequests';

type Reply = (turn: ChatTurn, services: ChatServices, token: vscode.CancellationToken) => TurnMetadata | Promise<TurnMetadata>;

/** Slash commands that read the plan, as declared in package.json (`/help` is answered before the plan is read). */
const REPLIES: Record<string, Reply> = {
  next: replyNext,
  list: replyList,
  show: replyShow,
  status: replyStatus,
  plan: replyPlan,
  expand: replyExpand,
  progress: replyProgress,
  fromcode: replyFromCode,
  research: replyResearch,
};

/**
 * @taskmaster in Copilot Chat: every answer comes from the same core, store and AI service. The
 * composition root creates the participant at activation and hands its requests to this handler.
 */
export function chatParticipantHandlers(context: vscode.ExtensionContext, services: ChatServices): { handler: vscode.ChatRequestHandler; followupProvider: vscode.ChatFollowupProvider } {
  // Said once per window: with the chat's model as the engine, plan text goes where that model runs.
  const engineNotice = { shown: false };
  registerCommand(context, services.log, CommandIds.applyProposal, (id) => applyProposal(services.proposals, services.ai, id));
  return {
    handler: (request, chatContext, stream, token) => handle(services, engineNotice, request, chatContext, stream, token),
    followupProvider: { provideFollowups: (result) => suggestNextSteps(result.metadata as TurnMetadata | undefined) },
  };
}

async function handle(
  services: ChatServices,
  engineNotice: { shown: boolean },
  request: vscode.ChatRequest,
  chatContext: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const controller = new AbortController();
  const cancelled = token.onCancellationRequested(() => controller.abort());
  try {
    const engine = chatEngine();
    const inference = {
      signal: controller.signal,
      log: (line: string) => services.log.info(line),
      model: engine === 'copilot' ? externalChatModel(request.model, 'Taskmaster answers your @taskmaster request with the model picked in the chat.') : undefined,
    };
    if (request.command === 'help') return { metadata: replyHelp({ stream, inference }) };
    const project = services.model.projects.current;
    if (!project) {
      stream.markdown('There is no Task Master plan in this workspace yet. Initialize one, or turn a requirements document into tasks:');
      stream.button({ title: 'Initialize Taskmaster', command: CommandIds.initialize });
      stream.button({ title: 'Parse PRD…', command: CommandIds.parsePrd });
      return { metadata: { command: 'no-plan' } };
    }
    const state = await project.store.load();
    const tag = services.model.currentTag(state);
    if (!tag) {
      stream.markdown('tasks.json has no tags yet. Add a task from the Tasks view, or run Parse PRD, to start the plan.');
      return { metadata: { command: 'empty-plan' } };
    }
    await applyProjectSettings(services.ai, services.secrets, project);
    const turn: ChatTurn = { request, history: chatContext.history, stream, project, tag, inference };
    const reply = request.command ? REPLIES[request.command] : answerQuestion;
    if (!reply) {
      stream.markdown(`There is no \`/${request.command}\` command. Try \`/help\`.`);
      return { metadata: { command: 'unknown' } };
    }
    const metadata = await reply(turn, services, token);
    if (engine === 'copilot' && usesModel(request) && !engineNotice.shown) {
      engineNotice.shown = true;
      stream.markdown(`\n\n*Answered by ${request.model.name}, the model picked in this chat. To keep plan text on this machine, set \`taskmaster.chat.engine\` to \`ollama\`.*`);
    }
    return { metadata };
  } catch (error) {
    return replyWithError(services, stream, error, request);
  } finally {
    cancelled.dispose();
  }
}

/** Whether a request asks a model (a question, or the AI commands) rather than only the plan. */
function usesModel(request: vscode.ChatRequest): boolean {
  return !request.command || ['plan', 'expand', 'fromcode'].includes(request.command);
}

/** Errors answered in the chat: what happened, what to do, and the buttons that help. */
function replyWithError(services: ChatServices, stream: vscode.ChatResponseStream, error: unknown, request: vscode.ChatRequest): vscode.ChatResult {
  if (error instanceof vscode.LanguageModelError) {
    stream.markdown(`The chat model "${request.model.name}" cannot answer (${error.code || error.message}). Pick another model in the chat, or set \`taskmaster.chat.engine\` to \`ollama\` to use your local model.`);
    stream.button({ title: 'Open Setting', command: 'workbench.action.openSettings', arguments: ['taskmaster.chat.engine'] });
    return { metadata: { command: 'error' } };
  }
  const help = errorHelp(error);
  if (!help) {
    stream.markdown('Cancelled; nothing was changed.');
    return { metadata: { command: 'cancelled' } };
  }
  if (help.log) services.log.error([help.message, help.detail].filter(Boolean).join('\n'));
  stream.markdown(help.message);
  for (const action of help.actions) stream.button(action);
  return { metadata: { command: 'error' } };
}

/** The next two or three sensible steps after a reply. */
export function suggestNextSteps(metadata: TurnMetadata | undefined): vscode.ChatFollowup[] {
  const id = metadata?.taskId;
  switch (metadata?.command) {
    case 'next':
    case 'show':
      return id
        ? [
            ...(metadata?.taskStatus !== 'done' ? [{ prompt: `${id} done`, command: 'status', label: `Mark ${id} done` }] : []),
            ...(metadata?.canExpand ? [{ prompt: id, command: 'expand', label: `Break ${id} into subtasks` }] : []),
            { prompt: `What should I do after ${id}?`, label: `What comes after ${id}?` },
          ]
        : [{ prompt: '', command: 'progress', label: 'What moved today?' }];
    case 'status':
    case 'expand':
      return [
        { prompt: '', command: 'next', label: 'What is next?' },
        ...(id ? [{ prompt: id, command: 'show', label: `Show ${id}` }] : []),
      ];
    case 'no-plan':
    case 'empty-plan':
      return [{ prompt: '', command: 'help', label: 'What can @taskmaster do?' }];
    default:
      return [
        { prompt: '', command: 'next', label: 'What is next?' },
        { prompt: 'in-progress', command: 'list', label: 'What is in progress?' },
        { prompt: '', command: 'progress', label: 'What moved today?' },
      ];
  }
}
