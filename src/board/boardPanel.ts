import * as vscode from 'vscode';
import type { ActivityService } from '../activity/activityService';
import { CancelledError } from '../ai/aiErrors';
import type { AiService } from '../ai/aiService';
import type { InferenceOptions } from '../ai/ollamaInference';
import { applyProjectSettings } from '../aiCommands/projectAiSettings';
import { CommandIds, ViewIds } from '../commands/commandIds';
import { tagRef, taskRef, type TaskTarget } from '../commands/taskPicker';
import { affectsBoardSettings, boardColumns } from '../config';
import { OperationError, requireTag, requireTask } from '../core/operations';
import type { Plan, TagView } from '../core/plan';
import { errorHelp, showError } from '../messages';
import { repairSummary } from '../core/generatedTasks';
import { dependenciesLeftBehind, removeTasks } from '../core/taskStructure';
import { plural } from '../core/text';
import { complexityReportPath, readComplexityReport, type ComplexityEntry, type ComplexityReport } from '../store/complexityReport';
import { JsonSyntaxError } from '../store/jsonText';
import { PlanMissingError, PlanUnreadableError } from '../store/planReader';
import { editUndoably, type UndoableEdit } from '../store/undoableEdit';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { boardEdit, boardPositionMove, boardTagMove, nextFreeTaskId, positionRefusal, type LeftBehindChoice } from './boardEdits';
import { boardHtml, boardWebviewOptions } from './boardHtml';
import { diffBoardStates, isEmptyDiff } from './boardDiff';
import { boardTask, buildBoardState } from './boardState';
import { describeRejected, parseWebviewMessage, type BoardPlace, type BoardState, type ExtensionMessage, type TagAction, type WebviewMessage } from './protocol';
import { showInformationMessage, showWarningMessage } from '../notifications';

