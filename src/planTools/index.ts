import { addSubtask } from './addSubtask';
import { addTask } from './addTask';
import { analyzeProjectComplexity } from './analyzeProjectComplexity';
import { expandTask } from './expandTask';
import { getTask } from './getTask';
import { getTasks } from './getTasks';
import { nextTask } from './nextTask';
import { parsePrd } from './parsePrd';
import type { PlanTool } from './planTool';
import { setTaskStatus } from './setTaskStatus';
import { updateSubtask } from './updateSubtask';
import { validateDependencies } from './validateDependencies';

export { ToolInputError, type JsonSchemaObject, type PlanTool, type PlanToolContext } from './planTool';
export { resolveInside } from './projectPaths';
export { describePlanToolCall, runPlanTool, type PlanToolOutcome } from './runPlanTool';

/** Every plan tool, in the order a model meets them: reading, working through, planning with the model. */
export const PLAN_TOOLS: readonly PlanTool[] = [
  getTasks,
  getTask,
  nextTask,
  setTaskStatus,
  addTask,
  addSubtask,
  updateSubtask,
  expandTask,
  parsePrd,
  analyzeProjectComplexity,
  validateDependencies,
];
