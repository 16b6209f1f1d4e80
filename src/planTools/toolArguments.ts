import { commaList } from '../core/ids';
import { parseStatus } from '../core/operations';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskStatus } from '../core/task';
import { ToolInputError, type JsonSchemaObject } from './planTool';

/** Argument schemas several tools share, so each argument is described to models once. */
export const TAG_ARGUMENT = {
  type: 'string',
  minLength: 1,
  // Task Master's tag names; a tag also names files (complexity reports), so no path characters.
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Tag (named task list) to work in. Default: the current tag of .taskmaster/state.json, else "master".',
};

/** A tag that exists, named by a tag tool (those work on tags, not in one). */
export const EXISTING_TAG_ARGUMENT = { type: 'string', minLength: 1, description: 'Name of an existing tag.' };

/** A tag to create: Task Master's rule for new names. */
export const NEW_TAG_ARGUMENT = { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_-]+$', description: 'Name of the new tag: letters, digits, "-" and "_".' };

export const TASK_ID_ARGUMENT = { type: 'string', minLength: 1, description: 'Task id ("12") or subtask id ("12.3").' };

/** The input of add_dependency and remove_dependency: the two ends of a dependency, in a tag. */
export const DEPENDENCY_LINK_SCHEMA: JsonSchemaObject = {
  type: 'object',
  properties: {
    id: { ...TASK_ID_ARGUMENT, description: 'The task that waits, e.g. "12" or "12.3".' },
    dependsOn: { ...TASK_ID_ARGUMENT, description: 'The task it waits on, e.g. "7" or "12.1".' },
    tag: TAG_ARGUMENT,
  },
  required: ['id', 'dependsOn'],
  additionalProperties: false,
};

/** Task Master's `id` that may name several tasks: read it with `idList`. */
export const ID_LIST_ARGUMENT = {
  type: 'string',
  minLength: 1,
  description: 'Task id ("12"), subtask id ("12.3"), or several, comma-separated ("12,14.2").',
};

export const TASK_STATUS_ARGUMENT = { type: 'string', enum: [...TASK_STATUSES] };

export const PRIORITY_ARGUMENT = { type: 'string', enum: [...TASK_PRIORITIES], description: 'Priority; default medium.' };

export const DEPENDENCIES_ARGUMENT = {
  type: 'string',
  description: 'Comma-separated ids of tasks that must be done first, e.g. "1,3.2".',
};

/** Task Master's `skipGenerate`: tml writes no task files after an edit, so there is nothing to skip. */
export const SKIP_GENERATE_ARGUMENT = { type: 'boolean', description: 'Accepted as Task Master takes it; no task files are written after an edit here (the generate tool writes them).' };

/** Plans reach megabytes; a page of compact rows keeps a model's context for the work. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

/** `offset` and `limit` of a tool whose list can be long: read them with `page`. */
export const PAGE_ARGUMENTS = {
  offset: { type: 'integer', minimum: 0, default: 0, description: 'How many entries to skip: the `nextOffset` of the previous page.' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Entries per page (at most ${MAX_PAGE_SIZE}).` },
};

/** Task Master's `research` switch: here the project's local model answers either way. */
export const RESEARCH_ARGUMENT = { type: 'boolean', description: 'Accepted as Task Master takes it; the local model answers either way.' };

/** What Task Master's model tools take besides their own arguments: its `research` switch and the tag. */
export const MODEL_TOOL_ARGUMENTS = { research: RESEARCH_ARGUMENT, tag: TAG_ARGUMENT };

/** The ids of an `id` list argument; at least one. */
export function idList(value: string): string[] {
  const ids = commaList(value);
  if (ids.length === 0) throw new ToolInputError('`id` names no task: give an id such as "12" or "12.3".');
  return ids;
}

/** A comma list of statuses as a set, or undefined for no filter ("all" or nothing). */
export function statusFilter(value: string | undefined): Set<TaskStatus> | undefined {
  const names = commaList(value);
  if (names.length === 0 || names.includes('all')) return undefined;
  return new Set(names.map(parseStatus));
}

/** The end of a call description naming the tag, when the call names one. */
export function inTag(tag: string | undefined): string {
  return tag ? ` in tag "${tag}"` : '';
}

/** Text quoted for a one-line call description, shortened when long. */
export function quoted(text: string, max = 60): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return `"${line.length > max ? `${line.slice(0, max - 1)}…` : line}"`;
}
