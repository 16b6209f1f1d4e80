import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { loadedTag, pickProject, resolveTarget, taskPickItems } from '../commands/taskPicker';
import { isTaskElement } from '../tree/taskTreeModel';
import { openFileAt } from '../messages';
import { eventLine, parsePeriod, renderProgressReport } from '../progress/progressReport';
import { renderTaskDocs } from '../progress/taskDocs';
import { writeFileAtomic } from '../store/atomicWrite';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import { showMarkdown } from '../aiCommands/markdownView';
import type { ActiveTask } from './activeTask';
import type { ActivityService } from './activityService';
import { showInformationMessage } from '../notifications';

export interface ActivityCommandServices {
  model: TaskTreeModel;
  activity: ActivityService;
  activeTask: ActiveTask;
  log: vscode.LogOutputChannel;
}

/** History and reports from the activity ledger, and the plan as markdown docs. */
export function registerActivityCommands(context: vscode.ExtensionContext, services: ActivityCommandServices): void {
  const { model, activity, activeTask, log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  const ledger = async () => {
    const opened = await activity.ready;
    if (!opened) throw new Error('The activity ledger is not available in this window (see the Taskmaster Local log).');
    await opened.flush(); // also brings in what other windows recorded
    return opened;
  };

  register(CommandIds.showActivity, async (element) => {
    const target = element ? await resolveTarget(model, element, 'Show the activity of which task?') : undefined;
    const events = target ? (await ledger()).history(target.task.id, { tag: target.tag.name, folder: target.project.store.location.root, includeSubtasks: true }).reverse() : (await ledger()).recent(100);
    const title = target ? `Activity of ${target.task.id} ${target.task.title}` : 'Recent activity';
    const body = events.length ? events.map((event) => `    ${eventLine(event)}`).join('\n') : 'Nothing recorded yet.';
    await showMarkdown(`# ${title}\n\n${body}\n\n*Ledger: \`${activity.ledgerFile}\` (use it with \`tml report --ledger\`).*\n`);
  });

  register(CommandIds.selectActiveTask, async (element) => {
    if (isTaskElement(element)) {
      activeTask.choose(element.project, element.task.id);
      return;
    }
    const project = await pickProject(model, { needsPlan: true });
    if (!project) return;
    const candidates = activeTask.candidates(project);
    if (candidates.length === 0) {
      void showInformationMessage('No task is in progress: start one (Taskmaster: Start Task) and it becomes the active task.');
      return;
    }
    const picked = await vscode.window.showQuickPick(taskPickItems(candidates), { placeHolder: 'Which task are you working on? Saves count as work on it.' });
    if (picked) activeTask.choose(project, picked.task.id);
  });

  register(CommandIds.generateProgressReport, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Today', period: 'today' },
        { label: 'Last 7 days', period: '7d' },
        { label: 'Last 30 days', period: '30d' },
      ],
      { placeHolder: `Progress report for tag "${loaded.tag.name}": which period?` },
    );
    if (!choice) return;
    const report = renderProgressReport(await ledger(), loaded.tag, parsePeriod(choice.period), project.store.location.root);
    const file = path.join(project.store.location.taskmasterDir, 'reports', `progress-${loaded.tag.name}-${new Date().toISOString().slice(0, 10)}.md`);
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(file)));
    await writeFileAtomic(file, report);
    await openFileAt(vscode.Uri.file(file));
  });

  register(CommandIds.generateTaskDocs, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const file = path.join(project.store.location.taskmasterDir, 'docs', 'tasks.md');
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(file)));
    await writeFileAtomic(file, renderTaskDocs(loaded.state.plan, project.folder.name));
    await openFileAt(vscode.Uri.file(file));
  });
}
