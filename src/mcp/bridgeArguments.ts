import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside, ToolInputError, type PlanTool } from '../planTools';

/**
 * Task Master's MCP tools also take `projectRoot` (every tool) and `file` (the tasks.json, on some
 * tools). Agent rules written for Task Master send them, so the server accepts them too, confined
 * to the workspace it was started in.
 */
const TOOLS_WITH_FILE = new Set(['next_task', 'add_task', 'add_subtask', 'update_subtask', 'expand_task', 'analyze_project_complexity', 'validate_dependencies']);

const PROJECT_ROOT_ARGUMENT = {
  type: 'string',
  description: 'The project folder (absolute, or relative to the workspace). It must be inside the workspace this server serves; default: the workspace.',
};

const FILE_ARGUMENT = {
  type: 'string',
  description: 'The tasks.json to use (absolute, or relative to the project folder), inside the workspace. Default: .taskmaster/tasks/tasks.json.',
};

/** A tool's input schema as the server lists it: the tool's own arguments plus Task Master's path arguments. */
export function servedInputSchema(tool: PlanTool): Tool['inputSchema'] {
  const { properties, ...rest } = tool.inputSchema;
  const file: Record<string, object> = TOOLS_WITH_FILE.has(tool.name) ? { file: FILE_ARGUMENT } : {};
  return { ...rest, properties: { ...properties, projectRoot: PROJECT_ROOT_ARGUMENT, ...file } };
}

export interface CallScope {
  /** The project folder the call works in (real path, inside the workspace). */
  projectRoot: string;
  /** The tasks.json the call named, if any (real path, inside the workspace). */
  tasksFile?: string;
  /** The arguments left for the tool itself. */
  toolInput: Record<string, unknown>;
}

/** Takes the path arguments off a call and resolves them inside the workspace, or refuses the call. */
export async function resolveCallScope(workspaceRoot: string, tool: PlanTool, args: Record<string, unknown>): Promise<CallScope> {
  const { projectRoot, ...toolInput } = args;
  // On a tool without `file`, the tool's own validation reports it as an unknown argument.
  const file = TOOLS_WITH_FILE.has(tool.name) ? toolInput.file : undefined;
  if (TOOLS_WITH_FILE.has(tool.name)) delete toolInput.file;
  const root = await resolveInside(workspaceRoot, pathArgument(projectRoot, 'projectRoot') ?? workspaceRoot, 'projectRoot');
  const given = pathArgument(file, 'file');
  const tasksFile = given === undefined ? undefined : await resolveInside(workspaceRoot, given, 'file', root);
  return { projectRoot: root, tasksFile, toolInput };
}

function pathArgument(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ToolInputError(`\`${name}\` must be a path string (got ${JSON.stringify(value)}).`);
  return value;
}
