import { escapeMarkdown } from '../core/markdown';
import { describePlanToolCall, type PlanTool } from '../planTools';

/** What a language-model tool shows before it runs: the progress line, and for a change, a confirmation. */
export interface ToolConfirmation {
  invocationMessage: string;
  /** Markdown: the call's sentence is escaped, since titles and prompts in it are model-written. */
  confirmation?: { title: string; markdown: string };
}

export function toolConfirmation(tool: PlanTool, input: unknown): ToolConfirmation {
  const sentence = describePlanToolCall(tool, input);
  // Arguments that do not validate are refused before anything changes: nothing to confirm.
  if (!sentence || !tool.mutates) return { invocationMessage: `${sentence ?? tool.title}…` };
  return { invocationMessage: `${sentence}…`, confirmation: { title: `Taskmaster: ${tool.title}`, markdown: `${escapeMarkdown(sentence)}.\n\nThis changes tasks.json.` } };
}
