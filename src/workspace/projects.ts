import * as vscode from 'vscode';
import { affectsPlanServerSettings, backupsToKeep, planServerSettings, planServerTokenKey } from '../config';
import { RemotePlanStore, type PlanServerConnection } from '../remote/remotePlanStore';
import { locatePlan } from '../store/planLocation';
import { describeUndoneChange, TaskStore, type UndoneChange } from '../store/taskStore';
import type { PlanState } from '../store/planReader';
import type { PlanStore } from '../store/planStore';
import { showInformationMessage, showWarningMessage } from '../notifications';

/** One workspace folder and the store of its plan. */
export interface Project {
  readonly folder: vscode.WorkspaceFolder;
  readonly store: PlanStore;
}

/**
 * How long the checks of a plan (Problems, the rows' problem markers; 20 ms at 1,000 tasks) wait
 * after a change, or after rows were built afresh: long enough, as a rule, for the views' updates
 * to have left the extension host and been drawn. VS Code sends what the views post in one batch
 * after the current turn, so a check due at once would hold the batch back, and then compete with
 * the window drawing it.
 */
export const CHECK_AFTER_CHANGE_MS = 100;

/** What tells projects apart across reopenings (a plan server's new token opens a new Project): the folder. */
export function folderKey(project: Project): string {
  return project.folder.uri.toString();
}

/** The project's tasks.json store when its plan is a local file; undefined for a served plan. */
export function localStore(project: Project): TaskStore | undefined {
  return project.store instanceof TaskStore ? project.store : undefined;
}

/** Said when a command that works on the local tasks.json is asked for a plan a server keeps. */
export function servedPlanMessage(project: Project, what: string): string {
  return `${project.folder.name}'s plan is kept by a plan server (${project.store.location.tasksFile}): ${what} where the server's files are (on that machine), not here.`;
}

/**
 * The workspace folders and their plans (multi-root: one store each). Stores are created lazily
 * on first use and follow folders being added and removed.
 */
export class Projects implements vscode.Disposable {
  private readonly projects = new Map<string, Project>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly _onDidChange = new vscode.EventEmitter<Project | undefined>();
  readonly onDidChange = this._onDidChange.event;
  /** Fires when the plan the user is working in changes: an editor in another folder's plan became active. */
  private readonly _onDidChangeCurrent = new vscode.EventEmitter<Project | undefined>();
  readonly onDidChangeCurrent = this._onDidChangeCurrent.event;
  /** The folder of the last editor that belonged to a project with a plan. */
  private focusedFolder: string | undefined;

