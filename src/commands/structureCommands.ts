import * as vscode from 'vscode';
import { type PlanOperation } from '../core/operations';
import { allTasks, DEFAULT_TAG, type Plan, type TagView } from '../core/plan';
import { copyTag, createTag, deleteTag, isTaskMasterTagName, renameTag } from '../core/tagOperations';
import { clearSubtasks, dependenciesLeftBehind, makeSubtask, moveTasksToTag, removeSubtask, removeTasks } from '../core/taskStructure';
import { showError } from '../messages';
import { createBranchTag, currentGitBranch, tagNameForBranch } from '../store/gitBranch';
import { editUndoably } from '../store/undoableEdit';
import { isTaskElement, type TaskTreeModel, type TreeElement } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { announceTask, type TaskToShow } from './announceTask';
import { CommandIds } from './commandIds';
import { registerCommand } from './registerCommand';
import {
  clearConfirmation,
  deleteTagConfirmation,
  leftBehindConfirmation,
  MOVE_CHOICES,
  otherTags,
  parentCandidates,
  removalConfirmation,
  removalTargets,
  UNDO,
  type Confirmation,
} from './structureChoices';
import { isTagRef, loadedTag, pickProject, resolveTarget, taskPickItems } from './taskPicker';
import { plural } from '../core/text';
import { showInformationMessage, showWarningMessage } from '../notifications';

export interface StructureCommandServices {
  model: TaskTreeModel;
  log: vscode.LogOutputChannel;
}

/** Tasks picked for a command: from the tree's selection, else from a quick pick. */
interface PickedTasks {
  project: Project;
  tag: TagView;
  ids: string[];
}

type TagElement = Extract<TreeElement, { kind: 'tag' }>;

/** A tag a command acts on: a tag row it was given, else one the user picks. */
interface TagTarget {
  project: Project;
  plan: Plan;
  tag: TagView;
  /** The project's current tag. */
  current: string;
}

/**
 * The commands that change the plan's structure (remove, clear subtasks, convert, move to a tag)
 * and its tags. Destructive ones ask once, then offer Undo.
 */
