import * as vscode from 'vscode';
import { registerCommand } from './registerCommand';
import { addDependency, addSubtask, addTask, removeDependency, removeInvalidDependencies, updateTask, type PlanOperation, type TaskFields } from '../core/operations';
import { allTasks, type TaskNode } from '../core/plan';
import { setStatuses } from '../core/statusChange';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../core/task';
import { validatePlan } from '../core/validation';
import { JsonLocator } from '../store/jsonText';
import { initializeProject } from '../store/projectInit';
import { projectDefaultPriority } from '../store/taskmasterConfig';
import { openFileAt } from '../messages';
import type { TaskDocuments } from '../tree/taskDocuments';
import { isMoreElement, type TaskTreeModel, type TreeElement } from '../tree/taskTreeModel';
import { localStore, servedPlanMessage, type Project } from '../workspace/projects';
import { CommandIds, setStatusCommandId, TREE_SELECTION_ARG } from './commandIds';
import { announceTask } from './announceTask';
import { isProject, loadedTag, pickProject, resolveTarget, taskPickItems, taskRef, type TaskTarget } from './taskPicker';
import { plural } from '../core/text';
import { showInformationMessage, showWarningMessage } from '../notifications';

export interface CommandServices {
  model: TaskTreeModel;
  treeView: vscode.TreeView<TreeElement>;
  taskDocuments: TaskDocuments;
  log: vscode.LogOutputChannel;
}

