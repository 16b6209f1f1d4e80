import {
  CODE_TASKS_SCHEMA,
  COMPLEXITY_SCHEMA,
  NEW_TASK_SCHEMA,
  NOTE_SCHEMA,
  SUBTASKS_SCHEMA,
  TASK_UPDATE_SCHEMA,
  TASKS_SCHEMA,
  type ComplexityAnalysis,
  type GeneratedSubtask,
  type GeneratedTask,
  type NewTaskProposal,
  type ProgressNote,
  type TaskUpdate,
} from '../core/aiSchemas';
import type { TaskStatus } from '../core/task';
import { addGeneratedSubtasks, addGeneratedTasks, addProposedTask, type GeneratedOutcome } from '../core/generatedTasks';
import { readFile } from 'node:fs/promises';
import { appendNote, OperationError, requireTag, requireTask, restoreTag, updateTask, VerbatimJson } from '../core/operations';
import { DEFAULT_TAG, readPlan, selectTag, type TagView, type TaskNode } from '../core/plan';
import { applyScopeChanges } from '../core/scopeChange';
import {
  isReplacedByRescope,
  newSubtaskCount,
  SCOPED_TASK_SCHEMA,
  scopedSubtasksPrompt,
  scopeTaskPrompt,
  type ScopeChange,
  type ScopeDirection,
  type ScopedTask,
  type ScopeStrength,
} from '../core/scopePrompts';
import { CHARS_PER_TOKEN, focusTasks, planContext } from '../core/planContext';
import {
  addTaskPrompt,
  codeTasksPrompt,
  complexityPrompt,
  estimateTokens,
  expandTaskPrompt,
  parsePrdPrompt,
  planQuestionPrompt,
  promptBudget,
  splitPrd,
  subtaskNotePrompt,
  updateTaskPrompt,
  type ChatMessage,
} from '../core/prompts';
import { researchPrompt, type DetailLevel } from '../core/researchPrompt';
import { researchNote, type ResearchRecord } from '../core/researchRecord';
import { readComplexityReport, writeComplexityReport, type ComplexityEntry } from '../store/complexityReport';
import { decodeUtf8, parseJson } from '../store/jsonText';
import { createEmptyPlan } from '../store/projectInit';
import { projectTree, readResearchFiles } from '../store/researchContext';
import { planFingerprint } from '../store/planReader';
import type { PlanStore } from '../store/planStore';
import { CancelledError, InvalidReplyError, PromptTooLargeError } from './aiErrors';
import { complexityBand } from './aiSettings';
import { ModelManager } from './modelManager';
import { validatedOperation } from './validatedOperation';
import type { InferenceOptions, OllamaInference } from './ollamaInference';

export interface AiOutcome extends GeneratedOutcome {
  model: string;
  cached: boolean;
  /** The tag written to, where the service chose it (a first PRD's plan is created with it). */
  tag?: string;
  /** A status the model proposes (progress notes); never applied without the user's click. */
  proposedStatus?: TaskStatus;
}

export const DEFAULT_SUBTASK_COUNT = 5;
export const DEFAULT_PRD_TASK_COUNT = 10;
/** The plan view sent with a question never takes more than this, whatever the window: answers stay quick. */
const MAX_QUESTION_CONTEXT_CHARS = 48_000;

/** A research question and its context, named as Task Master's research tool names them. */
export interface ResearchRequest {
  query: string;
  /** Tasks or subtasks ("12", "12.3") whose text goes along. */
  taskIds?: string[];
  /** Files, relative to the project root, whose text goes along; a path outside it is refused. */
  filePaths?: string[];
  customContext?: string;
  includeProjectTree?: boolean;
  detailLevel?: DetailLevel;
  tag?: string;
}

/** A research answer, with what was sent along and what had to be cut to fit. */
export interface ResearchAnswer extends ResearchRecord {
  contextTokens: number;
  tag?: string;
  tasks: string[];
  /** Tasks the question named or matched, sent along besides the chosen ones. */
  relatedTasks: string[];
  files: string[];
  projectTree: boolean;
  cuts: string[];
}

