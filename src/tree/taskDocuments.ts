import * as vscode from 'vscode';
import { ViewIds } from '../commands/commandIds';
import { escapeMarkdown } from '../core/markdown';
import { taskViewMarkdown } from '../core/taskView';
import type { Project, Projects } from '../workspace/projects';
import type { TaskHistory } from './taskTreeProvider';

const SCHEME = 'taskmaster-task';

/**
 * Read-only documents that show one task each (`taskmaster-task:/Task 12.md?folder&tag&id`), opened
 * in the markdown preview. They are rendered from the loaded plan and change with it, so an open
 * view follows edits made anywhere.
 */
export class TaskDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly projects: Projects,
    private readonly history: TaskHistory,
  ) {
    this.subscriptions = [
      this._onDidChange,
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      projects.onDidChange(() => {
        for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === SCHEME) this._onDidChange.fire(document.uri);
      }),
    ];
  }

  /**
   * Shows the task in the editor area's preview, which the next task shown replaces. From the board
   * it opens beside it, so the board stays in sight.
   */
  async show(project: Project, tag: string, id: string): Promise<void> {
    const query = new URLSearchParams({ folder: project.folder.uri.toString(), tag, id }).toString();
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/Task ${id}.md`, query });
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const fromBoard = input instanceof vscode.TabInputWebview && input.viewType.endsWith(ViewIds.board);
    await vscode.commands.executeCommand(fromBoard ? 'markdown.showPreviewToSide' : 'markdown.showPreview', uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const params = new URLSearchParams(uri.query);
    const project = this.projects.byFolder(vscode.Uri.parse(params.get('folder') ?? ''));
    const state = project?.store.state;
    const tag = state?.kind === 'loaded' ? state.plan.tags.get(params.get('tag') ?? '') : undefined;
    const task = tag?.byId.get(params.get('id') ?? '');
    if (!project || !tag || !task) return `# Task ${escapeMarkdown(params.get('id') ?? '')}\n\nThis task is no longer in the plan (tag "${escapeMarkdown(params.get('tag') ?? '')}").\n`;
    return taskViewMarkdown(task, tag, this.history(project, task, tag.name));
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