/** Registers every Taskmaster command; each is a thin translation from VS Code to a store operation. */
export function registerTaskCommands(context: vscode.ExtensionContext, services: CommandServices): void {
  const { model, log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);
  const apply = (target: { project: Project; tag: { name: string } }, operation: PlanOperation) =>
    target.project.store.edit(operation, target.tag.name);

  const changeStatus = async (element: unknown, status?: TaskStatus) => {
    const target = await resolveTarget(model, element, 'Set the status of which task?');
    if (!target) return;
    const chosen = status ?? (await pickStatus(target.task));
    if (!chosen) return;
    await apply(target, setStatuses([target.task.id], chosen));
  };

  register(CommandIds.setStatus, (element) => changeStatus(element === TREE_SELECTION_ARG ? services.treeView.selection[0] : element));
  for (const status of TASK_STATUSES) register(setStatusCommandId(status), (element) => changeStatus(element, status));
  register(CommandIds.startTask, async (element) => {
    const target = await resolveTarget(model, element, 'Start which task?');
    if (!target) return;
    await apply(target, setStatuses([target.task.id], 'in-progress'));
    // The task just started is the one being worked on.
    await vscode.commands.executeCommand(CommandIds.selectActiveTask, model.taskElement(target.project, target.tag, target.task));
  });
  register(CommandIds.markDone, (element) => changeStatus(element, 'done'));

  // The status bar passes the project it shows; from the palette there is no argument.
  register(CommandIds.showNextTask, (project?: unknown) => showNextTask(services, isProject(project) ? project : undefined));
  register(CommandIds.revealNextTask, async () => {
    const found = await findNext(services, undefined);
    if (found) await revealTask(services, found, { focus: true });
  });
  // A tree row's click, chat links, the board's Reveal in Tree, a message's Show Task: the task to read, and its row in the tree.
  register(CommandIds.showTask, async (element) => {
    const target = await resolveTarget(model, element, 'Show which task?');
    if (!target) return;
    await services.taskDocuments.show(target.project, target.tag.name, target.task.id);
    await revealTask(services, target, { focus: false });
  });
  // The board opens on the task's card (switching to its tag: the board shows the current one).
  register(CommandIds.openInBoard, async (element) => {
    const target = await resolveTarget(model, element, 'Open which task in the board?');
    if (target) await vscode.commands.executeCommand(CommandIds.openBoard, taskRef(target.project, target.tag.name, target.task.id));
  });
  register(CommandIds.hideDone, () => model.setHideDone(true));
  register(CommandIds.showDone, () => model.setHideDone(false));
  // The keyboard focus moves to the first row shown: the Show More row it was on moves down or goes.
  const showMore = async (more: unknown, all: boolean) => {
    const first = isMoreElement(more) ? model.showMore(more, all) : undefined;
    if (first) await services.treeView.reveal(first, { select: false, focus: true });
  };
  register(CommandIds.showMoreRows, (more) => showMore(more, false));
  register(CommandIds.showAllRows, (more) => showMore(more, true));

  register(CommandIds.addTask, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const fields = await askNewTask('task', await projectDefaultPriority(project.folder.uri.fsPath));
    if (!fields) return;
    const dependencies = await vscode.window.showQuickPick(taskPickItems(loaded.tag.tasks, model.nextTask(loaded.tag)), {
      title: 'New task (4/4): dependencies',
      placeHolder: 'Depends on (optional): pick the tasks that must be done first, or press Enter for none',
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (!dependencies) return;
    let newId = '';
    await apply({ project, tag: loaded.tag }, addTask({ ...fields, dependencies: dependencies.map((item) => item.task.id) }, (id) => (newId = id)));
    void announceTask(`Added task ${newId}: ${fields.title}`, { project, tag: loaded.tag.name, id: newId });
  });

  register(CommandIds.addSubtask, async (element) => {
    const target = await resolveTarget(model, element, 'Add a subtask to which task?', (task) => task.parentId === undefined);
    if (!target) return;
    const fields = await askNewTask('subtask');
    if (!fields) return;
    let newId = '';
    await apply(target, addSubtask(target.task.id, fields, (id) => (newId = id)));
    void announceTask(`Added subtask ${newId}: ${fields.title}`, { project: target.project, tag: target.tag.name, id: newId });
  });

  const editField = async (element: unknown, field: keyof TaskFields) => {
    const target = await resolveTarget(model, element, `Edit the ${fieldLabel(field)} of which task?`);
    if (!target) return;
    if (field === 'priority') {
      const priority = await pickPriority(target.task);
      if (priority) await apply(target, updateTask(target.task.id, { priority }));
      return;
    }
    const current = target.task[field];
    if (current.includes('\n')) {
      // An input box is one line: a multi-line text is edited where it lives, not flattened.
      await revealInFile(target, field);
      return;
    }
    const value = await vscode.window.showInputBox({
      title: `${fieldLabel(field)} of ${target.task.id} ${target.task.title}`,
      value: current,
      // An edit in progress survives a click elsewhere (to copy text in); Escape cancels it.
      ignoreFocusOut: true,
      validateInput: (text) => (field === 'title' && !text.trim() ? 'A task needs a title.' : undefined),
    });
    if (value !== undefined && value !== current) await apply(target, updateTask(target.task.id, { [field]: value }));
  };
  register(CommandIds.editTitle, (element) => editField(element, 'title'));
  register(CommandIds.editDescription, (element) => editField(element, 'description'));
  register(CommandIds.editDetails, (element) => editField(element, 'details'));
  register(CommandIds.setPriority, (element) => editField(element, 'priority'));
  register(CommandIds.editTask, async (element) => {
    const target = await resolveTarget(model, element, 'Edit which task?');
    if (!target) return;
    const fields: Array<keyof TaskFields> = target.task.parentId === undefined ? ['title', 'description', 'details', 'testStrategy', 'priority'] : ['title', 'description', 'details', 'testStrategy'];
    const field = await vscode.window.showQuickPick(
      fields.map((key) => ({ label: fieldLabel(key), description: key === 'priority' ? target.task.priority : target.task[key].split('\n')[0], key })),
      { placeHolder: `Edit which field of ${target.task.id} ${target.task.title}?` },
    );
    if (field) await editField(model.taskElement(target.project, target.tag, target.task), field.key);
  });

  register(CommandIds.addDependency, async (element) => {
    const target = await resolveTarget(model, element, 'Add a dependency to which task?');
    if (!target) return;
    const candidates = [...allTasks(target.tag)].filter((task) => task.id !== target.task.id && !target.task.dependencies.includes(task.id));
    const picked = await vscode.window.showQuickPick(taskPickItems(candidates, model.nextTask(target.tag)), { placeHolder: `${target.task.id} depends on which task?`, matchOnDescription: true });
    if (picked) await apply(target, addDependency(target.task.id, picked.task.id));
  });

  register(CommandIds.removeDependency, async (element) => {
    const target = await resolveTarget(model, element, 'Remove a dependency from which task?', (task) => task.dependencies.length > 0);
    if (!target) return;
    if (target.task.dependencies.length === 0) {
      void showInformationMessage(`${target.task.id} has no dependencies.`);
      return;
    }
    const items = target.task.dependencies.map((dep) => {
      const node = target.tag.byId.get(dep);
      return { label: node ? `${dep} ${node.title}` : `${dep} (missing)`, description: node?.status, dep };
    });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Remove which dependency of ${target.task.id}?` });
    if (picked) await apply(target, removeDependency(target.task.id, picked.dep));
  });

  register(CommandIds.copyTaskId, async (element) => {
    const target = await resolveTarget(model, element, 'Copy the id of which task?');
    if (!target) return;
    await vscode.env.clipboard.writeText(target.task.id);
    vscode.window.setStatusBarMessage(`Copied task id ${target.task.id}`, 3000);
  });

  register(CommandIds.revealInFile, async (element) => {
    const target = await resolveTarget(model, element, 'Reveal which task in tasks.json?');
    if (target) await revealInFile(target);
  });

  register(CommandIds.validateDependencies, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const { problems, invalidDependencies } = validatePlan(loaded.state.plan);
    const errors = problems.filter((problem) => problem.severity === 'error');
    if (errors.length === 0) {
      void showInformationMessage(`Dependencies are valid: ${problems.length ? `${problems.length} note(s) in the Problems panel, no errors.` : 'no problems found.'}`);
      return;
    }
    const actions = invalidDependencies.length ? ['Fix Dependencies', 'Show Problems'] : ['Show Problems'];
    const choice = await showWarningMessage(`${errors.length} problem(s) in tasks.json, ${invalidDependencies.length} of them invalid dependencies.`, ...actions);
    if (choice === 'Fix Dependencies') await vscode.commands.executeCommand(CommandIds.fixDependencies, project);
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  });

  register(CommandIds.fixDependencies, async (arg) => {
    const project = isProject(arg) ? arg : await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const { invalidDependencies } = validatePlan(loaded.state.plan);
    if (invalidDependencies.length === 0) {
      void showInformationMessage('No invalid dependencies to fix.');
      return;
    }
    const lines = invalidDependencies.map((entry) => `${entry.tag}: ${entry.taskId} → ${entry.dependency} (${entry.reason === 'missing' ? 'missing task' : entry.reason === 'self' ? 'depends on itself' : 'closes a cycle'})`);
    const confirm = await showWarningMessage(
      `Remove ${invalidDependencies.length} invalid dependenc${invalidDependencies.length === 1 ? 'y' : 'ies'}?`,
      { modal: true, detail: lines.slice(0, 20).join('\n') + (lines.length > 20 ? `\n… and ${lines.length - 20} more` : '') },
      'Remove',
    );
    if (confirm !== 'Remove') return;
    await project.store.edit(removeInvalidDependencies(invalidDependencies));
    void showInformationMessage(`Removed ${invalidDependencies.length} invalid dependenc${invalidDependencies.length === 1 ? 'y' : 'ies'}.`);
  });

  register(CommandIds.switchTag, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const items = [...loaded.state.plan.tags.values()].map((tag) => ({
      label: tag.name,
      description: `${plural(tag.tasks.length, 'task')}${tag.name === loaded.tag.name ? ' · current' : ''}`,
      detail: typeof tag.metadata?.description === 'string' && tag.metadata.description ? tag.metadata.description : undefined,
    }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Switch to which tag?' });
    if (picked && picked.label !== loaded.tag.name) await project.store.setCurrentTag(picked.label);
  });

  register(CommandIds.initialize, async () => {
    const project = await pickProject(model, { needsPlan: false });
    if (!project) return;
    if (project.store.state.kind !== 'missing') {
      void showInformationMessage(`${project.folder.name} already has a plan at ${project.store.location.tasksFile}.`);
      return;
    }
    if (!localStore(project)) {
      void showInformationMessage(servedPlanMessage(project, 'initialize the project (tml init)'));
      return;
    }
    const created = await initializeProject(project.store.location);
    await project.store.reload();
    log.info(`Initialized ${project.folder.name}: ${created.join(', ')}`);
    void showInformationMessage(`Initialized Taskmaster in ${project.folder.name}. Add your first task, or put a PRD in .taskmaster/docs/.`, 'Add Task').then(
      (choice) => choice && vscode.commands.executeCommand(CommandIds.addTask),
    );
  });

  // Also opens the file an error names (a Uri), at the line and column it gives.
  register(CommandIds.openTasksFile, async (arg, line, column) => {
    const project = arg instanceof vscode.Uri || isProject(arg) ? arg : await pickProject(model, { needsPlan: true });
    if (isProject(project) && !localStore(project)) {
      void showInformationMessage(servedPlanMessage(project, 'open its tasks.json'));
      return;
    }
    const file = project instanceof vscode.Uri ? project : project && vscode.Uri.file(project.store.location.tasksFile);
    if (file) await openFileAt(file, line as number | undefined, column as number | undefined);
  });

  register(CommandIds.refresh, () => model.projects.refresh());

  register(CommandIds.filter, async () => {
    const statusItems = TASK_STATUSES.map((status) => ({ label: status, picked: model.filter.statuses?.has(status) ?? false }));
    const statuses = await vscode.window.showQuickPick(statusItems, { canPickMany: true, placeHolder: 'Show tasks with these statuses (none picked: all)' });
    if (!statuses) return;
    const text = await vscode.window.showInputBox({ title: 'Filter by text (id, title, description, details); empty for none', value: model.filter.text ?? '' });
    if (text === undefined) return;
    model.setFilter({ statuses: new Set(statuses.map((item) => item.label)), text: text.trim() || undefined });
  });
  register(CommandIds.clearFilter, () => model.setFilter({}));
}

function fieldLabel(field: keyof TaskFields): string {
  return { title: 'Title', description: 'Description', details: 'Details', testStrategy: 'Test strategy', priority: 'Priority' }[field];
}

async function pickStatus(task: TaskNode): Promise<TaskStatus | undefined> {
  const picked = await vscode.window.showQuickPick(
    TASK_STATUSES.map((status) => ({ label: status, description: status === task.status ? 'current' : undefined })),
    { placeHolder: `Status of ${task.id} ${task.title}` },
  );
  return picked?.label;
}

async function pickPriority(task: TaskNode): Promise<TaskPriority | undefined> {
  const picked = await vscode.window.showQuickPick(
    TASK_PRIORITIES.map((priority) => ({ label: priority, description: priority === task.priority ? 'current' : undefined })),
    { placeHolder: `Priority of ${task.id} ${task.title}` },
  );
  return picked?.label;
}

/** The new task's fields, one numbered step each; the priority list starts at the project's default. */
async function askNewTask(kind: 'task' | 'subtask', defaultPriority: TaskPriority = 'medium'): Promise<{ title: string; description: string; priority?: TaskPriority } | undefined> {
  const steps = kind === 'task' ? 4 : 2;
  const step = (n: number, what: string) => `New ${kind} (${n}/${steps}): ${what}`;
  // A step that closed on a click elsewhere would lose what the steps before it took; they stay open until Enter or Escape.
  const title = await vscode.window.showInputBox({ title: step(1, 'title'), prompt: 'What is to be done, in a few words', ignoreFocusOut: true, validateInput: (text) => (text.trim() ? undefined : 'A title is needed.') });
  if (!title) return undefined;
  const description = await vscode.window.showInputBox({ title: step(2, 'description (optional)'), prompt: 'A sentence or two; press Enter to leave it empty', ignoreFocusOut: true });
  if (description === undefined) return undefined;
  if (kind === 'subtask') return { title, description };
  const order = [defaultPriority, ...TASK_PRIORITIES.filter((priority) => priority !== defaultPriority)];
  const picked = await vscode.window.showQuickPick(
    order.map((priority) => ({ label: priority, description: priority === defaultPriority ? 'project default' : undefined })),
    { title: step(3, 'priority'), placeHolder: `Priority (Enter: ${defaultPriority})`, ignoreFocusOut: true },
  );
  return picked ? { title, description, priority: picked.label } : undefined;
}

async function revealInFile(target: TaskTarget, field?: string): Promise<void> {
  if (!localStore(target.project)) {
    void showInformationMessage(servedPlanMessage(target.project, 'open its tasks.json'));
    return;
  }
  const document = await vscode.workspace.openTextDocument(target.project.store.location.tasksFile);
  const { start } = new JsonLocator(document.getText()).locate(field ? [...target.task.path, field] : target.task.path);
  await openFileAt(document.uri, start.line, start.column);
}

/** Selects the task's row, unless the filter or Hide Done leaves it out: then says so, with a way to show it. */
async function revealTask(services: CommandServices, target: TaskTarget, options: { focus: boolean } = { focus: false }): Promise<void> {
  const { model, treeView } = services;
  if (!model.isShown(target.task)) {
    const choice = await showInformationMessage(`Task ${target.task.id} is hidden in the tree (${model.filterDescription}).`, 'Show All Tasks');
    if (choice !== 'Show All Tasks') return;
    model.setFilter({});
    await model.setHideDone(false);
  }
  await treeView.reveal(model.rowOf(target.project, target.tag, target.task), { select: true, focus: options.focus, expand: true });
}

/** The next task of the project shown (or picked), or undefined after saying why there is none. */
async function findNext(services: CommandServices, shown: Project | undefined): Promise<TaskTarget | undefined> {
  const project = shown ?? (await pickProject(services.model, { needsPlan: true }));
  const loaded = project && loadedTag(services.model, project);
  if (!project || !loaded) return undefined;
  const next = services.model.nextTask(loaded.tag);
  if (!next) {
    const open = loaded.tag.tasks.filter((task) => task.status !== 'done' && task.status !== 'cancelled').length;
    void showInformationMessage(
      open ? `No task is ready in tag "${loaded.tag.name}": ${open === 1 ? 'the open task waits' : `the ${open} open tasks wait`} on unfinished dependencies or are deferred/blocked.` : `Everything in tag "${loaded.tag.name}" is done.`,
    );
    return undefined;
  }
  return { project, tag: loaded.tag, task: next };
}

async function showNextTask(services: CommandServices, shown: Project | undefined): Promise<void> {
  const found = await findNext(services, shown);
  if (!found) return;
  const { project, tag, task: next } = found;
  await revealTask(services, found);
  const deps = next.dependencies.length === 0 ? 'no dependencies' : next.dependencies.length === 1 ? 'its dependency done' : `all ${next.dependencies.length} dependencies done`;
  const actions = next.status === 'in-progress' ? ['Mark Done', 'Reveal in tasks.json'] : ['Start', 'Reveal in tasks.json'];
  const element = services.model.taskElement(project, tag, next);
  const choice = await showInformationMessage(`Next task ${next.id}: ${next.title} (${next.priority} priority${next.parentId ? `, subtask of ${next.parentId}` : ''}, ${deps})`, ...actions);
  if (choice === 'Start') await vscode.commands.executeCommand(CommandIds.startTask, element);
  if (choice === 'Mark Done') await vscode.commands.executeCommand(CommandIds.markDone, element);
  if (choice === 'Reveal in tasks.json') await vscode.commands.executeCommand(CommandIds.revealInFile, element);
}
