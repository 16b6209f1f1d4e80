/**
 * The typed message protocol between the board webview and the extension. Imported by both sides
 * (the webview bundle too), so it holds types and the validator only: no `vscode`, no DOM.
 *
 * Every message from the webview is untrusted input: `parseWebviewMessage` checks it fully before
 * anything reaches the plan; a malformed one is dropped (and logged by the caller).
 */
import { isTaskPriority, isTaskStatus, type TaskPriority, type TaskStatus } from '../core/task';

/** A card of the kanban: what a column shows of a task. */
export interface BoardCard {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dependencies: string[];
  /** Dependencies not done yet: the card says "blocked by N". */
  blockedBy: string[];
  subtasksDone: number;
  subtasksTotal: number;
  /** From the tag's complexity report, when there is one (1–10). */
  complexity?: number;
  isNext: boolean;
}

/** A subtask as the editor lists it. */
export interface BoardSubtask {
  id: string;
  title: string;
  status: TaskStatus;
}

/** A task in full, for the editor. `details` and `testStrategy` are markdown. */
export interface BoardTask extends BoardCard {
  details: string;
  testStrategy: string;
  subtasks: BoardSubtask[];
}

/** One task of the dependency graph, placed on a layer (prerequisites on lower layers). */
export interface GraphNode {
  id: string;
  title: string;
  status: TaskStatus;
  layer: number;
  /** Position within the layer, top to bottom. */
  order: number;
}

export interface BoardGraph {
  nodes: GraphNode[];
  /** `from` must be done before `to` (`to` depends on `from`). */
  edges: Array<{ from: string; to: string }>;
}

export interface BoardDashboard {
  byStatus: Partial<Record<TaskStatus, number>>;
  byPriority: Partial<Record<TaskPriority, number>>;
  /** Tasks marked done per day over the last weeks, from the activity ledger (empty without one). */
  completion: Array<{ day: string; done: number }>;
  doneThisWeek: number;
  /** Open tasks waiting on unfinished dependencies. */
  blocked: Array<{ id: string; title: string; waitingOn: string[] }>;
  /** Tasks per complexity score (1–10), from the complexity report. */
  complexity: Array<{ score: number; count: number }>;
}

/** What the board shows of a project's current (or chosen) tag. */
export type BoardState =
  | {
      kind: 'plan';
      /** The workspace folder's name (several folders: the board shows one at a time). */
      project: string;
      tags: string[];
      tag: string;
      /** Statuses with a column, in order (setting `taskmaster.board.columns`). */
      columns: TaskStatus[];
      cards: BoardCard[];
      nextId?: string;
      graph: BoardGraph;
      dashboard: BoardDashboard;
    }
  | { kind: 'unreadable'; file: string; message: string; line?: number; column?: number }
  | { kind: 'missing'; message: string };

/** The editable text and choice fields of a task. */
export interface TaskFieldChanges {
  title?: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  priority?: TaskPriority;
  status?: TaskStatus;
}

/** Extension → webview. */
export type ExtensionMessage =
  | { type: 'state'; state: BoardState }
  /** The task the editor asked for (after `openTask`, and again whenever it changes on disk). */
  | { type: 'task'; task: BoardTask }
  /** The task the editor shows is gone (deleted meanwhile). */
  | { type: 'taskGone'; id: string; message: string }
  /** An AI action is running on a task; `message` says how far it is. Ends with `progress` done. */
  | { type: 'progress'; id: string; message: string; done: boolean }
  /** A request could not be carried out; nothing was written. */
  | { type: 'error'; message: string };

/** Webview → extension. Every one is validated by `parseWebviewMessage`. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'setStatus'; id: string; status: TaskStatus }
  | { type: 'openTask'; id: string }
  | { type: 'closeTask' }
  | { type: 'saveTask'; id: string; changes: TaskFieldChanges }
  | { type: 'setDependencies'; id: string; dependencies: string[] }
  | { type: 'addSubtask'; parentId: string; title: string }
  | { type: 'moveSubtask'; parentId: string; subtaskId: string; toIndex: number }
  | { type: 'switchTag'; tag: string }
  | { type: 'aiAction'; id: string; action: 'expand' | 'update'; prompt?: string }
  /** Stops the AI action running on a task; it ends with `progress` done, nothing written. */
  | { type: 'cancelAiAction'; id: string }
  | { type: 'openTasksFile'; line?: number; column?: number }
  | { type: 'revealInTree'; id: string };

const ID = /^\d+(\.\d+)?$/;
const MAX_TEXT = 200_000;

const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);
const isText = (value: unknown, max = MAX_TEXT): value is string => typeof value === 'string' && value.length <= max;
const isPosition = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) > 0);

function parseChanges(value: unknown): TaskFieldChanges | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const changes: TaskFieldChanges = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'title' && isText(field, 500) && field.trim()) changes.title = field.trim();
    else if ((key === 'description' || key === 'details' || key === 'testStrategy') && isText(field)) changes[key] = field;
    else if (key === 'priority' && isTaskPriority(field)) changes.priority = field;
    else if (key === 'status' && isTaskStatus(field)) changes.status = field;
    else return undefined;
  }
  return Object.keys(changes).length ? changes : undefined;
}

/** The message if it is exactly one of the protocol's, else undefined: never trust the webview. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'closeTask':
      return { type: message.type };
    case 'setStatus':
      return isId(message.id) && isTaskStatus(message.status) ? { type: 'setStatus', id: message.id, status: message.status } : undefined;
    case 'openTask':
    case 'revealInTree':
    case 'cancelAiAction':
      return isId(message.id) ? { type: message.type, id: message.id } : undefined;
    case 'saveTask': {
      const changes = parseChanges(message.changes);
      return isId(message.id) && changes ? { type: 'saveTask', id: message.id, changes } : undefined;
    }
    case 'setDependencies':
      return isId(message.id) && Array.isArray(message.dependencies) && message.dependencies.length <= 1000 && message.dependencies.every(isId)
        ? { type: 'setDependencies', id: message.id, dependencies: [...new Set(message.dependencies as string[])] }
        : undefined;
    case 'addSubtask':
      return isId(message.parentId) && isText(message.title, 500) && message.title.trim() ? { type: 'addSubtask', parentId: message.parentId, title: message.title.trim() } : undefined;
    case 'moveSubtask':
      return isId(message.parentId) && isId(message.subtaskId) && Number.isInteger(message.toIndex) && (message.toIndex as number) >= 0
        ? { type: 'moveSubtask', parentId: message.parentId, subtaskId: message.subtaskId, toIndex: message.toIndex as number }
        : undefined;
    case 'switchTag':
      return isText(message.tag, 200) && message.tag ? { type: 'switchTag', tag: message.tag } : undefined;
    case 'aiAction':
      return isId(message.id) && (message.action === 'expand' || message.action === 'update') && (message.prompt === undefined || isText(message.prompt, 10_000))
        ? { type: 'aiAction', id: message.id, action: message.action, prompt: message.prompt as string | undefined }
        : undefined;
    case 'openTasksFile':
      return isPosition(message.line) && isPosition(message.column) ? { type: 'openTasksFile', line: message.line as number | undefined, column: message.column as number | undefined } : undefined;
    default:
      return undefined;
  }
}