export function registerStructureCommands(context: vscode.ExtensionContext, services: StructureCommandServices): void {
  const { model, log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  /** Makes an edit that can be taken back, then says what it did with an Undo button (and Show Task for a task it moved). */
  const undoably = async (project: Project, operation: PlanOperation, tag: string, affectedTags: string[], done: string, options: { afterUndo?: () => Promise<void>; shows?: Omit<TaskToShow, 'project'> } = {}) => {
    const { afterUndo, shows } = options;
    const edit = await editUndoably(project.store, operation, { tag, affectedTags });
    if (!edit) {
      void showInformationMessage('Nothing to change.');
      return;
    }
    // Not awaited: the command is done; the note may stay in the notification center for a while.
    void announceTask(done, shows && { project, ...shows }, UNDO).then(async (choice) => {
      if (choice !== UNDO) return;
      try {
        await edit.undo();
        await afterUndo?.();
        void showInformationMessage(`Undone: ${done}`);
      } catch (error) {
        await showError(error, log);
      }
    });
  };

  register(CommandIds.removeTask, async (element, selection) => {
    const picked = await pickTasks(model, element, selection, 'Remove which tasks and subtasks?');
    if (!picked) return;
    const targets = removalTargets(picked.tag, picked.ids);
    if (targets.length === 0) return;
    if (!(await confirm(removalConfirmation(picked.tag, targets), 'Remove'))) return;
    const what = targets.length === 1 ? `${targets[0].id} "${targets[0].title}"` : targets.map((node) => node.id).join(', ');
    await undoably(picked.project, removeTasks(targets.map((node) => node.id)), picked.tag.name, [picked.tag.name], `Removed ${what}.`);
  });

  register(CommandIds.clearSubtasks, async (element) => {
    const target = await resolveTarget(model, element, 'Clear the subtasks of which task?', (task) => task.subtasks.length > 0);
    if (!target) return;
    if (target.task.subtasks.length === 0) {
      void showInformationMessage(`Task ${target.task.id} has no subtasks.`);
      return;
    }
    if (!(await confirm(clearConfirmation(target.tag, target.task), 'Clear Subtasks'))) return;
    const done = `Cleared ${plural(target.task.subtasks.length, 'subtask')} of ${target.task.id}.`;
    await undoably(target.project, clearSubtasks([target.task.id]), target.tag.name, [target.tag.name], done);
  });

  register(CommandIds.convertToTask, async (element) => {
    const target = await resolveTarget(model, element, 'Make which subtask a task?', (task) => task.parent !== undefined);
    if (!target) return;
    let newId = '';
    await target.project.store.edit(removeSubtask(target.task.id, true, (id) => (newId = id)), target.tag.name);
    void announceTask(`Subtask ${target.task.id} is now task ${newId}.`, { project: target.project, tag: target.tag.name, id: newId });
  });

  register(CommandIds.convertToSubtask, async (element) => {
    const target = await resolveTarget(model, element, 'Make which task a subtask?', (task) => task.parent === undefined && task.subtasks.length === 0);
    if (!target) return;
    const candidates = parentCandidates(target.tag, target.task);
    if (candidates.length === 0) {
      void showInformationMessage(`No task in tag "${target.tag.name}" can take ${target.task.id} as a subtask.`);
      return;
    }
    const parent = await vscode.window.showQuickPick(taskPickItems(candidates), { placeHolder: `Make ${target.task.id} a subtask of which task?`, matchOnDescription: true });
    if (!parent) return;
    let newId = '';
    await target.project.store.edit(makeSubtask(parent.task.id, target.task.id, (id) => (newId = id)), target.tag.name);
    void announceTask(`Task ${target.task.id} is now subtask ${newId} of ${parent.task.id}.`, { project: target.project, tag: target.tag.name, id: newId });
  });

  register(CommandIds.moveToTag, async (element, selection) => {
    const picked = await pickTasks(model, element, selection, 'Move which tasks to another tag?', true);
    if (!picked) return;
    const { project, tag } = picked;
    const ids = removalTargets(tag, picked.ids).filter((node) => !node.parent).map((node) => node.id);
    if (ids.length === 0) {
      void showInformationMessage('Only tasks move between tags: make a subtask a task first (Convert to Task).');
      return;
    }
    const plan = loadedPlanOf(project);
    if (!plan) return;
    const newTag = '$(add) New tag…';
    const choice = await vscode.window.showQuickPick([...otherTags(plan, tag.name), newTag], { placeHolder: `Move ${ids.join(', ')} from "${tag.name}" to which tag?` });
    if (!choice) return;
    const toTag = choice === newTag ? await askTagName(plan, 'New tag for the moved tasks') : choice;
    if (!toTag) return;
    const leftBehind = dependenciesLeftBehind(tag, ids);
    let options = {};
    if (leftBehind.length > 0) {
      const question = leftBehindConfirmation(toTag, leftBehind);
      const answer = await showWarningMessage(question.message, { modal: true, detail: question.detail }, MOVE_CHOICES.withDependencies, MOVE_CHOICES.ignoreDependencies);
      if (!answer) return;
      options = answer === MOVE_CHOICES.withDependencies ? { withDependencies: true } : { ignoreDependencies: true };
    }
    const operation = moveTasksToTag({ ids, fromTag: tag.name, toTag, ...options });
    await undoably(project, operation, tag.name, [tag.name, toTag], `Moved ${ids.join(', ')} to tag "${toTag}".`, { shows: { tag: toTag, id: ids[0] } });
  });

  register(CommandIds.addTag, async (element) => {
    const given = givenTag(model, element);
    const project = given ? given.project : await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const branch = await currentGitBranch(project.folder.uri.fsPath);
    const sources = [
      { label: 'Empty tag', copyFrom: undefined, name: '' },
      { label: `Copy of "${loaded.tag.name}"`, description: `its ${plural(loaded.tag.tasks.length, 'task')}`, copyFrom: loaded.tag.name, name: '' },
      ...(branch ? [{ label: `From the git branch "${branch}"`, description: project.store.kind === 'file' ? 'named after the branch, and switched to when it is checked out' : 'named after the branch', copyFrom: undefined, name: tagNameForBranch(branch), branch }] : []),
    ];
    const source = await vscode.window.showQuickPick(sources, { placeHolder: 'What should the new tag start with?' });
    if (!source) return;
    const name = await askTagName(loaded.state.plan, 'New tag', source.name);
    if (!name) return;
    if (source.branch) await createBranchTag(project.store, source.branch, { name });
    else await project.store.edit(createTag({ name, copyFrom: source.copyFrom }));
    const choice = await showInformationMessage(`Added tag "${name}"${source.copyFrom ? ` with the tasks of "${source.copyFrom}"` : ''}.`, 'Switch to It');
    if (choice) await project.store.setCurrentTag(name);
  });

  register(CommandIds.renameTag, async (element) => {
    const target = await resolveTag(model, element, 'Rename which tag?', (name) => name !== DEFAULT_TAG);
    if (!target) return;
    const to = await askTagName(target.plan, `Rename tag "${target.tag.name}" to`, target.tag.name);
    if (!to) return;
    await target.project.store.edit(renameTag(target.tag.name, to));
    // As task-master rename-tag: the current tag keeps being current under its new name.
    if (target.current === target.tag.name) await target.project.store.setCurrentTag(to);
  });

  register(CommandIds.copyTag, async (element) => {
    const target = await resolveTag(model, element, 'Copy which tag?');
    if (!target) return;
    const to = await askTagName(target.plan, `Copy tag "${target.tag.name}" as`, `${target.tag.name}-copy`);
    if (!to) return;
    await target.project.store.edit(copyTag(target.tag.name, to));
    const choice = await showInformationMessage(`Copied tag "${target.tag.name}" to "${to}".`, 'Switch to It');
    if (choice) await target.project.store.setCurrentTag(to);
  });

  register(CommandIds.deleteTag, async (element) => {
    const target = await resolveTag(model, element, 'Delete which tag?', (name) => name !== DEFAULT_TAG);
    if (!target) return;
    const { project, tag, current } = target;
    if (!(await confirm(deleteTagConfirmation(tag), 'Delete Tag'))) return;
    const wasCurrent = current === tag.name;
    const restoreCurrent = async () => {
      if (wasCurrent) await project.store.setCurrentTag(tag.name);
    };
    await undoably(project, deleteTag(tag.name), tag.name, [tag.name], `Deleted tag "${tag.name}".`, { afterUndo: restoreCurrent });
    // As task-master delete-tag: deleting the current tag goes back to master.
    if (wasCurrent) await project.store.setCurrentTag(DEFAULT_TAG);
  });

  register(CommandIds.useTag, async (element) => {
    const target = await resolveTag(model, element, 'Use which tag?');
    if (target && target.tag.name !== target.current) await target.project.store.setCurrentTag(target.tag.name);
  });
}

async function confirm(question: Confirmation, action: string): Promise<boolean> {
  return (await showWarningMessage(question.message, { modal: true, detail: question.detail }, action)) === action;
}

function loadedPlanOf(project: Project): Plan | undefined {
  const state = project.store.state;
  return state.kind === 'loaded' ? state.plan : undefined;
}

/** A name for a new tag, checked as Task Master checks it; undefined when the user cancels. */
async function askTagName(plan: Plan, title: string, value = ''): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title,
    value,
    placeHolder: 'feature-auth',
    validateInput: (text) =>
      !isTaskMasterTagName(text) ? 'Use letters, digits, "-" or "_".' : plan.tags.has(text) ? `Tag "${text}" already exists.` : undefined,
  });
  return name || undefined;
}