/** What went along with the question, in words: "tasks 1, 2", "files src/a.ts", "the project tree". */
export function researchContextParts(answer: ResearchAnswer): string[] {
  return [
    answer.tasks.length ? `tasks ${answer.tasks.join(', ')}` : '',
    answer.relatedTasks.length ? `related tasks ${answer.relatedTasks.join(', ')}` : '',
    answer.files.length ? `files ${answer.files.join(', ')}` : '',
    answer.projectTree ? 'the project tree' : '',
  ].filter(Boolean);
}

/** What Undo puts back: the file as it was before an AI change to a tag. */
export interface AiChange {
  operation: string;
  tag: string;
  backupFile: string;
  at: Date;
}

/** Tasks a model proposed for a tag, shown to the user before anything is written. */
export interface TaskProposal {
  tag: string;
  tasks: GeneratedTask[];
  model: string;
  cached: boolean;
  /** What Undo calls the change once applied. */
  operation: string;
  /** How the proposal came about, when the user should know (a PRD parsed in parts). */
  notes?: string[];
}

/**
 * The AI operations every surface calls (commands, tree, chat, tools, CLI). Each reads the plan,
 * asks the model for a schema-checked answer, and applies it in one locked, atomic write; a
 * failure at any step leaves tasks.json as it was.
 */
export class AiService {
  readonly models: ModelManager;
  /** The last AI change per tasks.json and tag: one level of undo per tag. */
  private readonly changes = new Map<string, AiChange>();
  /** Tags (per tasks.json) whose last change was undone: their next request is asked afresh. */
  private readonly undone = new Set<string>();

  constructor(readonly inference: OllamaInference) {
    this.models = new ModelManager((host, signal) => inference.client(host, signal));
  }

