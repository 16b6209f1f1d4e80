import * as vscode from 'vscode';
import { CHARS_PER_TOKEN, planContext } from '../core/planContext';
import { planQuestionPrompt, type ChatMessage } from '../core/prompts';
import { taskLink, trustedMarkdown } from './chatMarkdown';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';

/** The plan view never takes more than this, whatever the model's window: answers stay quick. */
const MAX_CONTEXT_CHARS = 48_000;
/** Earlier exchanges of this chat sent along, so "and after that?" makes sense. */
const HISTORY_TURNS = 4;

/**
 * A free question about the plan, answered by the chat's model (or Ollama, by setting) from a
 * compact view of the plan: never the whole file. Tasks the answer names become links.
 */
export async function answerQuestion(turn: ChatTurn, services: ChatServices, token: vscode.CancellationToken): Promise<TurnMetadata> {
  const question = turn.request.prompt.trim();
  const engine = turn.inference.model ? turn.request.model : undefined;
  const windowChars = (engine ? engine.maxInputTokens : services.ai.inference.numCtx) * CHARS_PER_TOKEN;
  const context = planContext(turn.tag, question, Math.min(MAX_CONTEXT_CHARS, Math.floor(windowChars / 2)));
  const messages = [...historyMessages(turn.history), ...planQuestionPrompt(context.text, question)];
  let answer = '';
  const onText = (text: string) => {
    answer += text;
    turn.stream.markdown(text);
  };
  if (engine) {
    const prompt = messages.map((message) => (message.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(message.content) : vscode.LanguageModelChatMessage.User(message.content)));
    const response = await engine.sendRequest(prompt, {}, token);
    for await (const text of response.text) onText(text);
  } else {
    await services.ai.inference.prose('plan-question', messages, onText, turn.inference);
  }
  const named = [...new Set([...answer.matchAll(/#(\d+(?:\.\d+)?)\b/g)].map((match) => match[1]))].map((id) => turn.tag.byId.get(id)).filter((task) => task !== undefined);
  if (named.length) turn.stream.markdown(trustedMarkdown(`\n\nTasks: ${named.map((task) => taskLink(turn.project, turn.tag.name, task)).join(' · ')}`));
  return { command: 'question', taskId: named[0]?.id };
}

function historyMessages(history: vscode.ChatContext['history']): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const entry of history.slice(-HISTORY_TURNS * 2)) {
    if (entry instanceof vscode.ChatRequestTurn) messages.push({ role: 'user', content: entry.prompt });
    else if (entry instanceof vscode.ChatResponseTurn) {
      const text = entry.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('')
        .trim();
      if (text) messages.push({ role: 'assistant', content: text });
    }
  }
  return messages;
}
