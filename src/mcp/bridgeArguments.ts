import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ToolInputError, type PlanTool } from '../planTools';
import { resolveInside } from '../store/projectPaths';

/**
 * Task Master's MCP tools also take `projectRoot`, `file` (the tasks.json) and `complexityReport`
 * (the report's path). Agent rules written for Task Master send them, so every tool here accepts
 * them, confined to the workspace the server was started in. `complexityReport` is checked and
 * then ignored: the tools read each tag's report where Task Master writes it.
 */
const PROJECT_ROOT_ARGUMENT = {
  type: 'string',
  description: 'The project folder (absolute, or relative to the workspace). It must be inside the workspace this server serves; default: the workspace.',
};

const FILE_ARGUMENT = {
  type: 'string',
  description: 'The tasks.json to use (a .json file, absolute or relative to the project folder), inside the workspace. Default: .taskmaster/tasks/tasks.json.',
};

const COMPLEXITY_REPORT_ARGUMENT = {
  type: 'string',
  description: 'Accepted for Task Master\'s clients and ignored (it must still be inside the workspace): the report is always .taskmaster/reports/task-complexity-report.json (task-complexity-report_TAG.json for another tag).',
};

/** A tool's input schema as the server lists it: the tool's own arguments plus Task Master's path arguments. */
export function servedInputSchema(tool: PlanTool): Tool['inputSchema'] {
  const { properties, ...rest } = tool.inputSchema;
  return { ...rest, properties: { ...properties, projectRoot: PROJECT_ROOT_ARGUMENT, file: FILE_ARGUMENT, complexityReport: COMPLEXITY_REPORT_ARGUMENT } };
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
export async function resolveCallScope(workspaceRoot: string, args: Record<string, unknown>): Promise<CallScope> {
  const { projectRoot, file, complexityReport, ...toolInput } = args;
  const root = await resolveInside(workspaceRoot, pathArgument(projectRoot, 'projectRoot') ?? workspaceRoot, 'projectRoot');
  const given = pathArgument(file, 'file');
  if (given !== undefined && !given.toLowerCase().endsWith('.json')) {
    throw new ToolInputError(`\`file\` "${given}" is not a .json file: give the tasks.json to use, or leave \`file\` out for .taskmaster/tasks/tasks.json.`);
  }
  const tasksFile = given === undefined ? undefined : await resolveInside(workspaceRoot, given, 'file', root);
  const report = pathArgument(complexityReport, 'complexityReport');
  if (report !== undefined) await resolveInside(workspaceRoot, report, 'complexityReport', root);
  return { projectRoot: root, tasksFile, toolInput };
}

function pathArgument(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ToolInputError(`\`${name}\` must be a path string (got ${JSON.stringify(value)}).`);
  return value;
}
