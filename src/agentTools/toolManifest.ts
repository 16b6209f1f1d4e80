import { PLAN_TOOLS, type PlanTool } from '../planTools';

/**
 * The plan tools Copilot's agent mode gets as language-model tools, each change confirmed: the daily
 * work on tasks. Whole-plan AI runs, tags, models and project setup are served by the MCP server
 * only, where taskmaster.mcpServer.tools chooses them.
 */
const LANGUAGE_MODEL_TOOL_NAMES = ['get_tasks', 'get_task', 'next_task', 'set_task_status', 'add_task', 'add_subtask', 'update_subtask', 'expand_task', 'validate_dependencies'];

export function languageModelTools(): PlanTool[] {
  return PLAN_TOOLS.filter((tool) => LANGUAGE_MODEL_TOOL_NAMES.includes(tool.name));
}

/** A plan tool's name in VS Code, also how the chat references it with `#`. */
export function languageModelToolName(tool: PlanTool): string {
  return `taskmaster_${tool.name}`;
}

/** A tool's entry in package.json's contributes.languageModelTools (a unit test keeps them equal). */
export function toolContribution(tool: PlanTool) {
  return {
    name: languageModelToolName(tool),
    toolReferenceName: languageModelToolName(tool),
    displayName: `Taskmaster: ${tool.title}`,
    userDescription: tool.title,
    modelDescription: tool.description,
    canBeReferencedInPrompt: true,
    icon: '$(checklist)',
    tags: ['taskmaster', 'tasks', 'planning'],
    inputSchema: tool.inputSchema,
  };
}
