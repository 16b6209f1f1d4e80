/**
 * The typed message protocol between the board webview and the extension. Imported by both sides
 * (the webview bundle too), so it holds types and the validator only: no `vscode`, no DOM.
 *
 * Every message from the webview is untrusted input: `parseWebviewMessage` checks it fully before
 * anything reaches the plan; a malformed one is dropped (the caller logs it and tells the webview).
 *
 * Every request about a task names the project and tag the board showed when the user acted
 * (`BoardPlace`): the extension applies it there, or refuses, never to whatever is current by then.
 */
import { DEFAULT_TAG } from '../core/plan';
import { isTaskPriority, isTaskStatus, type TaskPriority, type TaskStatus } from '../core/task';
import { normaliseTaskField } from './taskFields';

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
      /** The workspace folder's URI, as a string: requests name it (`BoardPlace`). */
      projectUri: string;
      tags: string[];
      tag: string;
      /** Statuses with a column, in order (setting `taskmaster.board.columns`). */
      columns: TaskStatus[];
      cards: BoardCard[];
      nextId?: string;
      dashboard: BoardDashboard;
    }
  | { kind: 'unreadable'; file: string; message: string; line?: number; column?: number }
  | { kind: 'missing'; message: string };

/**
 * What changed between two states of the same project and tag (see boardDiff): cards in full when
 * new or changed, ids of those removed, and only the plan-wide fields that changed.
 */
export interface BoardDiff {
  changed: BoardCard[];
  removed: string[];
  /** Every card id in plan order, when the order changed (cards added, removed or moved). */
  order?: string[];
  tags?: string[];
  columns?: TaskStatus[];
  /** null: there is no next task any more. */
  nextId?: string | null;
  /** The dashboard's fields that moved: its list of blocked tasks alone is 48 KB at 1,000 tasks. */
  dashboard?: Partial<BoardDashboard>;
}

/** The editable text and choice fields of a task. */
export interface TaskFieldChanges {
  title?: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  priority?: TaskPriority;
  status?: TaskStatus;
}

/** Where a request applies: the project (its folder's URI) and the tag the board showed. */
export interface BoardPlace {
  projectUri: string;
  tag: string;
}

/** Extension → webview. */
export type ExtensionMessage =
  /** The whole state, numbered: each diff names the revision it applies to. */
  | { type: 'state'; state: BoardState; revision: number }
  /** Changes to the plan state of revision `base`; a webview holding another one asks for all again (`ready`). */
  | { type: 'stateDiff'; diff: BoardDiff; base: number; revision: number }
  /** "Open in Board": the card to show, focused, once the state holding it has arrived. */
  | { type: 'focusTask'; id: string }
  /** The task the editor asked for (after `openTask`, and again whenever it changes on disk). */
  | { type: 'task'; task: BoardTask }
  /** The task the editor shows is gone (deleted meanwhile, or the board moved to another tag). */
  | { type: 'taskGone'; id: string; message: string }
  /** An AI action is running on a task; `message` says how far it is. Ends with `progress` done. */
  | { type: 'progress'; id: string; message: string; done: boolean }
  /** A request could not be carried out; nothing was written. */
  | { type: 'error'; message: string };

/** Webview → extension. Every one is validated by `parseWebviewMessage`. */
export type WebviewMessage =
  | { type: 'ready' }
  | ({ type: 'setStatus'; id: string; status: TaskStatus } & BoardPlace)
  | ({ type: 'openTask'; id: string } & BoardPlace)
  | { type: 'closeTask' }
  /** The editor's Save: changed fields, and the dependencies when they changed, in one write. */
  | ({ type: 'saveTask'; id: string; changes: TaskFieldChanges; dependencies?: string[] } & BoardPlace)
  | ({ type: 'addSubtask'; parentId: string; title: string } & BoardPlace)
  | ({ type: 'moveSubtask'; parentId: string; subtaskId: string; toIndex: number } & BoardPlace)
  | { type: 'switchTag'; tag: string }
  | ({ type: 'aiAction'; id: string; action: 'expand' | 'update'; prompt?: string } & BoardPlace)
  /** Stops the AI action running on a task; it ends with `progress` done, nothing written. */
  | { type: 'cancelAiAction'; id: string }
  | { type: 'openTasksFile'; line?: number; column?: number }
  | ({ type: 'revealInTree'; id: string } & BoardPlace)
  /** Moves a task (with its subtasks) from the tag shown to another tag (`task-master move --to-tag`). */
  | ({ type: 'moveToTag'; id: string; toTag: string } & BoardPlace)
  /**
   * Gives a task of the tag shown another id (`task-master move --from <id> --to <to>`), which is
   * its place in Task Master. Without `to` the extension asks for the id.
   */
  | ({ type: 'moveToPosition'; id: string; to?: string } & BoardPlace)
  /** Removes a task with its subtasks (`task-master remove-task`), once the user confirms. */
  | ({ type: 'removeTask'; id: string } & BoardPlace)
  /**
   * Runs the tree's tag command on `tag` (a chip's tag; for `add`, the tag shown): the extension
   * asks for names and confirmations as the tree does.
   */
  | ({ type: 'tagAction'; action: TagAction } & BoardPlace);

/** What a tag's own menu offers; `add` is the board's "+". */
export type TagMenuAction = 'rename' | 'copy' | 'delete';
export type TagAction = 'add' | TagMenuAction;