  private readonly _onDidChangeConnection = new vscode.EventEmitter<Project>();
  /** Fires when a served plan's connection changes (connected, offline, refused). */
  readonly onDidChangeConnection = this._onDidChangeConnection.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
    private readonly version: string,
  ) {
    this.subscriptions.push(
      this._onDidChange,
      this._onDidChangeCurrent,
      this._onDidChangeConnection,
      // A folder switched to or from a plan server, or a new token: its store is opened again.
      vscode.workspace.onDidChangeConfiguration((event) => affectsPlanServerSettings(event) && void this.reopen()),
      secrets.onDidChange((event) => event.key.startsWith(planServerTokenKey('')) && void this.reopen()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.sync()),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
    );
  }

  /**
   * Remembers the folder of an editor that belongs to a plan. Editors outside every plan (output,
   * settings, an untitled file) leave the choice as it is, so the status bar does not flicker.
   */
  private follow(editor: vscode.TextEditor | undefined): void {
    const folder = editor && vscode.workspace.getWorkspaceFolder(editor.document.uri);
    if (!folder || !this.withPlan.some((project) => project.folder.uri.toString() === folder.uri.toString())) return;
    const before = this.current;
    this.focusedFolder = folder.uri.toString();
    if (this.current !== before) this._onDidChangeCurrent.fire(this.current);
  }

  /** Syncs and reopens run one after another: overlapping ones would each open a store per folder. */
  private queue: Promise<void> = Promise.resolve();

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Opens a store for every file-system folder of the workspace and loads its plan. */
  sync(): Promise<void> {
    return this.enqueue(() => this.openFolders());
  }

  private async openFolders(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    const keep = new Set(folders.map((folder) => folder.uri.toString()));
    for (const [key, project] of this.projects) {
      if (!keep.has(key)) {
        project.store.dispose();
        this.projects.delete(key);
      }
    }
    await Promise.all(
      folders
        .filter((folder) => !this.projects.has(folder.uri.toString()))
        .map(async (folder) => {
          const store = await this.openStore(folder);
          const project: Project = { folder, store };
          this.projects.set(folder.uri.toString(), project);
          if (store instanceof RemotePlanStore) {
            store.onDidChangeConnection((connection) => {
              this.logConnection(project, connection);
              this._onDidChangeConnection.fire(project);
            });
          }
          let previous = store.state.kind;
          store.onDidChange((state) => {
            this.logState(project, state);
            if (previous === 'loaded' && state.kind === 'missing' && store instanceof TaskStore) this.warnDeleted(project);
            previous = state.kind;
            this._onDidChange.fire(project);
          });
          if (store instanceof TaskStore) store.onDidUndoneChange((undone) => this.warnUndone(undone));
          await store.reload();
          store.startWatching();
        }),
    );
    this.follow(vscode.window.activeTextEditor);
    this._onDidChange.fire(undefined);
  }

  /** The folder's own tasks.json, or the plan server's project its settings name. */
  private async openStore(folder: vscode.WorkspaceFolder): Promise<TaskStore | RemotePlanStore> {
    const server = planServerSettings(folder.uri);
    const backups = () => backupsToKeep(folder.uri);
    if (!server) return new TaskStore(locatePlan(folder.uri.fsPath), { backupsToKeep: backups });
    const token = await this.secrets.get(planServerTokenKey(server.url));
    return new RemotePlanStore(server, { token, localRoot: folder.uri.fsPath, backupsToKeep: backups, clientVersion: this.version });
  }

  /** Opens every store again (settings or token changed). */
  private reopen(): Promise<void> {
    return this.enqueue(async () => {
      for (const project of this.projects.values()) project.store.dispose();
      this.projects.clear();
      await this.openFolders();
    });
  }

  private logConnection(project: Project, connection: PlanServerConnection): void {
    if (connection.status === 'connected') this.log.info(`${project.folder.name}: connected to ${project.store.location.tasksFile}`);
    else if ('message' in connection) this.log.warn(`${project.folder.name}: ${connection.message}`);
  }

  /** Projects whose plan a server keeps. */
  get served(): Array<Project & { store: RemotePlanStore }> {
    return this.all.filter((project): project is Project & { store: RemotePlanStore } => project.store instanceof RemotePlanStore);
  }

  private logState(project: Project, state: PlanState): void {
    if (state.kind === 'unreadable') this.log.warn(`${state.location.tasksFile}: ${state.error.message}`);
    else this.log.info(`${project.folder.name}: plan ${state.kind}`);
  }

  private warnUndone(undone: UndoneChange): void {
    const message = describeUndoneChange(undone);
    this.log.warn(message);
    void (undone.error ? showWarningMessage(message) : showInformationMessage(message));
  }

  private warnDeleted(project: Project): void {
    void showWarningMessage(
      `${project.store.location.tasksFile} was deleted or moved. Nothing else was changed; restore it (for example with git checkout) and the plan comes back.`,
    );
  }

  get all(): Project[] {
    const order = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.toString());
    return [...this.projects.values()].sort((a, b) => order.indexOf(a.folder.uri.toString()) - order.indexOf(b.folder.uri.toString()));
  }

  /** Projects that have a tasks.json, readable or not. */
  get withPlan(): Project[] {
    return this.all.filter((project) => project.store.state.kind !== 'missing');
  }

  /**
   * The plan a request without a folder is about, and the one the status bar shows: the folder of
   * the last active editor that belongs to a plan, else the first folder with a plan.
   */
  get current(): Project | undefined {
    const withPlan = this.withPlan;
    return withPlan.find((project) => project.folder.uri.toString() === this.focusedFolder) ?? withPlan[0];
  }

  byFolder(uri: vscode.Uri): Project | undefined {
    return this.projects.get(uri.toString());
  }

  /** Reloads every plan from disk now, rather than waiting for the watcher. */
  async refresh(): Promise<void> {
    await Promise.all(this.all.map((project) => project.store.reload()));
  }

  dispose(): void {
    for (const project of this.projects.values()) project.store.dispose();
    this.projects.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
