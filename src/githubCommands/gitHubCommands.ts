import * as vscode from 'vscode';
import { announceTask } from '../commands/announceTask';
import { withCancellableProgress } from '../commands/cancellableProgress';
import { CommandIds } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { loadedTag, pickProject } from '../commands/taskPicker';
import { githubSettings } from '../config';
import { GitHubClient, parseApiUrl, repositoryName, type GitHubLabel, type GitHubMilestone, type IssueQuery } from '../github/gitHubClient';
import { readGitHubLink, tasksByIssue } from '../github/gitHubLink';
import { importFromGitHub, PULL_REQUEST_SCAN_LIMIT, type ImportOutcome } from '../github/issueImport';
import { checkApiServesRemote, detectRepository, type RemoteRepository } from '../github/remoteRepository';
import { applyStatusProposals, proposeStatusSync } from '../github/statusSync';
import { plural } from '../core/text';
import type { TaskTreeModel } from '../tree/taskTreeModel';
import type { Project } from '../workspace/projects';
import { importSummary, statusSyncConfirmation, unreadableIssuesNote } from './gitHubMessages';
import { gitHubToken } from './gitHubSignIn';
import { showInformationMessage, showWarningMessage } from '../notifications';

export interface GitHubCommandServices {
  model: TaskTreeModel;
  log: vscode.LogOutputChannel;
}

/** Import GitHub Issues and Sync GitHub Status: VS Code's pickers and sign-in around src/github. */
export function registerGitHubCommands(context: vscode.ExtensionContext, services: GitHubCommandServices): void {
  const { model, log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerCommand(context, log, id, handler);

  register(CommandIds.importGitHubIssues, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    const connection = await connect(project);
    if (!connection) return;
    const { client, repository } = connection;
    const name = repositoryName(repository);
    const [labels, milestones] = await withCancellableProgress(`Reading the labels and milestones of ${name}`, (_, signal) => Promise.all([client(signal).labels(repository), client(signal).milestones(repository)]));
    const query = await pickIssueQuery(name, labels, milestones);
    if (!query) return;
    const issues = await withCancellableProgress(`Reading the issues of ${name}`, (_, signal) => client(signal).issues(repository, query));
    if (issues.length === 0) {
      void showInformationMessage(`No ${query.state === 'all' ? '' : `${query.state} `}issues of ${name} match these filters.`);
      return;
    }
    const imported = tasksByIssue(loaded.tag, name);
    const picked = await vscode.window.showQuickPick(
      issues.map((issue) => ({
        label: `#${issue.number} ${issue.title}`,
        description: [issue.state === 'closed' ? 'closed' : '', imported.has(issue.number) ? `updates task ${imported.get(issue.number)!.id}` : 'new', ...issue.labels].filter(Boolean).join(' · '),
        picked: true,
        issue,
      })),
      { canPickMany: true, matchOnDescription: true, placeHolder: `Import which issues of ${name} into tag "${loaded.tag.name}"?` },
    );
    if (!picked?.length) return;
    const outcome: ImportOutcome = { added: [], updated: [], unchanged: [], withNewPullRequests: [] };
    await withCancellableProgress(`Importing ${plural(picked.length, 'issue')} from ${name}`, async (progress, signal) => {
      progress.report({ message: 'looking for pull requests that name tasks…' });
      const pullRequests = await client(signal).pullRequests(repository, PULL_REQUEST_SCAN_LIMIT);
      // Cancel before the write means no write; once it starts, the import completes.
      signal.throwIfAborted();
      const { priorityByLabel } = githubSettings(project.folder.uri);
      await project.store.edit(importFromGitHub({ repository: name, issues: picked.map((item) => item.issue), pullRequests, priorityByLabel }, outcome), loaded.tag.name);
    });
    log.info(`Imported from ${name} into "${loaded.tag.name}": added ${outcome.added.join(', ') || 'none'}; updated ${outcome.updated.join(', ') || 'none'}; pull requests recorded on ${outcome.withNewPullRequests.join(', ') || 'no other task'}.`);
    await reportImport(project, loaded.tag.name, outcome);
  });

  register(CommandIds.syncGitHubStatus, async () => {
    const project = await pickProject(model, { needsPlan: true });
    const loaded = project && loadedTag(model, project);
    if (!project || !loaded) return;
    if (!loaded.tag.tasks.some((task) => readGitHubLink(task)?.number !== undefined)) {
      const choice = await showInformationMessage(`No task in tag "${loaded.tag.name}" was imported from a GitHub issue.`, 'Import GitHub Issues');
      if (choice) await vscode.commands.executeCommand(CommandIds.importGitHubIssues);
      return;
    }
    const connection = await connect(project);
    if (!connection) return;
    const sync = await withCancellableProgress('Checking the issues of imported tasks', (progress, signal) =>
      proposeStatusSync(loaded.tag, connection.client(signal), (checked, total) => progress.report({ message: `${checked} of ${total}`, increment: 100 / total })),
    );
    for (const missing of sync.unavailable) log.warn(`Task ${missing.taskId}: its issue #${missing.number} is gone from GitHub (deleted, or no longer visible to this account).`);
    if (sync.proposals.length === 0) {
      void showInformationMessage(['Every task whose issue is closed is already done or cancelled.', unreadableIssuesNote(sync.unavailable.length)].filter(Boolean).join(' '));
      return;
    }
    const { question, detail, action } = statusSyncConfirmation(sync.proposals, sync.unavailable.length);
    const choice = await showWarningMessage(question, { modal: true, detail }, action);
    if (choice !== action) return;
    await project.store.edit(applyStatusProposals(sync.proposals), loaded.tag.name);
    void showInformationMessage(`Updated ${plural(sync.proposals.length, 'task')} from GitHub.`);
  });

  /** What the import did ("Imported 3 new tasks; updated none."), with a button that shows the first of them. */
  async function reportImport(project: Project, tag: string, outcome: ImportOutcome): Promise<void> {
    const first = outcome.added[0] ?? outcome.updated[0] ?? outcome.withNewPullRequests[0];
    await announceTask(importSummary(outcome), first ? { project, tag, id: first } : undefined);
  }
}