export interface BoardServices {
  extensionUri: vscode.Uri;
  model: TaskTreeModel;
  ai: AiService;
  activity: ActivityService;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

/**
 * Plan changes come in bursts (the write, the watcher, state.json): the first change is sent at
 * once, and what follows within this window goes out as one state at its end.
 */
const REFRESH_WINDOW_MS = 100;
/** Inference reports every streamed token; the webview needs a few updates a second. */
const PROGRESS_INTERVAL_MS = 250;

const NO_PLAN = 'No Task Master plan in this workspace. Run "Taskmaster: Initialize Taskmaster" to start one.';
const MALFORMED = 'The board sent a request the extension could not read; nothing was changed.';

const TAG_COMMANDS: Record<TagAction, string> = { add: CommandIds.addTag, rename: CommandIds.renameTag, copy: CommandIds.copyTag, delete: CommandIds.deleteTag };

type ProgressMessage = Extract<ExtensionMessage, { type: 'progress' }>;

/** What the board shows right now: a project, and the tag of its plan when it has a readable one. */
interface Snapshot {
  project: Project | undefined;
  tag: TagView | undefined;
  complexity: ComplexityEntry[];
}

/**
 * The board's webview panel: translates between the webview's messages and the services. Every
 * message is validated before it is acted on; edits run the commands' store operations on the
 * project and tag the board showed when the user acted (each request names them), or are refused;
 * plan changes from any source are pushed to the webview as a fresh state.
 */
export class BoardPanel implements vscode.Disposable {
  static readonly viewType = ViewIds.board;
  static readonly title = 'Taskmaster Board';

  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  readonly onDidDispose = this._onDidDispose.event;
  private readonly subscriptions: vscode.Disposable[] = [this._onDidDispose];
  private project: Project | undefined;
  /** The task open in the editor, and where it lives: it is closed when the board moves elsewhere. */
  private openTask: { project: Project; tag: string; id: string } | undefined;
  /** The last task sent, as JSON: an unchanged task is not sent again (the editor may hold unsaved input). */
  private sentTask: string | undefined;
  /**
   * The webview has loaded and listens. The panel keeps its context while hidden, so this lasts
   * until the panel closes; a panel restored from an older session without that option is torn
   * down while hidden and says `ready` again.
   */
  private ready = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** A change came while the refresh window was open or a refresh was running: refresh again after. */
  private refreshAgain = false;
  private refreshesRunning = 0;
  private refreshGeneration = 0;
  /** Counts answers about the open task (refresh or `openTask`): only the latest one is sent. */
  private taskGeneration = 0;
  /** Running AI actions by task id, with the latest progress sent, to send again on `ready`. */
  private readonly aiActions = new Map<string, { controller: AbortController; progress?: ProgressMessage }>();
  private disposed = false;
  /** The last state sent and its revision: the next one goes as a diff against it when that is smaller. */
  private sent: { state: BoardState; revision: number } | undefined;
  private revision = 0;
  /** The card "Open in Board" asked for, focused once a state holding it has been sent. */
  private pendingFocus: { project: Project; tag: string; id: string } | undefined;
  /**
   * Complexity reports as last read, by file, until the reports watcher says any changed: a plan
   * change then reaches the webview without waiting for a file read.
   */
  private readonly reports = new Map<string, Promise<ComplexityReport | undefined>>();

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: BoardServices,
  ) {
    panel.webview.options = boardWebviewOptions(services.extensionUri);
    panel.webview.html = boardHtml(panel.webview, services.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'resources', 'taskmaster.svg');
    this.project = services.model.projects.current;
    const reports = vscode.workspace.createFileSystemWatcher('**/.taskmaster/reports/task-complexity-report*.json');
    // A folder deleted says so for itself, not for each file in it.
    const folders = ['**/.taskmaster', '**/.taskmaster/reports'].map((glob) => vscode.workspace.createFileSystemWatcher(glob, true, true, false));
    const reportChanged = () => {
      this.reports.clear();
      this.scheduleRefresh();
    };
    this.subscriptions.push(
      reports,
      reports.onDidCreate(reportChanged),
      reports.onDidChange(reportChanged),
      reports.onDidDelete(reportChanged),
      ...folders,
      ...folders.map((folder) => folder.onDidDelete(reportChanged)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible && !panel.options.retainContextWhenHidden) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      services.model.projects.onDidChange((project) => this.affectedBy(project) && this.scheduleRefresh()),
      // Multi-root: the board follows the folder of the file being edited (not the board itself, which has no folder).
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)),
      vscode.workspace.onDidChangeConfiguration((event) => affectsBoardSettings(event) && this.scheduleRefresh()),
    );
    // The dashboard's history appears once the ledger has opened.
    void services.activity.ready.then(() => this.scheduleRefresh());
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * Shows a task's card, focused: the board switches to its project, and to its tag as the board's
   * tag chips do (the board shows the current tag). A subtask shows its parent's card.
   */
  async focusTask({ project, tag, task }: TaskTarget): Promise<void> {
    this.reveal();
    this.project = project;
    this.pendingFocus = { project, tag: tag.name, id: (task.parent ?? task).id };
    const state = project.store.state;
    if (state.kind === 'loaded' && this.services.model.currentTag(state)?.name !== tag.name) await project.store.setCurrentTag(tag.name);
    // Before `ready` the page is still loading: its first state carries the focus.
    if (this.ready) await this.refresh();
  }

  /**
   * Shows the project of the editor's workspace folder, if that folder has a plan. An editor outside
   * every project (settings, an untitled file, Output) or in a folder without a plan changes nothing.
   */
  private follow(editor: vscode.TextEditor): void {
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
    const project = folder && this.services.model.projects.byFolder(folder.uri);
    if (!project || project === this.project || project.store.state.kind === 'missing') return;
    this.project = project;
    this.scheduleRefresh();
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.services.log.warn(`Board: ignored a malformed message from the webview: ${describeRejected(raw)}`);
      this.post({ type: 'error', message: MALFORMED });
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.reportError(error);
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sentTask = undefined;
        this.sent = undefined;
        this.reports.clear();
        await this.refresh();
        // A reloaded page knows nothing of the actions still running.
        for (const { progress } of this.aiActions.values()) if (progress) this.post(progress);
        return;
      case 'openTask':
        return this.open(message);
      case 'closeTask':
        this.openTask = undefined;
        return;
      case 'switchTag': {
        // The same switch as the tree's Switch Tag (state.json): the tree, the status bar and the CLI follow the board.
        const { project, plan, tag } = this.editable();
        const chosen = requireTag(plan, message.tag);
        if (chosen !== tag) await project.store.setCurrentTag(chosen.name);
        return;
      }
      case 'aiAction':
        return this.runAiAction(message);
      case 'cancelAiAction':
        this.aiActions.get(message.id)?.controller.abort();
        return;
      case 'openTasksFile':
        await vscode.commands.executeCommand(CommandIds.openTasksFile, this.currentProject(), message.line, message.column);
        return;
      case 'revealInTree': {
        const { project, tag } = this.target(message);
        await vscode.commands.executeCommand(CommandIds.showTask, taskRef(project, tag.name, message.id));
        return;
      }
      case 'moveToTag':
        return this.moveToTag(message);
      case 'moveToPosition':
        return this.moveToPosition(message);
      case 'removeTask':
        return this.removeTask(message);
      case 'tagAction': {
        // The tree's own tag commands, given the chip's tag: they ask for names and confirmations, and offer Undo, as in the tree.
        const { project, tag } = this.target(message);
        await vscode.commands.executeCommand(TAG_COMMANDS[message.action], tagRef(project, tag.name));
        return;
      }
      default: {
        const { project, tag } = this.target(message);
        await project.store.edit(boardEdit(message), tag.name);
      }
    }
  }

  /**
   * Moves a task to another tag as `task-master move --to-tag` does. When it depends on tasks that
   * would stay behind, the user chooses: move those too, drop those dependencies, or nothing.
   */
  private async moveToTag(message: Extract<WebviewMessage, { type: 'moveToTag' }>): Promise<void> {
    const { project, plan, tag } = this.target(message);
    // A tag removed since the board showed it is not made again by a drop.
    requireTag(plan, message.toTag);
    const leftBehind = dependenciesLeftBehind(tag, [message.id]);
    let choice: LeftBehindChoice = 'none';
    if (leftBehind.length) {
      const moveToo = 'Move Them Too';
      const drop = 'Drop Those Dependencies';
      const picked = await showWarningMessage(
        `Task ${message.id} depends on tasks that stay in "${tag.name}". Move it to "${message.toTag}" how?`,
        { modal: true, detail: `${leftBehind.join('; ')}.\n\n${moveToo}: they move to "${message.toTag}" as well. ${drop}: task ${message.id} moves alone, without them.` },
        moveToo,
        drop,
      );
      if (!picked) return;
      choice = picked === moveToo ? 'moveThemToo' : 'dropThem';
    }
    await project.store.edit(boardTagMove(message, choice));
  }

  /** Removes a task with its subtasks once the user confirms, then offers Undo (as the tree's Remove Task does). */
  private async removeTask(message: Extract<WebviewMessage, { type: 'removeTask' }>): Promise<void> {
    const { project, tag } = this.target(message);
    const task = requireTask(tag, message.id);
    const subtasks = task.subtasks.length ? ` and its ${plural(task.subtasks.length, 'subtask')}` : '';
    const remove = 'Remove';
    const confirmed = await showWarningMessage(
      `Remove task ${task.id} "${task.title}"${subtasks}?`,
      { modal: true, detail: `From tag "${tag.name}". Dependencies on it are dropped. You can undo this until the tag changes again.` },
      remove,
    );
    if (confirmed !== remove) return;
    const removal = await editUndoably(project.store, removeTasks([task.id]), { tag: tag.name, affectedTags: [tag.name] });
    await this.offerUndo(removal, `Removed task ${task.id} "${task.title}"${subtasks}.`);
  }

  /**
   * Gives a task another id within its tag as `task-master move --from <id> --to <to>` does (a drop
   * between cards names `to`; the card menu's "Move to position…" leaves it to the user), then
   * offers Undo. What Task Master refuses (an id a task has) is refused with its reason.
   */
  private async moveToPosition(message: Extract<WebviewMessage, { type: 'moveToPosition' }>): Promise<void> {
    const { project, plan, tag } = this.target(message);
    const task = requireTask(tag, message.id);
    const to =
      message.to ??
      (await vscode.window.showInputBox({
        title: `Move task ${task.id} "${task.title}" to which id?`,
        prompt: `As task-master move --from ${task.id} --to <id>: the task takes an id no task has, and is listed after the others.`,
        value: nextFreeTaskId(tag),
        validateInput: (text) => positionRefusal(plan, message, text),
      }))?.trim();
    if (!to) return;
    const move = await editUndoably(project.store, boardPositionMove(message, to), { tag: tag.name, affectedTags: [tag.name] });
    await this.offerUndo(move, `Moved task ${task.id} to ${to} in "${tag.name}".`);
  }

  /** Says what an undoable edit did, with an Undo button (nothing when it changed nothing). */
  private async offerUndo(edit: UndoableEdit | undefined, done: string): Promise<void> {
    if (!edit) return;
    const choice = await showInformationMessage(done, 'Undo');
    if (choice !== 'Undo') return;
    try {
      await edit.undo();
    } catch (error) {
      await showError(error, this.services.log);
    }
  }

  /** Records the task the editor opens, then answers with it, or with `taskGone` when it cannot be shown. */
  private async open(message: Extract<WebviewMessage, { type: 'openTask' }>): Promise<void> {
    this.openTask = undefined;
    this.sentTask = undefined;
    const generation = ++this.taskGeneration;
    try {
      const { project } = this.target(message);
      this.openTask = { project, tag: message.tag, id: message.id };
      const snapshot = await this.snapshot();
      // A refresh that started meanwhile answers with a fresher task.
      if (generation === this.taskGeneration) this.postOpenTask(snapshot);
    } catch (error) {
      this.openTask = undefined;
      this.post({ type: 'taskGone', id: message.id, message: errorHelp(error)?.message ?? `Task ${message.id} could not be opened.` });
      if (!OperationError.is(error)) this.services.log.error(`Board: task ${message.id} could not be opened: ${(error as Error).stack ?? error}`);
    }
  }

  /**
   * The project and tag a request names: those the board showed when the user acted. Refused when
   * the project has left the workspace or has no readable plan, or the tag is gone from it.
   */
  private target(place: BoardPlace): { project: Project; plan: Plan; tag: TagView } {
    const project = this.services.model.projects.byFolder(vscode.Uri.parse(place.projectUri));
    if (!project) {
      const now = this.describeShown();
      throw new OperationError(`The board was showing tag "${place.tag}" of a folder no longer in the workspace; it now shows ${now} — nothing was changed.`, 'not-found');
    }
    const state = project.store.state;
    if (state.kind === 'missing') throw new PlanMissingError(state.location.tasksFile);
    if (state.kind === 'unreadable') throw new PlanUnreadableError(state.location.tasksFile, state.error, state.text);
    return { project, plan: state.plan, tag: requireTag(state.plan, place.tag) };
  }

  /** What the board shows now, for a message: `tag "x" of folder`, or that it shows no plan. */
  private describeShown(): string {
    const project = this.currentProject();
    const state = project?.store.state;
    const tag = state?.kind === 'loaded' ? this.services.model.currentTag(state) : undefined;
    return project && tag ? `tag "${tag.name}" of ${project.folder.name}` : 'no plan';
  }

  /** The shown project, or the current one when it has gone (its folder was removed from the workspace). */
  /** Whether a change to `project` (undefined: the set of folders) can change what the board shows. */
  private affectedBy(project: Project | undefined): boolean {
    return !project || !this.project || project === this.project || this.project.store.state.kind !== 'loaded';
  }

  private currentProject(): Project | undefined {
    if (!this.project || !this.services.model.projects.all.includes(this.project)) this.project = this.services.model.projects.current;
    return this.project;
  }

  /** The shown plan and tag (for a tag switch); throws what the webview should say when there is none. */
  private editable() {
    const project = this.currentProject();
    const state = project?.store.state;
    if (!project || !state) throw new OperationError(NO_PLAN, 'not-found');
    if (state.kind === 'missing') throw new PlanMissingError(state.location.tasksFile);
    if (state.kind === 'unreadable') throw new PlanUnreadableError(state.location.tasksFile, state.error, state.text);
    const tag = this.services.model.currentTag(state);
    if (!tag) throw new OperationError('The plan has no tasks yet. Add one with "Taskmaster: Add Task".', 'not-found');
    return { project, plan: state.plan, tag };
  }

  private async snapshot(): Promise<Snapshot> {
    const project = this.currentProject();
    const state = project?.store.state;
    const tag = state?.kind === 'loaded' ? this.services.model.currentTag(state) : undefined;
    const report = project && tag ? await this.complexityReport(project, tag.name) : undefined;
    return { project, tag, complexity: report?.complexityAnalysis ?? [] };
  }

  private complexityReport(project: Project, tag: string): Promise<ComplexityReport | undefined> {
    const file = complexityReportPath(project.store.location, tag);
    let report = this.reports.get(file);
    if (!report) this.reports.set(file, (report = readComplexityReport(project.store.location, tag)));
    return report;
  }

  private scheduleRefresh(): void {
    // While the webview is not listening there is nothing to update: it asks for everything on `ready`.
    if (!this.ready) return;
    if (this.refreshTimer || this.refreshesRunning) this.refreshAgain = true;
    else void this.refresh();
  }

  /**
   * The refresh a change asked for while the window was open or a refresh was running: once both
   * are over, so a stream of changes slower to send than the window still updates the board.
   */
  private refreshIfAsked(): void {
    if (this.refreshAgain && this.ready && !this.refreshTimer && !this.refreshesRunning) void this.refresh();
  }

  /** Sends the board's state, then the open task (or that it is gone). */
  private async refresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.refreshAgain = false;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshIfAsked();
    }, REFRESH_WINDOW_MS);
    this.refreshesRunning++;
    const generation = ++this.refreshGeneration;
    const taskGeneration = ++this.taskGeneration;
    try {
      const snapshot = await this.snapshot();
      if (generation !== this.refreshGeneration) return; // a newer refresh has started
      this.postState(this.boardState(snapshot));
      this.postPendingFocus(snapshot);
      // (An `openTask` after this refresh started answers with the task itself.)
      if (taskGeneration === this.taskGeneration) this.postOpenTask(snapshot);
    } catch (error) {
      this.services.log.error(`Board: the state could not be built: ${(error as Error).stack ?? error}`);
    } finally {
      this.refreshesRunning--;
      this.refreshIfAsked();
    }
  }

  /** The state as a diff against the last one sent when that is smaller, as a whole otherwise; nothing when unchanged. */
  private postState(state: BoardState): void {
    const previous = this.sent;
    const diff = previous?.state.kind === 'plan' && state.kind === 'plan' ? diffBoardStates(previous.state, state) : undefined;
    if (diff && isEmptyDiff(diff)) return;
    const revision = ++this.revision;
    this.post(diff && previous ? { type: 'stateDiff', diff, base: previous.revision, revision } : { type: 'state', state, revision });
    this.sent = { state, revision };
  }

  private postPendingFocus({ project, tag }: Snapshot): void {
    const focus = this.pendingFocus;
    if (!focus || focus.project !== project || focus.tag !== tag?.name) return;
    this.pendingFocus = undefined;
    this.post({ type: 'focusTask', id: focus.id });
  }

  private boardState({ project, tag, complexity }: Snapshot): BoardState {
    if (!project) return { kind: 'missing', message: NO_PLAN };
    const state = project.store.state;
    if (state.kind === 'missing') return { kind: 'missing', message: `No tasks.json in ${project.folder.name} yet. Run "Taskmaster: Initialize Taskmaster" to start one.` };
    if (state.kind === 'unreadable') {
      const position = JsonSyntaxError.is(state.error) ? state.error.position : undefined;
      return { kind: 'unreadable', file: state.location.tasksFile, message: state.error.message, ...position };
    }
    if (!tag) {
      const message = state.plan.problems[0]?.message ?? 'tasks.json has no tasks yet. Add one with "Add Task", or turn a requirements document into tasks with "Parse PRD with AI".';
      return { kind: 'missing', message };
    }
    const { activity } = this.services;
    return buildBoardState({ project: project.folder.name, projectUri: project.folder.uri.toString(), plan: state.plan, tag, columns: boardColumns(project.folder.uri), complexity, history: activity.completionHistory(project, tag.name) });
  }

  private postOpenTask({ project, tag, complexity }: Snapshot): void {
    const open = this.openTask;
    // Without a readable plan the editor stays as it is; the state says what is wrong.
    if (!open || !project || !tag) return;
    const moved = open.project !== project || open.tag !== tag.name;
    const task = moved ? undefined : boardTask(tag, open.id, complexity);
    if (!task) {
      this.openTask = undefined;
      const message = moved ? `The board now shows tag "${tag.name}" of ${project.folder.name}; task ${open.id} of tag "${open.tag}" was closed.` : `Task ${open.id} is no longer in the plan: it was deleted meanwhile.`;
      this.post({ type: 'taskGone', id: open.id, message });
      return;
    }
    const text = JSON.stringify(task);
    if (text === this.sentTask) return;
    this.sentTask = text;
    this.post({ type: 'task', task });
  }

  /** Expand or update a task through the one AI service, with the project's AI settings, reporting progress to the webview. */
  private async runAiAction(message: Extract<WebviewMessage, { type: 'aiAction' }>): Promise<void> {
    const { ai, secrets, log } = this.services;
    const running = this.aiActions.get(message.id);
    if (running) {
      // The webview thought it idle (a page reloaded meanwhile): show it the one that runs.
      if (running.progress) this.post(running.progress);
      throw new OperationError(`An AI action is already running on ${message.id}.`, 'invalid');
    }
    const action: { controller: AbortController; progress?: ProgressMessage } = { controller: new AbortController() };
    const { controller } = action;
    this.aiActions.set(message.id, action);
    const progress = (text: string, done = false) => {
      action.progress = { type: 'progress', id: message.id, message: text, done };
      this.post(action.progress);
    };
    // From here every way out ends with `progress` done, so the webview never shows it running forever.
    try {
      progress('Reading the AI settings…');
      const { project, tag } = this.target(message);
      const settings = await applyProjectSettings(ai, secrets, project);
      progress(`Asking ${settings.model}…`);
      let reportedAt = 0;
      const options: InferenceOptions = {
        signal: controller.signal,
        log: (line) => log.info(line),
        onProgress: (p) => {
          if (Date.now() - reportedAt < PROGRESS_INTERVAL_MS) return;
          reportedAt = Date.now();
          progress(`${p.tokens} tokens from ${p.model}, ${(p.elapsedMs / 1000).toFixed(1)} s`);
        },
      };
      const outcome =
        message.action === 'expand'
          ? await ai.expandTask(project.store, { id: message.id, tag: tag.name, prompt: message.prompt }, options)
          : await ai.updateTask(project.store, { id: message.id, tag: tag.name, prompt: message.prompt ?? '' }, options);
      for (const warning of outcome.warnings) log.warn(warning);
      const done = message.action === 'expand' ? `Added ${plural(outcome.ids.length, 'subtask')} to ${message.id}` : `Updated ${message.id}`;
      progress(`${done} (${outcome.model}${outcome.cached ? ', cached' : ''}).${repairSummary(outcome.warnings)}`, true);
    } catch (error) {
      progress(CancelledError.is(error) ? error.message : 'Failed; nothing was changed.', true);
      throw error;
    } finally {
      if (this.aiActions.get(message.id) === action) this.aiActions.delete(message.id);
    }
  }

  /** The webview says what went wrong; a notification adds the buttons that fix a cause outside the plan (Ollama, a model). */
  private reportError(error: unknown): void {
    const help = errorHelp(error);
    if (!help) return;
    this.post({ type: 'error', message: help.message });
    if (help.actions.length) void showError(error, this.services.log);
    else if (help.log) this.services.log.error(help.message);
  }

  private post(message: ExtensionMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    clearTimeout(this.refreshTimer);
    for (const { controller } of this.aiActions.values()) controller.abort();
    this._onDidDispose.fire();
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.panel.dispose();
  }
}