  async expandTask(store: PlanStore, request: { id: string; count?: number; prompt?: string; force?: boolean; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const task = requireTask(requireTag(plan.plan, tagName), request.id);
    if (task.parentId !== undefined) throw new OperationError(`${task.id} is a subtask; expand its parent task ${task.parentId} instead.`, 'invalid');
    // The complexity report, when there is one, says how many subtasks and how to split.
    const analysis = (await readComplexityReport(store.location, tagName))?.complexityAnalysis.find((entry) => String(entry.taskId) === task.id);
    const count = request.count ?? (analysis?.recommendedSubtasks || DEFAULT_SUBTASK_COUNT);
    const guidance = [analysis?.expansionPrompt, request.prompt].filter(Boolean).join(' ') || undefined;
    const messages = expandTaskPrompt(requireTag(plan.plan, tagName), task, count, guidance, request.force ?? false);
    const band = analysis ? complexityBand(analysis.complexityScore) : undefined;
    const reply = await this.inference.structured<{ subtasks: GeneratedSubtask[] }>('expand-task', messages, SUBTASKS_SCHEMA, { band, ...options });
    const outcome: GeneratedOutcome = { ids: [], warnings: [] };
    await this.writeUndoably(store, tagName, 'Expand task', () =>
      store.edit(validatedOperation(addGeneratedSubtasks(task.id, reply.value.subtasks, request.force ?? false, outcome), `Expand ${task.id}`), tagName),
    );
    return { ...outcome, model: reply.model, cached: reply.cached };
  }

  async parsePrd(store: PlanStore, request: { text: string; count?: number; replace?: boolean; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    const proposal = await this.proposeTasksFromPrd(store, request, options);
    return this.applyProposedTasks(store, proposal, request.replace ?? false);
  }

  /** The tasks a model proposes for a PRD or description, not yet written (a chat preview shows them). */
  async proposeTasksFromPrd(store: PlanStore, request: { text: string; count?: number; replace?: boolean; tag?: string }, options: InferenceOptions = {}): Promise<TaskProposal> {
    checkPrd(request.text);
    const state = store.state.kind === 'missing' ? undefined : await store.load();
    const tagName = request.tag ?? state?.currentTag ?? DEFAULT_TAG;
    options = this.freshAfterUndo(store, tagName, options);
    const base = request.replace || !state ? undefined : selectTag(state.plan, tagName);
    const count = request.count ?? DEFAULT_PRD_TASK_COUNT;
    // The size is checked before anything is sent: a PRD too big for the window is parsed in parts.
    const windowTokens = options.model?.maxInputTokens ?? this.inference.numCtx;
    const wholeTokens = estimateTokens(parsePrdPrompt(request.text, count, base));
    // Later parts also list the tasks of earlier ones: room for about a line per task.
    const partBudget = promptBudget(windowTokens) - count * PLAN_LINE_TOKENS;
    const parts = wholeTokens <= promptBudget(windowTokens) ? [request.text] : splitPrd(request.text, (part) => estimateTokens(parsePrdPrompt(part, count, base)) <= partBudget);
    if (!parts) throw new PromptTooLargeError(wholeTokens, windowTokens, 'The PRD, which cannot be cut at a blank line into parts that fit,');
    const notes = parts.length > 1 ? [`The PRD (about ${wholeTokens} tokens with the prompt) does not fit the model's window (num_ctx ${windowTokens}) in one request, so it was parsed in ${parts.length} parts, in order.`] : [];
    for (const note of notes) options.log?.(`parse-prd: ${note}`);
    const proposal: TaskProposal = { tag: tagName, tasks: [], model: '', cached: true, operation: 'Parse PRD', notes };
    for (const part of parts) {
      const partCount = parts.length === 1 ? count : Math.max(1, Math.round((count * part.length) / request.text.length));
      const messages = parsePrdPrompt(part, partCount, withProposedTasks(base, proposal.tasks));
      // Replacing is how a user asks for another attempt: never replay a cached answer for it.
      const reply = await this.inference.structured<{ tasks: GeneratedTask[] }>('parse-prd', messages, TASKS_SCHEMA, { fresh: request.replace, ...options });
      proposal.tasks.push(...reply.value.tasks);
      proposal.model = reply.model;
      proposal.cached &&= reply.cached;
    }
    return proposal;
  }

  /** Tasks a model reads out of code (a selection or a file): what is unfinished, missing or wrong. */
  async proposeTasksFromCode(store: PlanStore, request: { code: string; source: string; tag?: string }, options: InferenceOptions = {}): Promise<TaskProposal> {
    if (!request.code.trim()) throw new OperationError('There is no code to read: select some code or open a file.', 'invalid');
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const messages = codeTasksPrompt(requireTag(plan.plan, tagName), request.code, request.source);
    const reply = await this.inference.structured<{ tasks: GeneratedTask[] }>('tasks-from-code', messages, CODE_TASKS_SCHEMA, { band: 'low', ...options });
    return { tag: tagName, tasks: reply.value.tasks, model: reply.model, cached: reply.cached, operation: 'Tasks from code' };
  }

  /**
   * A free question about a tag, answered in prose from a compact view of the plan sized to the
   * model's window (never the whole file), streamed to `onText`. `history` is the conversation so far.
   */
  async answerQuestion(tag: TagView, question: string, history: ChatMessage[], onText: (text: string) => void, options: InferenceOptions = {}): Promise<{ model: string }> {
    const windowChars = (options.model?.maxInputTokens ?? this.inference.numCtx) * CHARS_PER_TOKEN;
    const context = planContext(tag, question, Math.min(MAX_QUESTION_CONTEXT_CHARS, Math.floor(windowChars / 2)));
    const { model } = await this.inference.prose('plan-question', [...history, ...planQuestionPrompt(context.text, question)], onText, options);
    return { model };
  }

  /**
   * Task Master's `research`: a question answered with the project's context (the chosen tasks and
   * those the question is about, files, the file tree), sized to the window and streamed to
   * `onText`. Always on Ollama, never a chat's model: Task Master sends this to a cloud search
   * model, so the answer says which local model gave it.
   */
  async research(store: PlanStore, request: ResearchRequest, onText: (text: string) => void = () => undefined, options: InferenceOptions = {}): Promise<ResearchAnswer> {
    if (!request.query.trim()) throw new OperationError('The research question is empty: say what to find out.', 'invalid');
    // A project without tasks.json can still ask; an unreadable one is reported by load().
    const plan = (await store.reload()).kind === 'missing' ? undefined : await store.load();
    const tag = plan && requireTag(plan.plan, request.tag ?? plan.currentTag);
    if (!tag && request.taskIds?.length) throw new OperationError(`No plan at ${store.location.tasksFile}, so no task can be given as context.`, 'not-found');
    const tasks = tag ? [...new Set((request.taskIds ?? []).map((id) => requireTask(tag, id)))] : [];
    const relatedTasks = tag ? focusTasks(tag, request.query).filter((task) => !tasks.includes(task)) : [];
    const root = store.location.root;
    const files = await readResearchFiles(root, request.filePaths ?? []);
    const tree = request.includeProjectTree ? await projectTree(root) : undefined;
    const detailLevel = request.detailLevel ?? 'medium';
    const material = { query: request.query, detailLevel, tasks, relatedTasks, files, tree, customContext: request.customContext };
    const prompt = researchPrompt(material, promptBudget(this.inference.numCtx));
    for (const cut of prompt.cuts) options.log?.(`research: ${cut} to fit the model's window (num_ctx ${this.inference.numCtx}).`);
    let answer = '';
    const { model, host } = await this.inference.prose('research', prompt.messages, (text) => {
      answer += text;
      onText(text);
    }, { ...options, model: undefined });
    return {
      query: request.query.trim(),
      answer,
      detailLevel,
      contextChars: prompt.contextChars,
      contextTokens: estimateTokens(prompt.messages),
      model,
      host,
      tag: tag?.name,
      tasks: tasks.map((task) => task.id),
      relatedTasks: relatedTasks.map((task) => task.id),
      files: files.map((file) => file.path),
      projectTree: tree !== undefined,
      cuts: prompt.cuts,
    };
  }

  /**
   * Appends a research answer to a task's or subtask's details in a timestamped block, as Task
   * Master's `--save-to` does; Undo Last AI Change takes it back. Returns the task's id.
   */
  async saveResearchToTask(store: PlanStore, record: ResearchRecord, request: { id: string; tag?: string }): Promise<string> {
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    const task = requireTask(requireTag(plan.plan, tagName), request.id);
    const operation = `Research note on ${task.id}`;
    await this.writeUndoably(store, tagName, operation, () => store.edit(validatedOperation(appendNote(task.id, researchNote(record, new Date())), operation), tagName));
    return task.id;
  }

  /**
   * Writes proposed tasks in one locked, atomic edit, after a backup that Undo can restore. In a
   * folder without tasks.json (a first PRD) the file is created first, with the proposal's tag.
   */
  async applyProposedTasks(store: PlanStore, proposal: TaskProposal, replace = false): Promise<AiOutcome> {
    if ((await store.reload()).kind === 'missing') {
      // A served plan is created on the server (tml init there), never from a client.
      if (store.kind !== 'file') await store.load();
      await createEmptyPlan(store.location, proposal.tag);
    }
    const outcome: GeneratedOutcome = { ids: [], warnings: [...(proposal.notes ?? [])] };
    await this.writeUndoably(store, proposal.tag, proposal.operation, () =>
      store.edit(validatedOperation(addGeneratedTasks(proposal.tasks, replace, outcome), proposal.operation), proposal.tag),
    );
    return { ...outcome, model: proposal.model, cached: proposal.cached, tag: proposal.tag };
  }

  /**
   * Backs tasks.json up, makes `write`, and offers Undo for it when the file changed: a write that
   * was refused (the validator, a lock) leaves the previous change as the one Undo restores, and a
   * run of writes that stopped partway (update from) can still be undone.
   */
  private async writeUndoably(store: PlanStore, tag: string, operation: string, write: () => Promise<void>): Promise<void> {
    const backupFile = await store.backup(tag);
    try {
      await write();
    } finally {
      const [before, after] = await Promise.all([readFile(backupFile), store.reload()]);
      if (after.kind !== 'loaded' || planFingerprint(before) !== after.fingerprint) this.changes.set(changeKey(store, tag), { operation, tag, backupFile, at: new Date() });
    }
  }

  /**
   * The options for a request in a tag: the first one after an Undo there skips the cache, since
   * the plan is back as it was and the identical request would replay the answer just undone.
   */
  private freshAfterUndo(store: PlanStore, tag: string, options: InferenceOptions): InferenceOptions {
    return this.undone.delete(changeKey(store, tag)) ? { ...options, fresh: true } : options;
  }

  lastChange(store: PlanStore, tag: string): AiChange | undefined {
    return this.changes.get(changeKey(store, tag));
  }

  /** Puts the tag back as it was before its last AI change; other tags are not touched. */
  async undoLastChange(store: PlanStore, tag: string): Promise<AiChange> {
    const change = this.lastChange(store, tag);
    if (!change) throw new OperationError(`No AI change to undo in tag "${tag}" in this session.`, 'invalid');
    const backupText = decodeUtf8(await readFile(change.backupFile));
    const backup = readPlan(parseJson(backupText));
    if (backup.format === 'tagged' && backup.data[tag] === undefined) throw new OperationError(`The backup ${change.backupFile} has no tag "${tag}".`, 'invalid');
    await store.edit(restoreTag(new VerbatimJson(backup.format === 'legacy' ? [] : [tag], backupText)), tag);
    this.changes.delete(changeKey(store, tag));
    this.undone.add(changeKey(store, tag));
    return change;
  }

  /**
   * Expands every pending task without subtasks (all pending tasks with `force`), prerequisites
   * first, with one worker per healthy Ollama host so a home lab's boxes share the work.
   */
  async expandAll(
    store: PlanStore,
    request: { tag?: string; force?: boolean; count?: number; prompt?: string } = {},
    options: InferenceOptions = {},
    onTaskDone?: (id: string, outcome: AiOutcome) => void,
  ): Promise<{ expanded: string[]; failed: Array<{ id: string; error: string }> }> {
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    const tag = requireTag(plan.plan, tagName);
    const queue = dependencyOrder(tag.tasks.filter((task) => task.status === 'pending' && (request.force || task.subtasks.length === 0))).map((task) => task.id);
    const expanded: string[] = [];
    const failed: Array<{ id: string; error: string }> = [];
    const hosts = this.inference.healthyHosts.length ? this.inference.healthyHosts : [...this.inference.endpoints];
    await Promise.all(
      hosts.map(async (host) => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          if (options.signal?.aborted) return;
          try {
            const outcome = await this.expandTask(store, { id, tag: tagName, force: request.force, count: request.count, prompt: request.prompt }, { ...options, preferredHost: host });
            expanded.push(id);
            onTaskDone?.(id, outcome);
          } catch (error) {
            if (CancelledError.is(error)) return;
            failed.push({ id, error: (error as Error).message });
          }
        }
      }),
    );
    if (options.signal?.aborted) throw new CancelledError();
    return { expanded, failed };
  }