/** What a tag's menu offers: as the tree, and as Task Master, "master" is never renamed or deleted. */
export function tagActionsFor(tag: string): TagMenuAction[] {
  return tag === DEFAULT_TAG ? ['copy'] : ['rename', 'copy', 'delete'];
}

const ID = /^\d+(\.\d+)?$/;
/** A top-level task: only tasks move between tags (a subtask is made a task first). */
const TASK_ID = /^\d+$/;
const MAX_TEXT = 200_000;
const MAX_DEPENDENCIES = 1000;

const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);
const isTaskId = (value: unknown): value is string => typeof value === 'string' && TASK_ID.test(value);
const isText = (value: unknown, max = MAX_TEXT): value is string => typeof value === 'string' && value.length <= max;
const isPosition = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) > 0);
const isTag = (value: unknown): value is string => isText(value, 200) && value.length > 0;
/** A folder URI as `Uri.toString()` writes it: a scheme, then no whitespace. */
const isProjectUri = (value: unknown): value is string => isText(value, 4000) && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);

function parsePlace(message: Record<string, unknown>): BoardPlace | undefined {
  return isProjectUri(message.projectUri) && isTag(message.tag) ? { projectUri: message.projectUri, tag: message.tag } : undefined;
}

/** The dependency ids, each once; undefined unless every entry is an id. */
function parseDependencies(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length <= MAX_DEPENDENCIES && value.every(isId) ? [...new Set(value as string[])] : undefined;
}

/** The changed fields, normalised as the editor compares them; undefined for anything unknown or invalid. */
function parseChanges(value: unknown): TaskFieldChanges | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const changes: TaskFieldChanges = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'title' && isText(field, 500) && normaliseTaskField('title', field)) changes.title = normaliseTaskField('title', field);
    else if ((key === 'description' || key === 'details' || key === 'testStrategy') && isText(field)) changes[key] = normaliseTaskField(key, field);
    else if (key === 'priority' && isTaskPriority(field)) changes.priority = field;
    else if (key === 'status' && isTaskStatus(field)) changes.status = field;
    else return undefined;
  }
  return changes;
}

/** The message if it is exactly one of the protocol's, else undefined: never trust the webview. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'closeTask':
      return { type: message.type };
    case 'cancelAiAction':
      return isId(message.id) ? { type: message.type, id: message.id } : undefined;
    case 'switchTag':
      return isTag(message.tag) ? { type: 'switchTag', tag: message.tag } : undefined;
    case 'openTasksFile':
      return isPosition(message.line) && isPosition(message.column) ? { type: 'openTasksFile', line: message.line as number | undefined, column: message.column as number | undefined } : undefined;
  }
  const place = parsePlace(message);
  if (!place) return undefined;
  switch (message.type) {
    case 'setStatus':
      return isId(message.id) && isTaskStatus(message.status) ? { type: 'setStatus', ...place, id: message.id, status: message.status } : undefined;
    case 'openTask':
    case 'revealInTree':
    case 'removeTask':
      return isId(message.id) ? { type: message.type, ...place, id: message.id } : undefined;
    case 'moveToTag':
      return isTaskId(message.id) && isTag(message.toTag) && message.toTag !== place.tag ? { type: 'moveToTag', ...place, id: message.id, toTag: message.toTag } : undefined;
    case 'moveToPosition':
      return isTaskId(message.id) && (message.to === undefined || (isId(message.to) && message.to !== message.id))
        ? { type: 'moveToPosition', ...place, id: message.id, ...(message.to === undefined ? {} : { to: message.to }) }
        : undefined;
    case 'saveTask': {
      const changes = parseChanges(message.changes);
      const dependencies = message.dependencies === undefined ? undefined : parseDependencies(message.dependencies);
      if (!isId(message.id) || !changes || (message.dependencies !== undefined && !dependencies)) return undefined;
      // A save changes something: a field, or the dependencies.
      if (!Object.keys(changes).length && !dependencies) return undefined;
      return { type: 'saveTask', ...place, id: message.id, changes, ...(dependencies ? { dependencies } : {}) };
    }
    case 'addSubtask':
      return isId(message.parentId) && isText(message.title, 500) && message.title.trim() ? { type: 'addSubtask', ...place, parentId: message.parentId, title: message.title.trim() } : undefined;
    case 'moveSubtask':
      return isId(message.parentId) && isId(message.subtaskId) && Number.isInteger(message.toIndex) && (message.toIndex as number) >= 0
        ? { type: 'moveSubtask', ...place, parentId: message.parentId, subtaskId: message.subtaskId, toIndex: message.toIndex as number }
        : undefined;
    case 'tagAction':
      return message.action === 'add' || tagActionsFor(place.tag).includes(message.action as TagMenuAction) ? { type: 'tagAction', ...place, action: message.action as TagAction } : undefined;
    case 'aiAction':
      return isId(message.id) && (message.action === 'expand' || message.action === 'update') && (message.prompt === undefined || isText(message.prompt, 10_000))
        ? { type: 'aiAction', ...place, id: message.id, action: message.action, prompt: message.prompt as string | undefined }
        : undefined;
    default:
      return undefined;
  }
}

/** A rejected message for the log: its start as JSON, or a note when it has none (a cycle, a BigInt). */
export function describeRejected(raw: unknown, max = 200): string {
  try {
    return String(JSON.stringify(raw)).slice(0, max);
  } catch {
    return `(a ${typeof raw} that cannot be shown as JSON)`;
  }
}
