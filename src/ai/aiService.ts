import { NEW_TASK_SCHEMA, SUBTASKS_SCHEMA, TASKS_SCHEMA, type GeneratedSubtask, type GeneratedTask, type NewTaskProposal } from '../core/aiSchemas';
import { addGeneratedSubtasks, addGeneratedTasks, addProposedTask, type GeneratedOutcome } from '../core/generatedTasks';
import { OperationError, requireTag, requireTask } from '../core/operations';
import { DEFAULT_TAG, selectTag } from '../core/plan';
import { addTaskPrompt, expandTaskPrompt, parsePrdPrompt } from '../core/prompts';
import { PlanMissingError, PlanUnreadableError, type LoadedPlan, type TaskStore } from '../store/taskStore';
import { ModelManager } from './modelManager';
import type { InferenceOptions, OllamaInference } from './ollamaInference';

export interface AiOutcome extends GeneratedOutcome {
  model: string;
  cached: boolean;
}

export const DEFAULT_SUBTASK_COUNT = 5;
export const DEFAULT_PRD_TASK_COUNT = 10;

/**
 * The AI operations every surface calls (commands, tree, chat, tools, CLI). Each reads the plan,
 * asks the model for a schema-checked answer, and applies it in one locked, atomic write; a
 * failure at any step leaves tasks.json as it was.
 */
export class AiService {
  readonly models: ModelManager;

  constructor(readonly inference: OllamaInference) {
    this.models = new ModelManager((host, signal) => inference.client(host, signal));
  }

  async expandTask(store: TaskStore, request: { id: string; count?: number; prompt?: string; force?: boolean; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    const plan = await loaded(store);
    const tagName = request.tag ?? plan.currentTag;
    const task = requireTask(requireTag(plan.plan, tagName), request.id);
    if (task.parentId !== undefined) throw new OperationError(`${task.id} is a subtask; expand its parent task ${task.parentId} instead.`, 'invalid');
    const count = request.count ?? DEFAULT_SUBTASK_COUNT;
    const messages = expandTaskPrompt(requireTag(plan.plan, tagName), task, count, request.prompt);
    const reply = await this.inference.structured<{ subtasks: GeneratedSubtask[] }>('expand-task', messages, SUBTASKS_SCHEMA, options);
    const outcome: GeneratedOutcome = { ids: [], warnings: [] };
    await store.edit(addGeneratedSubtasks(task.id, reply.value.subtasks, request.force ?? false, outcome), tagName);
    return { ...outcome, model: reply.model, cached: reply.cached };
  }

  async parsePrd(store: TaskStore, request: { text: string; count?: number; replace?: boolean; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    checkPrd(request.text);
    const state = store.state.kind === 'missing' ? undefined : await loaded(store);
    const tagName = request.tag ?? state?.currentTag ?? DEFAULT_TAG;
    const tag = state ? selectTag(state.plan, tagName) : undefined;
    const messages = parsePrdPrompt(request.text, request.count ?? DEFAULT_PRD_TASK_COUNT, request.replace ? undefined : tag);
    const reply = await this.inference.structured<{ tasks: GeneratedTask[] }>('parse-prd', messages, TASKS_SCHEMA, options);
    const outcome: GeneratedOutcome = { ids: [], warnings: [] };
    await store.edit(addGeneratedTasks(reply.value.tasks, request.replace ?? false, outcome), tagName);
    return { ...outcome, model: reply.model, cached: reply.cached };
  }

  async addTaskFromPrompt(store: TaskStore, request: { prompt: string; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    if (!request.prompt.trim()) throw new OperationError('Describe the task to add.', 'invalid');
    const plan = await loaded(store);
    const tagName = request.tag ?? plan.currentTag;
    const messages = addTaskPrompt(requireTag(plan.plan, tagName), request.prompt);
    const reply = await this.inference.structured<NewTaskProposal>('add-task', messages, NEW_TASK_SCHEMA, options);
    const outcome: GeneratedOutcome = { ids: [], warnings: [] };
    await store.edit(addProposedTask(reply.value, outcome), tagName);
    return { ...outcome, model: reply.model, cached: reply.cached };
  }
}

async function loaded(store: TaskStore): Promise<LoadedPlan> {
  const state = await store.reload();
  if (state.kind === 'missing') throw new PlanMissingError(state.location.tasksFile);
  if (state.kind === 'unreadable') throw new PlanUnreadableError(state.location.tasksFile, state.error);
  return state;
}

function checkPrd(text: string): void {
  if (!text.trim()) throw new OperationError('The PRD is empty: write the requirements first, then parse it.', 'invalid');
  if (text.includes('\u0000')) throw new OperationError('The PRD looks like a binary file: use a text or markdown document.', 'invalid');
}