/**
 * The project's repository and clients signed in to its server, each stopped by the Cancel of the
 * progress it runs under; undefined when sign-in did not happen.
 */
async function connect(project: Project): Promise<{ client: (signal: AbortSignal) => GitHubClient; repository: RemoteRepository } | undefined> {
  const apiUrl = parseApiUrl(githubSettings(project.folder.uri).apiUrl);
  const repository = await detectRepository(project.folder.uri.fsPath);
  checkApiServesRemote(apiUrl, repository);
  const token = await gitHubToken(apiUrl, repository);
  return token ? { client: (signal) => new GitHubClient(apiUrl, token, signal), repository } : undefined;
}

/** The filters: state, then labels (all of them must be on an issue), then milestone. */
async function pickIssueQuery(name: string, labels: GitHubLabel[], milestones: GitHubMilestone[]): Promise<IssueQuery | undefined> {
  const states: Array<{ label: string; state: IssueQuery['state'] }> = [
    { label: 'Open issues', state: 'open' },
    { label: 'Closed issues', state: 'closed' },
    { label: 'All issues', state: 'all' },
  ];
  const state = await vscode.window.showQuickPick(states, { placeHolder: `Import which issues of ${name}?` });
  if (!state) return undefined;
  let withLabels: string[] = [];
  if (labels.length) {
    const picked = await vscode.window.showQuickPick(
      labels.map((label) => ({ label: label.name, description: label.description || undefined })),
      { canPickMany: true, placeHolder: 'Only issues with all of these labels (pick none for any labels)' },
    );
    if (!picked) return undefined;
    withLabels = picked.map((item) => item.label);
  }
  let milestone: IssueQuery['milestone'];
  if (milestones.length) {
    const items: Array<{ label: string; description?: string; milestone?: IssueQuery['milestone'] }> = [
      { label: 'Any milestone' },
      { label: 'No milestone', milestone: 'none' },
      ...milestones.map((entry) => ({ label: entry.title, description: `${entry.openIssues} open`, milestone: entry.number })),
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Milestone' });
    if (!picked) return undefined;
    milestone = picked.milestone;
  }
  return { state: state.state, labels: withLabels, milestone };
}
