import * as path from 'node:path';
import * as vscode from 'vscode';
import { hasConflictMarkers } from '../core/conflictMarkers';
import { installMergeDriver, refreshMergeDriver } from '../store/mergeDriverSetup';
import { applyConflictResolution, describeSides, prepareConflictResolution } from '../store/planConflict';
import { describeMergeNote } from '../store/planMergeText';
import { showInformationMessage, showWarningMessage } from '../notifications';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import { localStore, servedPlanMessage, type Project } from '../workspace/projects';
import { CommandIds } from './commandIds';
import { registerCommand } from './registerCommand';
import { isProject, pickProject } from './taskPicker';

export interface MergeCommandServices {
  model: TaskTreeModel;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** A project's plan holds conflict markers (it is unreadable, and the markers are why). */
export function hasMergeConflict(project: Project): boolean {
  const state = project.store.state;
  return project.store.kind === 'file' && state.kind === 'unreadable' && state.text !== undefined && hasConflictMarkers(state.text);
}

/**
 * "Install Git Merge Driver" and "Resolve Merge Conflict", and the notification that offers the
 * latter when a plan is left with conflict markers by a merge made without the driver.
 */
export function registerMergeCommands(context: vscode.ExtensionContext, services: MergeCommandServices): void {
  const { model, extensionUri, log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  // git runs the driver outside VS Code: this editor's runtime as Node, and the CLI the extension ships.
  const program = [process.execPath, path.join(extensionUri.fsPath, 'dist', 'cli.js')];
  const env = { ELECTRON_RUN_AS_NODE: '1' };

  register(CommandIds.installMergeDriver, async (arg?: unknown) => {
    const project = isProject(arg) ? arg : await pickProject(model, { needsPlan: false });
    if (!project) return;
    if (!localStore(project)) {
      void showInformationMessage(servedPlanMessage(project, 'install the merge driver'));
      return;
    }
    const setup = await installMergeDriver(project.store.location, program, env);
    log.info(`merge driver for ${project.folder.name}: ${setup.driver}`);
    const attributes = setup.attributesAdded ? `added the tasks.json entry to .gitattributes (commit it)` : '.gitattributes already had the entry';
    void showInformationMessage(
      `git now merges ${project.folder.name}'s tasks.json by tag and task id: ${attributes}, and the driver is set in the repository's git config.`,
    );
  });

  register(CommandIds.resolveMergeConflict, async (arg?: unknown) => {
    const project = await conflictedProject(model, arg);
    if (!project) return;
    const store = localStore(project);
    if (!store) {
      void showInformationMessage(servedPlanMessage(project, 'resolve a merge conflict in its tasks.json'));
      return;
    }
    const resolution = await prepareConflictResolution(project.store.location, new Date());
    const decisions = resolution.notes.map(describeMergeNote);
    const detail = [
      `Both sides are merged by tag and task id (${describeSides(resolution.source)}); the conflicted file is kept in .taskmaster/backups.`,
      decisions.length ? `\n${decisions.length} decision${decisions.length === 1 ? '' : 's'}:\n${decisions.slice(0, 8).join('\n')}${decisions.length > 8 ? '\n…' : ''}` : '\nNo field was changed two ways.',
    ].join('\n');
    const choice = await showWarningMessage(`Resolve the merge conflict in ${project.folder.name}'s tasks.json?`, { modal: true, detail }, 'Resolve');
    if (choice !== 'Resolve') return;
    const backup = await applyConflictResolution(store, resolution);
    for (const decision of decisions) log.info(`merge of ${resolution.file}: ${decision}`);
    log.info(`merge of ${resolution.file}: the conflicted file is kept in ${backup}`);
    const shown = await showInformationMessage(
      `Merged ${project.folder.name}'s tasks.json by tag and task id${decisions.length ? ` (${decisions.length} decision${decisions.length === 1 ? '' : 's'}, in the log)` : ''}. Stage it to finish the merge.`,
      ...(decisions.length ? ['Show Log'] : []),
    );
    if (shown) log.show();
  });

  // Once per conflicted text: a plan that stays conflicted is not announced again on each reload.
  const announced = new Map<Project, string>();
  const refreshed = new Set<Project>();
  context.subscriptions.push(
    model.projects.onDidChange((project) => {
      if (!project) return;
      if (!refreshed.has(project) && localStore(project)) {
        refreshed.add(project);
        // An update of the extension moves dist/cli.js: a driver installed from an older version follows it.
        void refreshMergeDriver(project.store.location, program, env).then(
          (changed) => changed && log.info(`${project.folder.name}: the git merge driver now runs ${program[1]}`),
          () => undefined,
        );
      }
      const state = project.store.state;
      if (!hasMergeConflict(project) || state.kind !== 'unreadable') {
        announced.delete(project);
        return;
      }
      if (announced.get(project) === state.text) return;
      announced.set(project, state.text!);
      void showWarningMessage(`${project.folder.name}'s tasks.json holds git conflict markers from a merge.`, 'Resolve Merge Conflict', 'Open tasks.json').then((choice) => {
          if (choice === 'Resolve Merge Conflict') return vscode.commands.executeCommand(CommandIds.resolveMergeConflict, project);
          if (choice === 'Open tasks.json') return vscode.commands.executeCommand(CommandIds.openTasksFile, project);
          return undefined;
        });
    }),
  );
}

/** The project given (as a project, a tree row, or the file's URI), else the conflicted one, else the user's pick of them. */
async function conflictedProject(model: TaskTreeModel, arg: unknown): Promise<Project | undefined> {
  if (isProject(arg)) return arg;
  if (typeof arg === 'object' && arg !== null && 'project' in arg && isProject(arg.project)) return arg.project;
  if (arg instanceof vscode.Uri) {
    const byFile = model.projects.all.find((project) => project.store.location.tasksFile === arg.fsPath);
    if (byFile) return byFile;
  }
  const conflicted = model.projects.all.filter(hasMergeConflict);
  if (conflicted.length === 0) {
    void showInformationMessage('No tasks.json in this workspace holds git conflict markers.');
    return undefined;
  }
  if (conflicted.length === 1) return conflicted[0];
  const picked = await vscode.window.showQuickPick(
    conflicted.map((project) => ({ label: project.folder.name, description: project.store.location.tasksFile, project })),
    { placeHolder: 'Which tasks.json?' },
  );
  return picked?.project;
}
