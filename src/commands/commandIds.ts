import type { TaskStatus } from '../core/task';

/** Every command id the extension registers; package.json must declare exactly these (tested). */
export const CommandIds = {
  showNextTask: 'taskmasterLocal.showNextTask',
  connectPlanServer: 'taskmasterLocal.connectPlanServer',
  disconnectPlanServer: 'taskmasterLocal.disconnectPlanServer',
  retryPlanServer: 'taskmasterLocal.retryPlanServer',
  showTask: 'taskmasterLocal.showTask',
  setStatus: 'taskmasterLocal.setStatus',
  startTask: 'taskmasterLocal.startTask',
  markDone: 'taskmasterLocal.markDone',
  addTask: 'taskmasterLocal.addTask',
  addSubtask: 'taskmasterLocal.addSubtask',
  editTask: 'taskmasterLocal.editTask',
  editTitle: 'taskmasterLocal.editTitle',
  editDescription: 'taskmasterLocal.editDescription',
  editDetails: 'taskmasterLocal.editDetails',
  setPriority: 'taskmasterLocal.setPriority',
  removeTask: 'taskmasterLocal.removeTask',
  clearSubtasks: 'taskmasterLocal.clearSubtasks',
  convertToTask: 'taskmasterLocal.convertToTask',
  convertToSubtask: 'taskmasterLocal.convertToSubtask',
  moveToTag: 'taskmasterLocal.moveToTag',
  addDependency: 'taskmasterLocal.addDependency',
  removeDependency: 'taskmasterLocal.removeDependency',
  copyTaskId: 'taskmasterLocal.copyTaskId',
  revealInFile: 'taskmasterLocal.revealInFile',
  validateDependencies: 'taskmasterLocal.validateDependencies',
  fixDependencies: 'taskmasterLocal.fixDependencies',
  switchTag: 'taskmasterLocal.switchTag',
  addTag: 'taskmasterLocal.addTag',
  renameTag: 'taskmasterLocal.renameTag',
  copyTag: 'taskmasterLocal.copyTag',
  deleteTag: 'taskmasterLocal.deleteTag',
  useTag: 'taskmasterLocal.useTag',
  initialize: 'taskmasterLocal.initialize',
  openTasksFile: 'taskmasterLocal.openTasksFile',
  showLog: 'taskmasterLocal.showLog',
  applyProposal: 'taskmasterLocal.applyProposal',
  refresh: 'taskmasterLocal.refresh',
  filter: 'taskmasterLocal.filter',
  clearFilter: 'taskmasterLocal.clearFilter',
  expandTask: 'taskmasterLocal.expandTask',
  expandAll: 'taskmasterLocal.expandAll',
  parsePrd: 'taskmasterLocal.parsePrd',
  addTaskWithAi: 'taskmasterLocal.addTaskWithAi',
  clearAiCache: 'taskmasterLocal.clearAiCache',
  showOllamaStatus: 'taskmasterLocal.showOllamaStatus',
  applyPlanFix: 'taskmasterLocal.applyPlanFix',
  fixOllamaConnection: 'taskmasterLocal.fixOllamaConnection',
  setOllamaEndpoint: 'taskmasterLocal.setOllamaEndpoint',
  testOllamaConnection: 'taskmasterLocal.testOllamaConnection',
  selectModel: 'taskmasterLocal.selectModel',
  pullModel: 'taskmasterLocal.pullModel',
  setProxyHeaders: 'taskmasterLocal.setProxyHeaders',
  analyzeComplexity: 'taskmasterLocal.analyzeComplexity',
  showComplexityReport: 'taskmasterLocal.showComplexityReport',
  updateTaskWithAi: 'taskmasterLocal.updateTaskWithAi',
  updateFromWithAi: 'taskmasterLocal.updateFromWithAi',
  scopeUpTask: 'taskmasterLocal.scopeUpTask',
  scopeDownTask: 'taskmasterLocal.scopeDownTask',
  addNoteWithAi: 'taskmasterLocal.addNoteWithAi',
  undoAiChange: 'taskmasterLocal.undoAiChange',
  createOptimizedModel: 'taskmasterLocal.createOptimizedModel',
  benchmarkModels: 'taskmasterLocal.benchmarkModels',
  showActivity: 'taskmasterLocal.showActivity',
  selectActiveTask: 'taskmasterLocal.selectActiveTask',
  generateProgressReport: 'taskmasterLocal.generateProgressReport',
  generateTaskDocs: 'taskmasterLocal.generateTaskDocs',
  importGitHubIssues: 'taskmasterLocal.importGitHubIssues',
  syncGitHubStatus: 'taskmasterLocal.syncGitHubStatus',
  openBoard: 'taskmasterLocal.openBoard',
  research: 'taskmasterLocal.research',
  saveResearchToTask: 'taskmasterLocal.saveResearchToTask',
  saveResearchToFile: 'taskmasterLocal.saveResearchToFile',
  openInBoard: 'taskmasterLocal.openInBoard',
  revealNextTask: 'taskmasterLocal.revealNextTask',
  hideDone: 'taskmasterLocal.hideDone',
  showDone: 'taskmasterLocal.showDone',
  showMoreRows: 'taskmasterLocal.showMoreRows',
  showAllRows: 'taskmasterLocal.showAllRows',
  installMergeDriver: 'taskmasterLocal.installMergeDriver',
  resolveMergeConflict: 'taskmasterLocal.resolveMergeConflict',
  openWalkthrough: 'taskmasterLocal.openWalkthrough',
  openChat: 'taskmasterLocal.openChat',
} as const;

/**
 * What a keybinding passes when it fires in the Tasks view (keybindings cannot pass the focused
 * row): the command then acts on the selected row instead of asking which task.
 */
export const TREE_SELECTION_ARG = 'taskmasterLocal.treeSelection';

/** The per-status commands behind the tree's "Set Status" submenu. */
export function setStatusCommandId(status: TaskStatus): string {
  return `taskmasterLocal.setStatus.${status}`;
}

/** The @taskmaster chat participant and the MCP server provider (package.json declares both; tested). */
export const CHAT_PARTICIPANT_ID = 'taskmasterLocal.taskmaster';
export const MCP_PROVIDER_ID = 'taskmasterLocal.mcp';

export const ViewIds = {
  container: 'taskmasterLocal',
  tasks: 'taskmasterLocal.tasks',
  /** The board's webview panel type (package.json activates on it, so the panel survives a reload). */
  board: 'taskmasterLocal.board',
} as const;

export const ContextKeys = {
  ready: 'taskmasterLocal.ready',
  hasPlan: 'taskmasterLocal.hasPlan',
  /** Why a served plan cannot be had: offline, unauthorized or forbidden (unset when all is well). */
  planServerProblem: 'taskmasterLocal.planServerProblem',
  filtered: 'taskmasterLocal.filtered',
  doneHidden: 'taskmasterLocal.doneHidden',
  /** A host of the current project's Ollama answers (the status bar's check). */
  ollamaReachable: 'taskmasterLocal.ollamaReachable',
  /** That host has the model the settings name. */
  modelInstalled: 'taskmasterLocal.modelInstalled',
} as const;

/** The Getting Started walkthrough, as workbench.action.openWalkthrough names it: `<extension id>#<walkthrough id>`. */
export const WALKTHROUGH_ID = 'taskmaster-local.taskmaster-local#gettingStarted';
