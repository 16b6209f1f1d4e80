import type { PlanTool } from './planTool';

/** Every tool name of task-master-ai 0.43.1's MCP server, in its order. */
export const TASK_MASTER_TOOL_NAMES = [
  'initialize_project', 'models', 'rules', 'parse_prd', 'response-language', 'analyze_project_complexity', 'expand_task', 'expand_all',
  'scope_up_task', 'scope_down_task', 'get_tasks', 'get_task', 'next_task', 'complexity_report', 'set_task_status', 'add_task', 'add_subtask',
  'update', 'update_task', 'update_subtask', 'remove_task', 'remove_subtask', 'clear_subtasks', 'move_task', 'add_dependency',
  'remove_dependency', 'validate_dependencies', 'fix_dependencies', 'list_tags', 'add_tag', 'delete_tag', 'use_tag', 'rename_tag',
  'copy_tag', 'research', 'autopilot_start', 'autopilot_resume', 'autopilot_next', 'autopilot_status', 'autopilot_complete_phase',
  'autopilot_commit', 'autopilot_finalize', 'autopilot_abort', 'generate',
] as const;

/** Task Master's tool groups (TASK_MASTER_TOOLS); "all" is every tool served. */
const CORE = ['get_tasks', 'next_task', 'get_task', 'set_task_status', 'update_subtask', 'parse_prd', 'expand_task'];
const STANDARD = [...CORE, 'initialize_project', 'analyze_project_complexity', 'expand_all', 'add_subtask', 'remove_task', 'add_task', 'complexity_report'];
const GROUPS: Record<string, readonly string[] | 'all'> = { core: CORE, lean: CORE, standard: STANDARD, all: 'all' };

/** Task Master's environment variable choosing the tools its MCP server serves. */
export const TOOLS_ENV = 'TASK_MASTER_TOOLS';

/** The group served when nothing is chosen: Task Master's default, so its agent rules and token budget hold. */
export const DEFAULT_TOOL_GROUP = 'core';

export interface ToolSelection {
  tools: PlanTool[];
  /** Names in a custom list that select nothing, for stderr. */
  warnings: string[];
}

/** Task Master's matching: any case, `_` and `-` alike (response_language is response-language). */
function normalized(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-');
}

/**
 * The tools a TASK_MASTER_TOOLS value serves, by Task Master's rules: unset or blank is the default
 * group; core (or lean), standard and all are groups; anything else is a comma list of tool names.
 * A list that selects nothing serves every tool, as Task Master does.
 */
export function selectPlanTools(value: string | undefined, served: readonly PlanTool[]): ToolSelection {
  const choice = normalized(value ?? '') || DEFAULT_TOOL_GROUP;
  const group = GROUPS[choice];
  if (group === 'all') return { tools: [...served], warnings: [] };
  if (group) return { tools: served.filter((tool) => group.includes(tool.name)), warnings: [] };
  const wanted = new Set<string>();
  const warnings: string[] = [];
  for (const name of (value ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const tool = served.find((candidate) => normalized(candidate.name) === normalized(name));
    if (tool) wanted.add(tool.name);
    else if (TASK_MASTER_TOOL_NAMES.some((known) => normalized(known) === normalized(name))) warnings.push(`"${name}" is a Task Master tool that tml does not serve.`);
    else warnings.push(`Unknown tool "${name}".`);
  }
  if (wanted.size === 0) {
    warnings.push('No tool selected: serving all tools.');
    return { tools: [...served], warnings };
  }
  return { tools: served.filter((tool) => wanted.has(tool.name)), warnings };
}
