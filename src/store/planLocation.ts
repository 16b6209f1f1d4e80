import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where a project's plan lives. `tasksFile` may not exist yet (a project not initialised). */
export interface PlanLocation {
  root: string;
  taskmasterDir: string;
  tasksFile: string;
  stateFile: string;
}

export const TASKS_FILE = path.join('.taskmaster', 'tasks', 'tasks.json');
export const LEGACY_TASKS_FILE = path.join('tasks', 'tasks.json');

/**
 * Task Master's current layout is `.taskmaster/tasks/tasks.json`; projects from before 0.16 keep
 * `tasks/tasks.json` at the root. An explicit file wins over both.
 */
export function locatePlan(root: string, explicitFile?: string): PlanLocation {
  const taskmasterDir = path.join(root, '.taskmaster');
  const stateFile = path.join(taskmasterDir, 'state.json');
  if (explicitFile) return { root, taskmasterDir, tasksFile: path.resolve(root, explicitFile), stateFile };
  const current = path.join(root, TASKS_FILE);
  const legacy = path.join(root, LEGACY_TASKS_FILE);
  const tasksFile = !existsSync(current) && existsSync(legacy) ? legacy : current;
  return { root, taskmasterDir, tasksFile, stateFile };
}
