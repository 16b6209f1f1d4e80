import * as vscode from 'vscode';
import type { ExternalChatModel } from '../ai/ollamaInference';
import { allowCopilotFallback } from '../config';
import { showWarningMessage } from '../notifications';

const CONSENT_KEY = 'taskmasterLocal.copilotFallbackConsent';

/**
 * Copilot as the last fallback when no Ollama host can answer: only with the setting on, and only
 * after the user agreed once that plan text may leave the machine.
 */
export function copilotFallback(state: vscode.Memento): () => Promise<ExternalChatModel | undefined> {
  return async () => {
    if (!allowCopilotFallback()) return undefined;
    if (!state.get<boolean>(CONSENT_KEY)) {
      const choice = await showWarningMessage(
        'Ollama cannot answer. Send this request to GitHub Copilot instead?',
        { modal: true, detail: 'The task text and the plan summary in the request leave this machine. You are asked once; turn the setting taskmaster.ai.allowCopilotFallback off to stop.' },
        'Allow Copilot',
      );
      if (choice !== 'Allow Copilot') return undefined;
      await state.update(CONSENT_KEY, true);
    }
    const [model] = await vscode.lm.selectChatModels({ vendor: 'copilot' });
    return model && externalChatModel(model, 'Ollama is not reachable; Taskmaster falls back to Copilot as you allowed.');
  };
}

/** A VS Code chat model (Copilot, or the one picked in the chat) as the AI engine's external model. */
export function externalChatModel(model: vscode.LanguageModelChat, justification: string): ExternalChatModel {
  return {
    name: `${model.vendor}/${model.family}`,
    maxInputTokens: model.maxInputTokens,
    async reply(messages, schema, signal, onText) {
      // The chat API has no system role: instructions travel as the first user message.
      const prompt = messages.map((message) =>
        message.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(message.content) : vscode.LanguageModelChatMessage.User(message.content),
      );
      if (schema) prompt.push(vscode.LanguageModelChatMessage.User(`Answer with one JSON value matching this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`));
      const cancellation = new vscode.CancellationTokenSource();
      signal?.addEventListener('abort', () => cancellation.cancel(), { once: true });
      try {
        const response = await model.sendRequest(prompt, { justification }, cancellation.token);
        let text = '';
        for await (const part of response.text) {
          text += part;
          onText?.(part);
        }
        return text;
      } finally {
        cancellation.dispose();
      }
    },
  };
}
