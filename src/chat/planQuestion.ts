import * as vscode from 'vscode';
import type { ChatMessage } from '../core/prompts';
import { taskLink, trustedMarkdown } from './chatMarkdown';
import type { ChatServices, ChatTurn, TurnMetadata } from './chatTurn';

/** Earlier exchanges of this chat sent along, so "and after that?" makes sense. */
const HISTORY_TURNS = 4;

/** A free question about the plan, answered by the AI service; tasks the answer names become links. */
export async function answerQuestion(turn: ChatTurn, services: ChatServices): Promise<TurnMetadata> {
  let answer = '';
  await services.ai.answerQuestion(
    turn.tag,
    turn.request.prompt.trim(),
    historyMessages(turn.history),
    (text) => {
      answer += text;
      turn.stream.markdown(text);
    },
    turn.inference,
  );
  const named = [...new Set([...answer.matchAll(/#(\d+(?:\.\d+)?)\b/g)].map((match) => match[1]))].map((id) => turn.tag.byId.get(id)).filter((task) => task !== undefined);
  if (named.length) turn.stream.markdown(trustedMarkdown(`\n\nTasks: ${named.map((task) => taskLink(turn.project, turn.tag.name, task)).join(' · ')}`));
  return { command: 'question', taskId: named[0]?.id };
}

/** The conversation so far as plain text: slash commands kept, our command links reduced to their labels. */
function historyMessages(history: vscode.ChatContext['history']): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const entry of history.slice(-HISTORY_TURNS * 2)) {
    if (entry instanceof vscode.ChatRequestTurn) messages.push({ role: 'user', content: `${entry.command ? `/${entry.command} ` : ''}${entry.prompt}` });
    else if (entry instanceof vscode.ChatResponseTurn) {
      const text = entry.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('')
        .replace(/\[([^\]]*)\]\(command:[^)]*\)/g, '$1')
        .trim();
      if (text) messages.push({ role: 'assistant', content: text });
    }
  }
  return messages;
}
