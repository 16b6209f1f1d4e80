import { addDependency } from './addDependency';
import { addSubtask } from './addSubtask';
import { addTag } from './addTag';
import { addTask } from './addTask';
import { analyzeProjectComplexity } from './analyzeProjectComplexity';
import { clearSubtasks } from './clearSubtasks';
import { complexityReport } from './complexityReport';
import { copyTag } from './copyTag';
import { deleteTag } from './deleteTag';
import { expandAll } from './expandAll';
import { expandTask } from './expandTask';
import { fixDependencies } from './fixDependencies';
import { generate } from './generate';
import { getTask } from './getTask';
import { getTasks } from './getTasks';
import { initializeProject } from './initializeProject';
import { listTags } from './listTags';
import { models } from './models';
import { moveTask } from './moveTask';
import { nextTask } from './nextTask';
import { parsePrd } from './parsePrd';
import type { PlanTool } from './planTool';
import { removeDependency } from './removeDependency';
import { removeSubtask } from './removeSubtask';
import { removeTask } from './removeTask';
import { renameTag } from './renameTag';
import { research } from './research';
import { responseLanguage } from './responseLanguage';
import { scopeDownTask } from './scopeDownTask';
import { scopeUpTask } from './scopeUpTask';
import { setTaskStatus } from './setTaskStatus';
import { update } from './update';
import { updateSubtask } from './updateSubtask';
import { updateTask } from './updateTask';
import { useTag } from './useTag';
import { validateDependencies } from './validateDependencies';

export { ToolInputError, type JsonSchemaObject, type PlanTool, type PlanToolContext } from './planTool';
export { researchView, saveResearch } from './research';
export { describePlanToolCall, runPlanTool, type PlanToolOutcome } from './runPlanTool';
export { DEFAULT_TOOL_GROUP, selectPlanTools, TASK_MASTER_TOOL_NAMES, TOOLS_ENV, type ToolSelection } from './toolGroups';

/**
 * Every plan tool, in the order a model meets them: reading, working through, planning with the
 * model, restructuring, dependencies, tags, project setup. A new tool is its own file plus one line here; the
 * groups of TASK_MASTER_TOOLS (toolGroups.ts) already know Task Master's names.
 */
export const PLAN_TOOLS: readonly PlanTool[] = [
  getTasks,
  getTask,
  nextTask,
  complexityReport,
  setTaskStatus,
  addTask,
  addSubtask,
  updateSubtask,
  updateTask,
  update,
  removeTask,
  removeSubtask,
  clearSubtasks,
  moveTask,
  expandTask,
  expandAll,
  scopeUpTask,
  scopeDownTask,
  parsePrd,
  analyzeProjectComplexity,
  research,
  addDependency,
  removeDependency,
  validateDependencies,
  fixDependencies,
  listTags,
  addTag,
  useTag,
  copyTag,
  renameTag,
  deleteTag,
  generate,
  initializeProject,
  models,
  responseLanguage,
];