/**
 * The tasks a command acts on. From the tree: the selected rows when the clicked one is among them
 * (same project and tag), else the clicked row. From the palette: a pick of several.
 */
async function pickTasks(model: TaskTreeModel, element: unknown, selection: unknown, placeHolder: string, topLevelOnly = false): Promise<PickedTasks | undefined> {
  if (isTaskElement(element)) {
    const selected = Array.isArray(selection) && selection.some((item) => isTaskElement(item) && item.key === element.key) ? selection.filter(isTaskElement) : [element];
    const state = element.project.store.state;
    const tag = state.kind === 'loaded' ? state.plan.tags.get(element.tag) : undefined;
    const ids = selected.filter((item) => item.project === element.project && item.tag === element.tag).map((item) => item.task.id);
    const present = tag ? ids.filter((id) => tag.byId.has(id)) : [];
    if (!tag || present.length === 0) {
      void showWarningMessage(`Task ${element.task.id} is no longer in the plan.`);
      return undefined;
    }
    return { project: element.project, tag, ids: present };
  }
  const project = await pickProject(model, { needsPlan: true });
  const loaded = project && loadedTag(model, project);
  if (!project || !loaded) return undefined;
  const candidates = topLevelOnly ? loaded.tag.tasks : [...allTasks(loaded.tag)];
  const picked = await vscode.window.showQuickPick(taskPickItems(candidates), { placeHolder, canPickMany: true, matchOnDescription: true });
  return picked?.length ? { project, tag: loaded.tag, ids: picked.map((item) => item.task.id) } : undefined;
}

function isTagElement(value: unknown): value is TagElement {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tag' && 'project' in value;
}

/** The project and tag a command was given: a tag row, or a tag reference (the board's chips). */
function givenTag(model: TaskTreeModel, element: unknown): { project: Project | undefined; tag: string } | undefined {
  if (isTagElement(element)) return { project: element.project, tag: element.tag };
  if (isTagRef(element)) return { project: model.projects.byFolder(vscode.Uri.parse(element.folder)), tag: element.tag };
  return undefined;
}

/** The tag a command acts on: the tag row or reference it was given, else the user's pick among those that fit. */
async function resolveTag(model: TaskTreeModel, element: unknown, placeHolder: string, fits: (name: string) => boolean = () => true): Promise<TagTarget | undefined> {
  const given = givenTag(model, element);
  const project = given ? given.project : await pickProject(model, { needsPlan: true });
  const loaded = project && loadedTag(model, project);
  if (!project || !loaded) return undefined;
  const { plan } = loaded.state;
  const current = loaded.tag.name;
  if (given) {
    const tag = plan.tags.get(given.tag);
    if (!tag) void showWarningMessage(`Tag "${given.tag}" is no longer in the plan.`);
    return tag && { project, plan, tag, current };
  }
  const names = [...plan.tags.keys()].filter(fits);
  if (names.length === 0) {
    void showInformationMessage('No tag fits.');
    return undefined;
  }
  const items = names.map((name) => ({ label: name, description: `${plural(plan.tags.get(name)!.tasks.length, 'task')}${name === current ? ' · current' : ''}` }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder });
  return picked && { project, plan, tag: plan.tags.get(picked.label)!, current };
}
