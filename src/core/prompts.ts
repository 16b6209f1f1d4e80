import { readPlan, type TagView, type TaskNode } from './plan';
import { CHARS_PER_TOKEN } from './planContext';

/**
 * Prompts for small local models: short, explicit, one job each, the output shape spelled out
 * (the schema is also enforced through `format`). Plan context is compact: ids, titles, statuses,
 * dependencies; details only for the task in question.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A prompt's size in tokens, estimated at CHARS_PER_TOKEN characters a token: about right for
 * English and code (a model's tokenizer may count a third more or less), and free to compute.
 */
export function estimateTokens(messages: ChatMessage[]): number {
  return Math.ceil(messages.reduce((sum, message) => sum + message.content.length, 0) / CHARS_PER_TOKEN);
}

/** The tokens a prompt may take of a context window: the last quarter is kept for the answer. */
export function promptBudget(windowTokens: number): number {
  return Math.floor((windowTokens * 3) / 4);
}

const SYSTEM = `You are a senior software engineer planning work for a development team.
You break work into concrete, verifiable tasks. You answer with JSON only, matching the requested schema exactly.`;

/**
 * The messages with answers asked in `language` (Task Master's `global.responseLanguage`), worded
 * and placed as Task Master does: "Always respond in …" closing the system prompt. Every prompt
 * goes through here on its way to a model; without a language they are sent as they are.
 */
export function inResponseLanguage(messages: ChatMessage[], language: string | undefined): ChatMessage[] {
  if (!language) return messages;
  const instruction = `Always respond in ${language}.`;
  if (!messages.some((message) => message.role === 'system')) return [{ role: 'system', content: instruction }, ...messages];
  return messages.map((message) => (message.role === 'system' ? { ...message, content: `${message.content}\n\n${instruction}` } : message));
}

/** One line per task: enough for a model to pick dependencies without the whole file. */
export function compactPlan(tag: TagView, limit = 200): string {
  const lines = tag.tasks.slice(0, limit).map((task) => `${task.id}. [${task.status}] ${task.title}${task.dependencies.length ? ` (after ${task.dependencies.join(', ')})` : ''}`);
  if (tag.tasks.length > limit) lines.push(`… and ${tag.tasks.length - limit} more tasks`);
  return lines.join('\n') || '(no tasks yet)';
}

function describe(task: TaskNode): string {
  return [`Task ${task.id}: ${task.title}`, task.description && `Description: ${task.description}`, task.details && `Details: ${task.details}`, task.testStrategy && `Test strategy: ${task.testStrategy}`]
    .filter(Boolean)
    .join('\n');
}

/**
 * With `replacing`, the task's subtasks are about to be deleted: the model sees them as the set
 * its answer replaces (keep what was right), not as work it must not repeat.
 */
export function expandTaskPrompt(tag: TagView, task: TaskNode, count: number, extra?: string, replacing = false): ChatMessage[] {
  const list = task.subtasks.map((sub) => `- ${sub.title}`).join('\n');
  const existing = !task.subtasks.length
    ? ''
    : replacing
      ? `\nIts current subtasks will be replaced by your answer:\n${list}\nWrite the complete new set; keep any of them that are still right.`
      : `\nIt already has these subtasks:\n${list}\nDo not repeat them.`;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Break this task into ${count} subtasks that together complete it, in the order they should be done.

${describe(task)}${existing}

Other tasks in the plan, for context:
${compactPlan(tag)}
${extra ? `\nAdditional guidance: ${extra}\n` : ''}
Reply with {"subtasks": [...]}: exactly ${count} items, each with id (1 to ${count}), title, description, details (how to implement it), testStrategy (how to verify it) and dependencies (ids of earlier subtasks in this list that must be done first; [] if none).`,
    },
  ];
}

/**
 * The id a reply's first new task takes: after the plan's highest. New and existing ids then
 * never coincide, so a dependency on an existing task cannot be read as one on a new task.
 */
function firstNewId(tag: TagView | undefined): number {
  return (tag?.tasks ?? []).reduce((highest, task) => Math.max(highest, Number(task.id) || 0), 0) + 1;
}

export function parsePrdPrompt(prd: string, count: number, tag: TagView | undefined): ChatMessage[] {
  const existing = tag && tag.tasks.length ? `\nThe plan already has these tasks (you may depend on their ids):\n${compactPlan(tag)}\n` : '';
  const first = existing ? firstNewId(tag) : 1;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Read this product requirements document and turn it into about ${count} development tasks, ordered so that each task only depends on earlier ones.

<prd>
${prd}
</prd>
${existing}
Reply with {"tasks": [...]}: each with id (${first}, ${first + 1}, ${first + 2} … in order), title, description (one or two sentences), details (how to implement it), testStrategy (how to verify it), priority (low, medium, high or critical) and dependencies (ids of earlier tasks in your list${existing ? ' or of existing tasks' : ''}; [] if none).`,
    },
  ];
}