  /** Rates every open top-level task and writes Task Master's complexity report for the tag. */
  async analyzeComplexity(store: PlanStore, request: { tag?: string } = {}, options: InferenceOptions = {}): Promise<ComplexityOutcome> {
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    const tag = requireTag(plan.plan, tagName);
    const open = tag.tasks.filter((task) => task.status !== 'done' && task.status !== 'cancelled');
    if (open.length === 0) throw new OperationError(`No open tasks to analyse in tag "${tag.name}".`, 'invalid');
    const entries: ComplexityEntry[] = [];
    const warnings: string[] = [];
    let model = '';
    for (let start = 0; start < open.length; start += COMPLEXITY_BATCH) {
      const batch = open.slice(start, start + COMPLEXITY_BATCH);
      const reply = await this.inference.structured<{ analyses: ComplexityAnalysis[] }>('analyze-complexity', complexityPrompt(tag, batch), COMPLEXITY_SCHEMA, options);
      model = reply.model;
      for (const task of batch) {
        const analysis = reply.value.analyses.find((entry) => String(entry.taskId) === task.id);
        if (analysis) entries.push({ ...analysis, taskId: Number(task.id), taskTitle: task.title });
        else warnings.push(`The model gave no rating for task ${task.id}; run the analysis again to fill it in.`);
      }
    }
    const file = await writeComplexityReport(store.location, tag.name, entries, tag.tasks.length);
    return { file, entries, warnings, model };
  }

