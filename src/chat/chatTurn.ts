import type * as vscode from 'vscode';
import type { ActivityService } from '../activity/activityService';
import type { AiService } from '../ai/aiService';
import type { InferenceOptions } from '../ai/ollamaInference';
import type { TagView } from '../core/plan';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import type { ProposalStore } from './proposals';

export interface ChatServices {
  model: TaskTreeModel;
  ai: AiService;
  activity: ActivityService;
  proposals: ProposalStore;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

/** One @taskmaster request with the plan it is about. */
export interface ChatTurn {
  request: vscode.ChatRequest;
  history: vscode.ChatContext['history'];
  stream: vscode.ChatResponseStream;
  project: Project;
  tag: TagView;
  /** Options for AI work: cancellation, progress, and the chat's model when it is the engine. */
  inference: InferenceOptions;
}

/** What a reply was about: the followups pick the next sensible steps from it. */
export interface TurnMetadata {
  command: string;
  taskId?: string;
  taskStatus?: string;
  /** Whether /expand makes sense for the task: a top-level task, open, without subtasks yet. */
  canExpand?: boolean;
  [key: string]: unknown;
}
