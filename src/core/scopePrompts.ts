import { SUBTASKS_SCHEMA, TASK_UPDATE_SCHEMA, type GeneratedSubtask, type TaskUpdate } from './aiSchemas';
import { OperationError } from './operations';
import type { TagView, TaskNode } from './plan';
import { compactPlan, type ChatMessage } from './prompts';
import { TASK_PRIORITIES, type TaskPriority } from './task';

/**
 * Scope up / scope down (task-master's scope-up and scope-down): a task is rewritten to be more or
 * less complex, then its pending subtasks are replaced by a new set sized for the new scope.
 * Subtasks with any other status hold work already begun or decided and are kept as they are.
 */
export type ScopeDirection = 'up' | 'down';

export const SCOPE_STRENGTHS = ['light', 'regular', 'heavy'] as const;
export type ScopeStrength = (typeof SCOPE_STRENGTHS)[number];
export const DEFAULT_SCOPE_STRENGTH: ScopeStrength = 'regular';

export function parseScopeStrength(value: string | undefined): ScopeStrength {
  if (value === undefined) return DEFAULT_SCOPE_STRENGTH;
  if ((SCOPE_STRENGTHS as readonly string[]).includes(value)) return value as ScopeStrength;
  throw new OperationError(`Unknown strength "${value}". Use one of: ${SCOPE_STRENGTHS.join(', ')}.`, 'invalid');
}

/** Subtasks a rescoping replaces: only pending ones, as task-master regenerates them. */
export function isReplacedByRescope(subtask: TaskNode): boolean {
  return subtask.status === 'pending';
}

/** The task's fields a rescoping rewrites; task-master's reply also carries the priority. */
export const SCOPED_TASK_SCHEMA = {
  type: 'object',
  properties: { ...TASK_UPDATE_SCHEMA.properties, priority: { type: 'string', enum: [...TASK_PRIORITIES] } },
  required: [...TASK_UPDATE_SCHEMA.required, 'priority'],
} as const;

export interface ScopedTask extends TaskUpdate {
  priority: TaskPriority;
}

/** The new subtasks: the same shape as an expansion's. */
export const SCOPED_SUBTASKS_SCHEMA = SUBTASKS_SCHEMA;

/** One task's rescoping as the model wrote it; `subtasks` absent: its subtasks stay as they are. */
export interface ScopeChange {
  id: string;
  fields: ScopedTask;
  subtasks?: GeneratedSubtask[];
}

/**
 * How many new subtasks replace the pending ones, by task-master's sizing: a total that grows (up)
 * or shrinks (down) with the strength, scaled by the task's complexity score when the complexity
 * report has one, minus the subtasks kept; at least one.
 */
export function newSubtaskCount(direction: ScopeDirection, strength: ScopeStrength, kept: number, replaced: number, complexity?: number): number {
  let total: number;
  if (direction === 'up') {
    const scale = complexity ? Math.max(0.5, complexity / 10) : 1;
    const [floor, growth, weight] = { light: [5, 1.1, 0.4], regular: [6, 1.3, 0.4], heavy: [8, 1.6, 0.6] }[strength];
    total = Math.ceil(Math.max(floor, kept + Math.ceil(replaced * growth)) * (0.8 + weight * scale));
  } else {
    const score = complexity ?? 0;
    if (strength === 'heavy') {
      const factor = score >= 9 ? 0.3 : score >= 7 ? 0.5 : 0.7;
      total = Math.max(1, Math.ceil(Math.max(2, kept + Math.ceil(replaced * 0.25)) * factor));
    } else {
      const factor = score >= 8 ? 0.7 : score >= 6 ? 0.85 : 1;
      total = Math.ceil(Math.max(3, kept + Math.ceil(replaced * (strength === 'light' ? 0.8 : 0.5))) * factor);
    }
  }
  return Math.max(1, total - kept);
}

const SYSTEM = `You are a senior software engineer who adjusts the scope of planned development tasks.
You keep each task clear and actionable. You answer with JSON only, matching the requested schema exactly.`;

/** What each direction and strength asks of the rewrite. */
const GUIDANCE: Record<ScopeDirection, Record<ScopeStrength, string>> = {
  up: {
    light: 'Make it a little more thorough: a few more details, basic error handling, one or two edge cases, slightly stronger tests.',
    regular: 'Make it clearly more thorough: more detailed steps, error handling and validation, more edge cases and features, broader tests.',
    heavy: 'Make it substantially more ambitious: advanced features, extensive error handling and validation, many edge and integration cases, thorough tests and documentation.',
  },
  down: {
    light: 'Make it a little leaner: drop a few non-essential parts and simplify some steps, keeping most of it.',
    regular: 'Make it lean: core functionality only, simpler steps, non-essential features removed, basic tests.',
    heavy: 'Cut it to the minimum that works: only the essential core, no optional features or advanced cases, the simplest possible implementation and tests.',
  },
};

function describeTask(task: { id?: string; title: string; description: string; details: string; testStrategy: string; priority: string }): string {
  return [task.id ? `Task ${task.id}: ${task.title}` : `Task: ${task.title}`, `Description: ${task.description}`, task.details && `Details: ${task.details}`, task.testStrategy && `Test strategy: ${task.testStrategy}`, `Priority: ${task.priority}`]
    .filter(Boolean)
    .join('\n');
}

function instructions(prompt: string | undefined): string {
  return prompt?.trim() ? `\nAlso follow these instructions: ${prompt.trim()}\n` : '';
}

export function scopeTaskPrompt(tag: TagView, task: TaskNode, direction: ScopeDirection, strength: ScopeStrength, prompt?: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Rewrite this task to be ${direction === 'up' ? 'MORE' : 'LESS'} complex (${strength} change). ${GUIDANCE[direction][strength]} Keep its purpose: it must still be the same task.

${describeTask(task)}

Other tasks in the plan, for context (do not take over their work):
${compactPlan(tag)}
${instructions(prompt)}
Reply with the rewritten task as one JSON object: title, description, details (how to implement it), testStrategy (how to verify it) and priority (low, medium, high or critical; keep ${task.priority} unless the new scope changes it).`,
    },
  ];
}

/** The subtasks for a rescoped task, written after the task's own rewrite (`scoped`). */
export function scopedSubtasksPrompt(scoped: ScopedTask, kept: TaskNode[], count: number, direction: ScopeDirection, strength: ScopeStrength, prompt?: string): ChatMessage[] {
  const keptList = kept.length ? `\nThese subtasks already have work done or decided and stay as they are; do not repeat them:\n${kept.map((sub) => `- [${sub.status}] ${sub.title}`).join('\n')}\n` : '';
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `This task was just rewritten to be ${direction === 'up' ? 'more' : 'less'} complex (${strength} change). Write ${count} subtasks that carry out the task at its new scope, in the order they should be done. ${GUIDANCE[direction][strength]}

${describeTask(scoped)}
${keptList}${instructions(prompt)}
Reply with {"subtasks": [...]}: exactly ${count} items, each with id (1 to ${count}), title, description, details (how to implement it), testStrategy (how to verify it) and dependencies (ids of earlier subtasks in this list that must be done first; [] if none).`,
    },
  ];
}