  /** Rewrites a task's title, description, details and test strategy for a change request. */
  async updateTask(store: PlanStore, request: { id: string; prompt: string; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    if (!request.prompt.trim()) throw new OperationError('Say what changed.', 'invalid');
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const tag = requireTag(plan.plan, tagName);
    const task = requireTask(tag, request.id);
    const reply = await this.inference.structured<TaskUpdate>('update-task', updateTaskPrompt(tag, task, request.prompt), TASK_UPDATE_SCHEMA, { band: 'low', ...options });
    await this.writeUndoably(store, tagName, `Update task ${task.id}`, () => store.edit(validatedOperation(updateTask(task.id, reply.value), `Update task ${task.id}`), tagName));
    return { ids: [task.id], warnings: [], model: reply.model, cached: reply.cached };
  }

  /**
   * Task Master's scope-up / scope-down: each task rewritten to be more or less complex, then its
   * pending subtasks replaced by new ones fitting the new scope (others kept). Every task is asked
   * for before anything is written, and all are written in one edit that Undo restores.
   */
  async scopeTasks(store: PlanStore, request: ScopeRequest, options: InferenceOptions = {}): Promise<AiOutcome> {
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const tag = requireTag(plan.plan, tagName);
    if (request.ids.length === 0) throw new OperationError('Name at least one task id to scope.', 'invalid');
    const tasks = request.ids.map((id) => requireTask(tag, id));
    const subtask = tasks.find((task) => task.parentId !== undefined);
    if (subtask) throw new OperationError(`${subtask.id} is a subtask; scope ${request.direction} takes task ids (scope its parent ${subtask.parentId}).`, 'invalid');
    const { direction, strength, prompt } = request;
    const report = await readComplexityReport(store.location, tagName);
    const changes: ScopeChange[] = [];
    const outcome: AiOutcome = { ids: [], warnings: [], model: '', cached: true };
    for (const task of tasks) {
      const score = report?.complexityAnalysis.find((entry) => String(entry.taskId) === task.id)?.complexityScore;
      const taskOptions = { band: score ? complexityBand(score) : undefined, ...options };
      const reply = await this.inference.structured<ScopedTask>(`scope-${direction}`, scopeTaskPrompt(tag, task, direction, strength, prompt), SCOPED_TASK_SCHEMA, taskOptions);
      outcome.model = reply.model;
      outcome.cached &&= reply.cached;
      const kept = task.subtasks.filter((sub) => !isReplacedByRescope(sub));
      const replaced = task.subtasks.length - kept.length;
      const change: ScopeChange = { id: task.id, fields: reply.value };
      if (replaced > 0) {
        const count = newSubtaskCount(direction, strength, kept.length, replaced, score);
        const messages = scopedSubtasksPrompt(reply.value, kept, count, direction, strength, prompt);
        // As in Task Master, subtasks the model cannot write leave the old ones; the task is still rescoped.
        try {
          const subtasks = await this.inference.structured<{ subtasks: GeneratedSubtask[] }>(`scope-${direction}-subtasks`, messages, SUBTASKS_SCHEMA, taskOptions);
          change.subtasks = subtasks.value.subtasks;
          outcome.cached &&= subtasks.cached;
        } catch (error) {
          if (!InvalidReplyError.is(error)) throw error;
          outcome.warnings.push(`Task ${task.id}: the model gave no usable subtasks, so its subtasks were left as they were.`);
        }
      }
      changes.push(change);
    }
    const label = `Scope ${direction} ${tasks.map((task) => task.id).join(', ')}`;
    await this.writeUndoably(store, tagName, label, () => store.edit(validatedOperation(applyScopeChanges(changes, outcome), label), tagName));
    return outcome;
  }

  /** Rewrites every open task from an id onward for a change, as Task Master's `update --from`. */
  async updateFrom(store: PlanStore, request: { fromId: string; prompt: string; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    if (!request.prompt.trim()) throw new OperationError('Say what changed.', 'invalid');
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const from = Number(request.fromId);
    if (!Number.isFinite(from)) throw new OperationError(`"${request.fromId}" is not a task id.`, 'invalid');
    const targets = requireTag(plan.plan, tagName).tasks.filter((task) => Number(task.id) >= from && task.status !== 'done' && task.status !== 'cancelled');
    if (targets.length === 0) throw new OperationError(`No open tasks from ${from} onward in tag "${tagName}".`, 'not-found');
    const outcome: AiOutcome = { ids: [], warnings: [], model: '', cached: false };
    await this.writeUndoably(store, tagName, `Update from ${from}`, async () => {
      for (const target of targets) {
        const fresh = requireTag((await store.load()).plan, tagName);
        const task = requireTask(fresh, target.id);
        const reply = await this.inference.structured<TaskUpdate>('update-task', updateTaskPrompt(fresh, task, request.prompt), TASK_UPDATE_SCHEMA, { band: 'low', ...options });
        await store.edit(validatedOperation(updateTask(task.id, reply.value), `Update task ${task.id}`), tagName);
        outcome.ids.push(task.id);
        outcome.model = reply.model;
      }
    });
    return outcome;
  }

  /** Appends a timestamped implementation note to a subtask's details, as update-subtask does. */
  async updateSubtask(store: PlanStore, request: { id: string; prompt: string; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    if (!request.prompt.trim()) throw new OperationError('Say what to note.', 'invalid');
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const task = requireTask(requireTag(plan.plan, tagName), request.id);
    const reply = await this.inference.structured<ProgressNote>('update-subtask', subtaskNotePrompt(task, request.prompt), NOTE_SCHEMA, { band: 'low', ...options });
    await this.writeUndoably(store, tagName, `Note on ${task.id}`, () => store.edit(validatedOperation(appendNote(task.id, reply.value.note), `Note on ${task.id}`), tagName));
    const proposedStatus = reply.value.status && reply.value.status !== task.status ? reply.value.status : undefined;
    return { ids: [task.id], warnings: [], model: reply.model, cached: reply.cached, proposedStatus };
  }

  async addTaskFromPrompt(store: PlanStore, request: { prompt: string; tag?: string }, options: InferenceOptions = {}): Promise<AiOutcome> {
    if (!request.prompt.trim()) throw new OperationError('Describe the task to add.', 'invalid');
    const plan = await store.load();
    const tagName = request.tag ?? plan.currentTag;
    options = this.freshAfterUndo(store, tagName, options);
    const messages = addTaskPrompt(requireTag(plan.plan, tagName), request.prompt);
    const reply = await this.inference.structured<NewTaskProposal>('add-task', messages, NEW_TASK_SCHEMA, { band: 'low', ...options });
    const outcome: GeneratedOutcome = { ids: [], warnings: [] };
    await this.writeUndoably(store, tagName, 'Add task with AI', () => store.edit(validatedOperation(addProposedTask(reply.value, outcome), 'Add task'), tagName));
    return { ...outcome, model: reply.model, cached: reply.cached };
  }
}

export interface ScopeRequest {
  /** Task ids (not subtasks), as task-master's comma list. */
  ids: string[];
  direction: ScopeDirection;
  strength: ScopeStrength;
  /** Extra instructions for the rewrite. */
  prompt?: string;
  tag?: string;
}

/** Tasks per complexity request: small models keep their focus on a short list. */
const COMPLEXITY_BATCH = 8;

export interface ComplexityOutcome {
  file: string;
  entries: ComplexityEntry[];
  warnings: string[];
  model: string;
}

/** Tasks ordered so each comes after the tasks (of the list) it depends on; cycles keep file order. */
function dependencyOrder(tasks: TaskNode[]): TaskNode[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const done = new Set<string>();
  const ordered: TaskNode[] = [];
  const visit = (task: TaskNode, path: Set<string>) => {
    if (done.has(task.id) || path.has(task.id)) return;
    path.add(task.id);
    for (const dep of task.dependencies) {
      const before = byId.get(dep);
      if (before) visit(before, path);
    }
    done.add(task.id);
    ordered.push(task);
  };
  for (const task of tasks) visit(task, new Set());
  return ordered;
}

/** Tokens a task takes in a prompt's plan view (one compact line). */
const PLAN_LINE_TOKENS = 25;

/** The tag's tasks followed by tasks proposed so far, as the plan view a PRD's next part is parsed against. */
function withProposedTasks(tag: TagView | undefined, proposed: GeneratedTask[]): TagView | undefined {
  if (proposed.length === 0) return tag;
  const tasks = [...(tag?.tasks.map((task) => task.raw) ?? []), ...proposed.map((task) => ({ id: task.id, title: task.title, status: 'pending', dependencies: task.dependencies }))];
  return readPlan({ tasks }).tags.values().next().value;
}

/** Where per-tag state (Undo, a retry after it) is kept: one tasks.json's tag. */
function changeKey(store: PlanStore, tag: string): string {
  return `${store.location.tasksFile}\n${tag}`;
}

function checkPrd(text: string): void {
  if (!text.trim()) throw new OperationError('The PRD is empty: write the requirements first, then parse it.', 'invalid');
  if (text.includes('\u0000')) throw new OperationError('The PRD looks like a binary file: use a text or markdown document.', 'invalid');
}