/**
 * A PRD cut at blank lines into consecutive parts for which `fits` holds, each as large as it can
 * be; undefined when one paragraph alone does not fit (it cannot be cut cleanly).
 */
export function splitPrd(prd: string, fits: (part: string) => boolean): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  for (const block of prd.split(/\n\s*\n/).filter((paragraph) => paragraph.trim())) {
    const joined = current ? `${current}\n\n${block}` : block;
    if (fits(joined)) {
      current = joined;
      continue;
    }
    if (!current || !fits(block)) return undefined;
    parts.push(current);
    current = block;
  }
  if (current) parts.push(current);
  return parts;
}

export function codeTasksPrompt(tag: TagView, code: string, source: string): ChatMessage[] {
  const first = firstNewId(tag);
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Read this code from ${source} and list the development work it still needs: unfinished parts, TODO and FIXME notes, missing error handling or tests, bugs. Only work the code shows; at most 8 tasks; none if the code needs nothing.

<code>
${code}
</code>

The plan already has these tasks (do not repeat them; you may depend on their ids):
${compactPlan(tag)}

Reply with {"tasks": [...]}: each with id (${first}, ${first + 1}, ${first + 2} … in order), title, description (one or two sentences naming the code), details (how to do it, with file and function names), testStrategy (how to verify it), priority (low, medium, high or critical) and dependencies (ids of earlier tasks in your list or of existing tasks; [] if none).`,
    },
  ];
}

export function addTaskPrompt(tag: TagView, request: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Write one new task for this request: ${request}

Existing tasks (use their ids for dependencies):
${compactPlan(tag)}

Reply with one JSON object: title, description, details (how to implement it), testStrategy (how to verify it), priority (low, medium, high or critical) and dependencies (ids of existing tasks that must be done first; [] if none).`,
    },
  ];
}

export function complexityPrompt(tag: TagView, tasks: TaskNode[]): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Rate how complex each of these tasks is to implement, from 1 (trivial) to 10 (very hard), and how many subtasks each should be broken into.

${tasks.map(describe).join('\n\n')}

The whole plan, for context:
${compactPlan(tag)}

Reply with {"analyses": [...]}: one item per task above, each with taskId, complexityScore, recommendedSubtasks (0 if it needs none), expansionPrompt (one sentence telling how to break it down) and reasoning (one or two sentences).`,
    },
  ];
}

export function updateTaskPrompt(tag: TagView, task: TaskNode, request: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Rewrite this task to take the following change into account: ${request}

${describe(task)}

Other tasks, for context:
${compactPlan(tag)}

Reply with the updated task as one JSON object: title, description, details and testStrategy. Keep what is still right; change what the request changes.`,
    },
  ];
}

export function subtaskNotePrompt(task: TaskNode, request: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Write a short implementation note to add to this subtask, based on: ${request}

${describe(task)}

Reply with {"note": "..."}: a few sentences or a short list, specific and factual. If the change clearly finishes the task or makes it ready for review, add "status": "done" or "review".`,
    },
  ];
}

/** The standard planning request of "Benchmark Models": expand one realistic task into 5 subtasks. */
export function benchmarkPrompt(): ChatMessage[] {
  const plan = readPlan({
    tasks: [
      { id: 1, title: 'Run Ollama as a service on the GPU box', description: 'A systemd service with the models on fast storage.', status: 'done', dependencies: [] },
      {
        id: 2,
        title: 'Rate-limit the public API',
        description: 'Limit requests per client so one script cannot starve the others.',
        details: 'Token bucket per API key, limits in config, 429 with Retry-After, metrics for rejected requests.',
        status: 'pending',
        dependencies: [1],
      },
    ],
  });
  const tag = plan.tags.values().next().value as TagView;
  return expandTaskPrompt(tag, tag.byId.get('2')!, 5);
}


/** A free question about the plan, for a chat answer in prose (not JSON). */
export function planQuestionPrompt(context: string, question: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You answer questions about a software project's plan, kept in Task Master's tasks.json. Use only the plan below; if it does not hold the answer, say so. Name tasks by id as #12 (subtasks #12.3) with their titles. Be brief: a few sentences or a short list, in markdown.

<plan>
${context}
</plan>`,
    },
    { role: 'user', content: question },
  ];
}
