import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setStatuses } from '../core/statusChange';
import type { AiService } from '../ai/aiService';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import type { TagView } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import { aiProgressNotes, commitKeywordsMarkDone } from '../config';
import { GitHistory, type CommitInfo } from '../progress/gitHistory';
import { ProjectProgress } from '../progress/projectProgress';
import { parentsReadyToClose, type Suggestion } from '../progress/progressTracker';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import { localStore, type Project } from '../workspace/projects';
import type { ActiveTask } from './activeTask';
import type { ActivityService } from './activityService';
import { showInformationMessage } from '../notifications';

/** Saves are recorded in batches this long: a burst of saves costs one round of git work. */
const SAVE_BATCH_MS = 2000;
/** .git changes come in bursts (a commit writes several files): read HEAD once the burst settles. */
const GIT_EVENT_DELAY_MS = 500;

/**
 * Follows the work: file saves and new commits (through the repository's HEAD log) are recorded
 * against tasks, and what they suggest (a commit that completes a task, a parent whose subtasks
 * are all done) is offered to the user. Nothing changes a status without a click, unless the
 * user let commit keywords decide.
 */
export class ProgressWatcher implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly progress = new Map<Project, Promise<ProjectProgress | undefined>>();
  private readonly watchers: FSWatcher[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly saveTimers = new Map<Project, NodeJS.Timeout>();
  private readonly offered = new Set<string>();
  private readonly branches = new Map<Project, string>();
  private ledger: ActivityLedger | undefined;

  constructor(
    private readonly model: TaskTreeModel,
    activity: ActivityService,
    private readonly activeTask: ActiveTask,
    private readonly ai: AiService,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      activity.onDidOpen((ledger) => {
        this.ledger = ledger;
        for (const project of model.projects.withPlan) void this.projectProgress(project);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => void this.saved(document)),
      model.projects.onDidChange((project) => {
        if (!project) return;
        this.offerParents(project);
        void this.projectProgress(project);
      }),
    );
  }

  /** The project's progress, started once (with its repository, if any); watching .git finds new commits. */
  private projectProgress(project: Project): Promise<ProjectProgress | undefined> {
    // Before the ledger opens there is nowhere to record: started once it has.
    // A served plan's commits are made where its files are; nothing here to follow.
    if (!this.ledger || !localStore(project)) return Promise.resolve(undefined);
    let started = this.progress.get(project);
    if (!started) this.progress.set(project, (started = this.start(project, this.ledger)));
    return started;
  }

  private async start(project: Project, ledger: ActivityLedger): Promise<ProjectProgress> {
    const opened = await GitHistory.open(project.folder.uri.fsPath);
    if (!GitHistory.isAvailable(opened)) {
      // Said once per folder: a notice for a missing git, a passing status bar line for a folder
      // that simply is not a repository.
      this.log.info(opened.message);
      if (opened.reason === 'git-missing') void showInformationMessage(`Taskmaster: ${opened.message}`);
      else vscode.window.setStatusBarMessage(`Taskmaster: ${project.folder.name} is not a git repository; progress comes from saves.`, 8000);
      return ProjectProgress.open(ledger, project.store.location.root, undefined);
    }
    const progress = await ProjectProgress.open(ledger, project.store.location.root, opened);
    this.branches.set(project, (await opened.branch()) ?? '');
    const changed = this.debounced(GIT_EVENT_DELAY_MS, () => void this.checkCommits(project, progress, opened));
    for (const dir of [path.join(opened.root, '.git'), path.join(opened.root, '.git', 'logs')]) {
      try {
        this.watchers.push(watch(dir, changed));
      } catch {
        // A worktree or submodule keeps .git elsewhere; saves still count.
      }
    }
    // Commits made while the window was closed, or while it was starting, are offered now.
    changed();
    return progress;
  }

  /** `work` once calls stop coming for `delayMs`. */
  private debounced(delayMs: number, work: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    return () => {
      if (timer) this.timers.delete(timer);
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.timers.delete(timer!);
        work();
      }, delayMs);
      this.timers.add(timer);
    };
  }

  private async checkCommits(project: Project, progress: ProjectProgress, git: GitHistory): Promise<void> {
    await this.followBranch(project, git);
    const state = project.store.state;
    if (state.kind !== 'loaded') return;
    const tag = this.model.currentTag(state);
    if (!tag) return;
    try {
      const commits = await progress.newCommits();
      if (commits.length === 0) return;
      for (const suggestion of progress.recordCommits(commits, tag)) await this.offer(project, suggestion, commitKeywordsMarkDone());
      if (aiProgressNotes()) await this.writeProgressNotes(project, git, commits, tag);
      this.activeTask.setWorkingTree(progress.workingTree);
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
          void showInformationMessage(`${outcome.model} reads commit ${commit.hash.slice(0, 7)} as making ${active.id} "${status}". Set it?`, 'Set status', 'Not yet').then(
            async (choice) => {
              if (choice === 'Set status') await project.store.edit(setStatuses([active.id], status), tag.name);
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
    if (!project || state?.kind !== 'loaded' || document.uri.scheme !== 'file') return;
    if (document.uri.fsPath === state.location.tasksFile) return;
    const progress = await this.projectProgress(project);
    if (!progress?.queueSave(document.uri.fsPath) || this.saveTimers.has(project)) return;
    const timer = setTimeout(() => {
      this.saveTimers.delete(project);
      void this.recordSaves(project, progress);
    }, SAVE_BATCH_MS);
    this.saveTimers.set(project, timer);
  }

  private async recordSaves(project: Project, progress: ProjectProgress): Promise<void> {
    const state = project.store.state;
    const tag = state.kind === 'loaded' ? this.model.currentTag(state) : undefined;
    try {
      const recorded = await progress.flushSaves(tag && { tag, activeTaskId: this.activeTask.current(project)?.id });
      if (recorded.length > 0 && progress.git) this.activeTask.setWorkingTree(progress.workingTree);
    } catch (error) {
      this.log.warn(`Recording saves failed: ${(error as Error).message}`);
    }
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
      await project.store.edit(setStatuses([suggestion.taskId], 'done'), suggestion.tag);
      void showInformationMessage(suggestion.message.replace(/ Mark it done\?$/, ' Marked done.'));
      return;
    }
    const choice = await showInformationMessage(suggestion.message, 'Mark done', 'Not yet');
    if (choice === 'Mark done') await project.store.edit(setStatuses([suggestion.taskId], 'done'), suggestion.tag);
  }

  /**
   * Records the saves still waiting for their batch: on shutdown (deactivate waits for it), so a
   * save made just before closing the window is not lost.
   */
  async flushPendingSaves(): Promise<void> {
    const pending = [...this.saveTimers.keys()];
    for (const timer of this.saveTimers.values()) clearTimeout(timer);
    this.saveTimers.clear();
    await Promise.all(
      pending.map(async (project) => {
        const progress = await this.progress.get(project);
        if (progress) await this.recordSaves(project, progress);
      }),
    );
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.close();
    // Pending save batches stay queued for flushPendingSaves, which deactivate calls.
    for (const timer of [...this.timers, ...this.saveTimers.values()]) clearTimeout(timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
