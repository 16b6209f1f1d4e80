import { TASK_PRIORITIES, type TaskPriority } from './task';

/**
 * The JSON schemas a model's reply must match. Each is sent to Ollama as `format` (structured
 * output) and the reply is validated against the same schema before anything touches the plan.
 * Ids in replies are small numbers local to the reply; the service maps them to real ids.
 */
const text = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const ids = { type: 'array', items: { type: 'integer' } } as const;

export const SUBTASKS_SCHEMA = {
  type: 'object',
  properties: {
    subtasks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { id: { type: 'integer' }, title: nonEmpty, description: text, details: text, testStrategy: text, dependencies: ids },
        required: ['id', 'title', 'description', 'details', 'dependencies'],
      },
    },
  },
  required: ['subtasks'],
} as const;

export interface GeneratedSubtask {
  id: number;
  title: string;
  description: string;
  details: string;
  testStrategy?: string;
  /** Ids of other subtasks in the same reply. */
  dependencies: number[];
}

/** The fields of a task a model writes, shared by Parse PRD and Add Task. */
const TASK_PROPERTIES = {
  title: nonEmpty,
  description: nonEmpty,
  details: text,
  testStrategy: text,
  priority: { type: 'string', enum: [...TASK_PRIORITIES] },
  dependencies: ids,
} as const;
const TASK_REQUIRED = ['title', 'description', 'details', 'testStrategy', 'priority', 'dependencies'] as const;

/** New tasks: at least `minItems` of them. */
function tasksSchema(minItems: number) {
  return {
    type: 'object',
    properties: {
      tasks: {
        type: 'array',
        minItems,
        items: {
          type: 'object',
          properties: { id: { type: 'integer' }, ...TASK_PROPERTIES },
          required: ['id', ...TASK_REQUIRED],
        },
      },
    },
    required: ['tasks'],
  } as const;
}

export const TASKS_SCHEMA = tasksSchema(1);

/** Tasks read out of code: the prompt allows none when the code needs nothing, so must the schema. */
export const CODE_TASKS_SCHEMA = tasksSchema(0);

export interface GeneratedTask {
  id: number;
  title: string;
  description: string;
  details: string;
  testStrategy: string;
  priority: TaskPriority;
  /** Ids of earlier tasks in the same reply, or of tasks already in the plan. */
  dependencies: number[];
}

export const NEW_TASK_SCHEMA = {
  type: 'object',
  properties: TASK_PROPERTIES,
  required: TASK_REQUIRED,
} as const;

export type NewTaskProposal = Omit<GeneratedTask, 'id'>;

export const COMPLEXITY_SCHEMA = {
  type: 'object',
  properties: {
    analyses: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          taskId: { type: 'integer' },
          complexityScore: { type: 'integer', minimum: 1, maximum: 10 },
          recommendedSubtasks: { type: 'integer', minimum: 0, maximum: 20 },
          expansionPrompt: text,
          reasoning: text,
        },
        required: ['taskId', 'complexityScore', 'recommendedSubtasks', 'expansionPrompt', 'reasoning'],
      },
    },
  },
  required: ['analyses'],
} as const;

export interface ComplexityAnalysis {
  taskId: number;
  complexityScore: number;
  recommendedSubtasks: number;
  expansionPrompt: string;
  reasoning: string;
}

export const TASK_UPDATE_SCHEMA = {
  type: 'object',
  properties: { title: nonEmpty, description: nonEmpty, details: text, testStrategy: text },
  required: ['title', 'description', 'details', 'testStrategy'],
} as const;

export interface TaskUpdate {
  title: string;
  description: string;
  details: string;
  testStrategy: string;
}

/** A progress note; `status` is the model's proposal, only ever applied by the user's click. */
export const NOTE_SCHEMA = {
  type: 'object',
  properties: { note: nonEmpty, status: { type: 'string', enum: ['pending', 'in-progress', 'review', 'done'] } },
  required: ['note'],
} as const;

export interface ProgressNote {
  note: string;
  status?: 'pending' | 'in-progress' | 'review' | 'done';
}
