import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setStatus } from '../core/operations';
import type { AiService } from '../ai/aiService';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import type { TagView } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import { aiProgressNotes, commitKeywordsMarkDone } from '../config';
import { GitHistory, type CommitInfo } from '../progress/gitHistory';
import { parentsReadyToClose, ProgressTracker, type Suggestion } from '../progress/progressTracker';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import type { ActiveTask } from './activeTask';
import type { ActivityService } from './activityService';

/** Saves of the same file closer together than this count once (an editor's save bursts). */
const SAVE_COALESCE_MS = 2000;
/** Paths that are never progress, even where git does not ignore them. */
const NEVER_PROGRESS = /(^|\/)(\.git|node_modules|dist|out|build)\//;

/**
 * Follows the work: file saves and new commits (through the repository's HEAD log) are recorded
 * against tasks, and what they suggest (a commit that completes a task, a parent whose subtasks
 * are all done) is offered to the user. Nothing changes a status without a click, unless the
 * user let commit keywords decide.
 */
export class ProgressWatcher implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly repositories = new Map<Project, GitHistory | undefined>();
  private readonly watchers: FSWatcher[] = [];
  private readonly lastSave = new Map<string, number>();
  private readonly offered = new Set<string>();
  private readonly branches = new Map<Project, string>();
  private ledger: ActivityLedger | undefined;
  private readonly trackers = new Map<Project, ProgressTracker>();

  constructor(
    private readonly model: TaskTreeModel,
    activity: ActivityService,
    private readonly activeTask: ActiveTask,
    private readonly ai: AiService,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    void activity.ready.then((ledger) => {
      if (!ledger) return;
      this.ledger = ledger;
      for (const project of model.projects.withPlan) void this.repository(project);
    });
    this.subscriptions.push(
      vscode.workspace.onDidSaveTextDocument((document) => void this.saved(document)),
      model.projects.onDidChange((project) => {
        if (!project) return;
        this.offerParents(project);
        if (this.ledger) void this.repository(project);
      }),
    );
  }

  /** The project's repository, opened once; watching its HEAD log finds new commits. */
  private async repository(project: Project): Promise<GitHistory | undefined> {
    if (this.repositories.has(project)) return this.repositories.get(project);
    this.repositories.set(project, undefined);
    const opened = await GitHistory.open(project.folder.uri.fsPath);
    if (!GitHistory.isAvailable(opened)) {
      // Said once per folder: a notice for a missing git, a passing status bar line for a folder
      // that simply is not a repository.
      this.log.info(opened.message);
      if (opened.reason === 'git-missing') void vscode.window.showInformationMessage(`Taskmaster: ${opened.message}`);
      else vscode.window.setStatusBarMessage(`Taskmaster: ${project.folder.name} is not a git repository; progress comes from saves.`, 8000);
      return undefined;
    }
    this.repositories.set(project, opened);
    await opened.markAllSeen();
    this.branches.set(project, (await opened.branch()) ?? '');
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.checkCommits(project, opened), 500);
    };
    for (const dir of [path.join(opened.root, '.git'), path.join(opened.root, '.git', 'logs')]) {
      try {
        this.watchers.push(watch(dir, changed));
      } catch {
        // A worktree or submodule keeps .git elsewhere; saves still count.
      }
    }
    return opened;
  }

  private async checkCommits(project: Project, git: GitHistory): Promise<void> {
    await this.followBranch(project, git);
    const state = project.store.state;
    const tracker = this.tracker(project);
    if (!tracker || state.kind !== 'loaded') return;
    const tag = this.model.currentTag(state);
    if (!tag) return;
    try {
      const commits = await git.newCommits();
      for (const suggestion of tracker.recordCommits(commits, tag)) await this.offer(project, suggestion, commitKeywordsMarkDone());
      if (aiProgressNotes()) await this.writeProgressNotes(project, git, commits, tag);
      this.activeTask.setWorkingTree(await git.workingTreeStats());
    } catch (error) {
      this.log.warn(`Reading new commits failed: ${(error as Error).message}`);
    }
  }

  /**
   * With the setting on, a commit made on the active task gets a timestamped progress note in the
   * task's details, written by the model from the diff (as Task Master's update-subtask does).
   */
  private async writeProgressNotes(project: Project, git: GitHistory, commits: CommitInfo[], tag: TagView): Promise<void> {
    const active = this.activeTask.current(project);
    if (!active) return;
    // Commits made while a task is active are work on it; after a pull of many, only the latest few.
    for (const commit of commits.slice(-3)) {
      try {
        const diff = await git.diffOf(commit.hash);
        const prompt = `what commit ${commit.hash.slice(0, 7)} ("${commit.message.split('\n')[0]}") did for this task. Its diff:\n${diff}`;
        await applyProjectSettings(this.ai, this.secrets, project);
        const outcome = await this.ai.updateSubtask(project.store, { id: active.id, prompt, tag: tag.name });
        this.log.info(`Added a progress note to ${active.id} for commit ${commit.hash.slice(0, 7)}.`);
        const status = outcome.proposedStatus;
        if (status) {
          void vscode.window.showInformationMessage(`${outcome.model} reads commit ${commit.hash.slice(0, 7)} as making ${active.id} "${status}". Set it?`, 'Set status', 'Not yet').then(
            async (choice) => {
              if (choice === 'Set status') await project.store.edit(setStatus([active.id], status), tag.name);
            },
          );
        }
      } catch (error) {
        this.log.warn(`No progress note for commit ${commit.hash.slice(0, 7)}: ${(error as Error).message}`);
      }
    }
  }

  /** After a branch switch, the tag state.json's branchTagMapping gives that branch becomes current. */
  private async followBranch(project: Project, git: GitHistory): Promise<void> {
    const branch = await git.branch();
    if (!branch || branch === this.branches.get(project)) return;
    this.branches.set(project, branch);
    const tag = await project.store.tagForBranch(branch);
    const state = project.store.state;
    if (tag && state.kind === 'loaded' && state.currentTag !== tag && state.plan.tags.has(tag)) {
      await project.store.setCurrentTag(tag);
      this.log.info(`Branch ${branch}: switched to tag "${tag}" (branchTagMapping in state.json).`);
    }
  }

  private async saved(document: vscode.TextDocument): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const project = folder && this.model.projects.byFolder(folder.uri);
    const state = project?.store.state;
    const tracker = project && this.tracker(project);
    if (!project || !tracker || state?.kind !== 'loaded' || document.uri.scheme !== 'file') return;
    if (document.uri.fsPath === state.location.tasksFile) return;
    const file = path.relative(project.folder.uri.fsPath, document.uri.fsPath).split(path.sep).join('/');
    if (NEVER_PROGRESS.test(file)) return;
    const now = Date.now();
    if (now - (this.lastSave.get(file) ?? 0) < SAVE_COALESCE_MS) return;
    this.lastSave.set(file, now);
    const git = await this.repository(project);
    if (git && (await git.isIgnored(file))) return;
    const tag = this.model.currentTag(state);
    if (tag) tracker.recordSave(file, tag, this.activeTask.current(project)?.id, now);
    if (git) this.activeTask.setWorkingTree(await git.workingTreeStats());
  }

  /** The project's tracker, once the ledger is open. */
  private tracker(project: Project): ProgressTracker | undefined {
    if (!this.ledger) return undefined;
    let tracker = this.trackers.get(project);
    if (!tracker) this.trackers.set(project, (tracker = new ProgressTracker(this.ledger, project.store.location.root)));
    return tracker;
  }

  private offerParents(project: Project): void {
    const state = project.store.state;
    const tag = state.kind === 'loaded' ? this.model.currentTag(state) : undefined;
    if (tag) for (const suggestion of parentsReadyToClose(tag)) void this.offer(project, suggestion, false);
  }

  /** Asks once per suggestion; Mark done sets the status through the store like any command. */
  private async offer(project: Project, suggestion: Suggestion, apply: boolean): Promise<void> {
    const key = `${project.folder.uri}|${suggestion.tag}|${suggestion.taskId}|${suggestion.kind}`;
    if (this.offered.has(key)) return;
    this.offered.add(key);
    if (apply) {
      await project.store.edit(setStatus([suggestion.taskId], 'done'), suggestion.tag);
      void vscode.window.showInformationMessage(suggestion.message.replace(/ Mark it done\?$/, ' Marked done.'));
      return;
    }
    const choice = await vscode.window.showInformationMessage(suggestion.message, 'Mark done', 'Not yet');
    if (choice === 'Mark done') await project.store.edit(setStatus([suggestion.taskId], 'done'), suggestion.tag);
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.close();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
