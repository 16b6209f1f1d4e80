import * as vscode from 'vscode';
import { allTasks, type TagView, type TaskNode } from '../core/plan';
import { JsonSyntaxError } from '../store/jsonText';
import type { LoadedPlan } from '../store/planReader';
import { isTaskElement, type TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { orderForPicking } from '../core/taskOrder';
import { CommandIds } from './commandIds';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

/** A task a command acts on, with the project and tag it lives in. */
export interface TaskTarget {
  project: Project;
  tag: TagView;
  task: TaskNode;
}

/** The project a command acts on: the only one with a plan, else the user's pick. */
export async function pickProject(model: TaskTreeModel, options: { needsPlan: boolean }): Promise<Project | undefined> {
  const candidates = options.needsPlan ? model.projects.withPlan : model.projects.all;
  if (candidates.length === 0) {
    if (options.needsPlan) {
      const choice = await showInformationMessage('No Task Master plan in this workspace.', 'Initialize Taskmaster');
      if (choice) await vscode.commands.executeCommand(CommandIds.initialize);
    } else {
      void showInformationMessage('Open a folder first: Taskmaster keeps its plan in the folder.');
    }
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  // The folder the user is working in comes first, so Enter picks it.
  const current = model.projects.current;
  const ordered = current && candidates.includes(current) ? [current, ...candidates.filter((project) => project !== current)] : candidates;
  const picked = await vscode.window.showQuickPick(
    ordered.map((project) => ({ label: project.folder.name, description: project.folder.uri.fsPath, project })),
    { placeHolder: 'Which folder?' },
  );
  return picked?.project;
}

/** The loaded plan of a project and its current tag, or a message saying why there is none. */
export function loadedTag(model: TaskTreeModel, project: Project): { state: LoadedPlan; tag: TagView } | undefined {
  const state = project.store.state;
  if (state.kind === 'unreadable') {
    const position = JsonSyntaxError.is(state.error) ? state.error.position : undefined;
    void showErrorMessage(`tasks.json cannot be read (${state.error.message}). Fix it first; nothing is written until it parses.`, 'Open tasks.json').then((choice) => choice && vscode.commands.executeCommand(CommandIds.openTasksFile, project, position?.line, position?.column));
    return undefined;
  }
  if (state.kind === 'missing') {
    void showErrorMessage('No tasks.json in this folder yet. Run "Taskmaster: Initialize Taskmaster".', 'Initialize Taskmaster')
      .then((choice) => choice && vscode.commands.executeCommand(CommandIds.initialize));
    return undefined;
  }
  const tag = model.currentTag(state);
  if (!tag) {
    void showInformationMessage('The plan has no tasks yet. Add one with "Taskmaster: Add Task".');
    return undefined;
  }
  return { state, tag };
}

export interface TaskPickItem extends vscode.QuickPickItem {
  task: TaskNode;
}

/** Quick pick items for tasks, open work first (see orderForPicking), each subtask under its parent. */
export function taskPickItems(tasks: Iterable<TaskNode>, next?: TaskNode): TaskPickItem[] {
  const items: TaskPickItem[] = [];
  for (const task of orderForPicking(tasks, next)) {
    items.push({
      label: `${task.parentId ? '    ' : ''}${task.id} ${task.title}`,
      description: [...(task === next ? ['▶ next'] : []), task.status, ...(task.parentId === undefined ? [task.priority] : [])].join(' · '),
      detail: task.description || undefined,
      task,
    });
  }
  return items;
}

/**
 * A task named by plain data: what chat buttons and markdown command links carry, since their
 * arguments are serialised (a tree element is not).
 */
export interface TaskRef {
  /** The workspace folder's URI, as a string. */
  folder: string;
  tag: string;
  id: string;
}

export function taskRef(project: Project, tag: string, id: string): TaskRef {
  return { folder: project.folder.uri.toString(), tag, id };
}

/** A tag named by plain data, as the board names one of its tag chips. */
export interface TagRef {
  /** The workspace folder's URI, as a string. */
  folder: string;
  tag: string;
}

export function tagRef(project: Project, tag: string): TagRef {
  return { folder: project.folder.uri.toString(), tag };
}

export function isTagRef(value: unknown): value is TagRef {
  const ref = value as Partial<TagRef & TaskRef> | undefined;
  return typeof ref?.folder === 'string' && typeof ref.tag === 'string' && ref.id === undefined;
}

export function isTaskRef(value: unknown): value is TaskRef {
  const ref = value as Partial<TaskRef> | undefined;
  return typeof ref?.folder === 'string' && typeof ref.tag === 'string' && typeof ref.id === 'string';
}

/** The task a command targets: a tree element or task reference it was given, else one the user picks by title. */
export async function resolveTarget(model: TaskTreeModel, element: unknown, placeHolder: string, filter?: (task: TaskNode) => boolean): Promise<TaskTarget | undefined> {
  const given = isTaskElement(element)
    ? { project: element.project, tag: element.tag, id: element.task.id }
    : isTaskRef(element)
      ? { project: model.projects.byFolder(vscode.Uri.parse(element.folder)), tag: element.tag, id: element.id }
      : undefined;
  if (given) {
    const state = given.project?.store.state;
    const tag = state?.kind === 'loaded' ? state.plan.tags.get(given.tag) : undefined;
    const task = tag?.byId.get(given.id);
    if (given.project && tag && task) return { project: given.project, tag, task };
    void showWarningMessage(`Task ${given.id} is no longer in the plan.`);
    return undefined;
  }
  const project = await pickProject(model, { needsPlan: true });
  if (!project) return undefined;
  const loaded = loadedTag(model, project);
  if (!loaded) return undefined;
  const candidates = [...allTasks(loaded.tag)].filter((task) => !filter || filter(task));
  if (candidates.length === 0) {
    void showInformationMessage(`No task in tag "${loaded.tag.name}" fits.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(taskPickItems(candidates, model.nextTask(loaded.tag)), { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked ? { project, tag: loaded.tag, task: picked.task } : undefined;
}

export function isProject(value: unknown): value is Project {
  return typeof value === 'object' && value !== null && 'store' in value && 'folder' in value;
}
