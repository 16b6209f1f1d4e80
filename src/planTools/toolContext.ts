import type { InferenceOptions } from '../ai/ollamaInference';
import { requireTag, requireTask } from '../core/operations';
import type { TagView } from '../core/plan';
import type { PlanToolContext } from './planTool';
import { taskDetail } from './taskViews';

/** The tag a call works in, freshly read: the one it names, else the project's current tag. */
export async function readTag(context: PlanToolContext, tag: string | undefined): Promise<TagView> {
  const state = await context.store.load();
  return requireTag(state.plan, tag ?? state.currentTag);
}

/** What the AI service needs from a call: its cancellation, and where raw invalid replies go. */
export function inferenceOptions(context: PlanToolContext): InferenceOptions {
  return { signal: context.signal, log: context.log };
}

/** A task in full as the file has it now, e.g. right after a call added it. */
export async function readTaskDetail(context: PlanToolContext, tag: string, id: string) {
  const view = await readTag(context, tag);
  return taskDetail(requireTask(view, id), view);
}
