import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { appendNote } from '../../src/core/operations';
import { selectTag } from '../../src/core/plan';
import { GitHubClient, parseApiUrl, type RepositoryRef } from '../../src/github/gitHubClient';
import { GitHubError, type GitHubErrorKind } from '../../src/github/gitHubError';
import { DEFAULT_PRIORITY_BY_LABEL, importFromGitHub, PULL_REQUEST_SCAN_LIMIT, type ImportOutcome } from '../../src/github/issueImport';
import { checkApiServesRemote, detectRepository, parseRemoteUrl } from '../../src/github/remoteRepository';
import { applyStatusProposals, proposeStatusSync } from '../../src/github/statusSync';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { GitHubStandIn } from '../support/githubStandIn';
import { makeProject, tagged, task, tempDir } from '../support/planBuilder';

const TOKEN = 'gho_standin_token';
const REPOSITORY: RepositoryRef = { owner: 'octo-org', name: 'widgets' };
const FULL_NAME = 'octo-org/widgets';

async function rejectsWith(promise: Promise<unknown>, kind: GitHubErrorKind, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(GitHubError.is(error), `expected a GitHubError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

describe('GitHub repository from the git remote (a real repository)', function () {
  this.timeout(30_000);

  async function repository(...remotes: Array<[string, string]>): Promise<string> {
    const root = await tempDir('tml-gh-git-');
    const git = simpleGit(root);
    await git.init();
    for (const [name, url] of remotes) await git.addRemote(name, url);
    return root;
  }

  it('reads https, ssh, scp-like and Enterprise remote URLs, with or without .git', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['https://github.com/octo-org/widgets.git', 'github.com', 'octo-org', 'widgets'],
      ['https://someone@github.com/octo-org/widgets', 'github.com', 'octo-org', 'widgets'],
      ['git@github.com:octo-org/widgets.git', 'github.com', 'octo-org', 'widgets'],
      ['ssh://git@github.com/octo-org/widgets.git', 'github.com', 'octo-org', 'widgets'],
      ['git://github.com/octo-org/widgets', 'github.com', 'octo-org', 'widgets'],
      ['ssh://git@ghe.example.com:2222/platform/api-gateway.git', 'ghe.example.com', 'platform', 'api-gateway'],
      ['https://GHE.example.com/platform/api.gateway/', 'ghe.example.com', 'platform', 'api.gateway'],
    ];
    const root = await repository(['origin', cases[0][0]]);
    for (const [url, host, owner, name] of cases) {
      await simpleGit(root).remote(['set-url', 'origin', url]);
      assert.deepEqual(await detectRepository(root), { host, owner, name, remote: 'origin' }, url);
    }
  });

  it('takes origin when there is one, else the first remote', async () => {
    const root = await repository(['a-fork', 'git@github.com:someone/widgets.git'], ['origin', 'https://github.com/octo-org/widgets.git']);
    assert.equal((await detectRepository(root)).owner, 'octo-org');
    await simpleGit(root).removeRemote('origin');
    assert.deepEqual(await detectRepository(root), { host: 'github.com', owner: 'someone', name: 'widgets', remote: 'a-fork' });
  });

  it('says to add a remote when there is none, and what is wrong with a folder or URL that is not GitHub', async () => {
    await rejectsWith(detectRepository(await repository()), 'no-remote', /has no git remote.*git remote add origin https:\/\/github\.com\/OWNER\/REPO\.git/);
    await rejectsWith(detectRepository(await tempDir('tml-gh-nogit-')), 'no-remote', /is not a git repository/);
    await rejectsWith(detectRepository(await repository(['origin', '/srv/git/widgets.git'])), 'no-remote', /remote "origin" \(\/srv\/git\/widgets\.git\) does not name a GitHub repository/);
    for (const url of ['file:///srv/git/octo/widgets.git', 'C:\\repos\\widgets', 'https://github.com/widgets']) assert.equal(parseRemoteUrl(url), undefined, url);
  });

  it('checks that the API URL serves the remote\'s host, and says which URL would', () => {
    const remote = (host: string) => ({ host, owner: 'octo-org', name: 'widgets', remote: 'origin' });
    checkApiServesRemote(parseApiUrl('https://api.github.com'), remote('github.com'));
    checkApiServesRemote(parseApiUrl('https://ghe.example.com/api/v3/'), remote('ghe.example.com'));
    assert.throws(() => checkApiServesRemote(parseApiUrl('https://api.github.com'), remote('ghe.example.com')), /set it to https:\/\/ghe\.example\.com\/api\/v3/);
    assert.throws(() => parseApiUrl('api.github.com'), /is not an https URL/);
    assert.throws(() => parseApiUrl('http://api.github.com'), /is not an https URL/, 'the token never travels in plain text');
    assert.equal(parseApiUrl('http://127.0.0.1:8080').host, '127.0.0.1:8080');
  });
});

describe('GitHub client against the stand-in', () => {
  let github: GitHubStandIn;
  let client: GitHubClient;

  beforeEach(async () => {
    github = await GitHubStandIn.start({ repository: FULL_NAME, token: TOKEN, pathPrefix: '/api/v3' });
    client = new GitHubClient(parseApiUrl(github.url), TOKEN);
  });
  afterEach(() => github.stop());

  it('lists issues under an Enterprise path, without the pull requests the endpoint mixes in, sending the API headers', async () => {
    github.issues = [{ number: 1, title: 'First' }, { number: 3, title: 'Third', labels: ['bug'] }];
    github.pulls = [{ number: 2, title: 'A pull request' }];
    const issues = await client.issues(REPOSITORY, { state: 'open', labels: [] });
    assert.deepEqual(issues.map((issue) => [issue.number, issue.title, issue.labels]), [[3, 'Third', ['bug']], [1, 'First', []]]);
    const seen = github.requests[0];
    assert.equal(seen.path, '/repos/octo-org/widgets/issues');
    assert.equal(seen.headers.accept, 'application/vnd.github+json');
    assert.equal(seen.headers['x-github-api-version'], '2022-11-28');
    assert.equal(seen.headers.authorization, `Bearer ${TOKEN}`);
  });

  it('follows the Link header through every page', async () => {
    github.issues = Array.from({ length: 250 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}` }));
    const issues = await client.issues(REPOSITORY, { state: 'all', labels: [] });
    assert.equal(issues.length, 250);
    assert.equal(new Set(issues.map((issue) => issue.number)).size, 250);
    assert.deepEqual(github.requests.map((request) => [request.query.get('per_page'), request.query.get('page')]), [['100', null], ['100', '2'], ['100', '3']]);
  });

  it('sends the token only under the API URL: a next page on another host or path stops the list with an error', async () => {
    github.issues = Array.from({ length: 150 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}` }));
    const elsewhere = await GitHubStandIn.start({ repository: FULL_NAME, token: TOKEN, pathPrefix: '/api/v3' });
    try {
      elsewhere.issues = github.issues;
      github.linkBase = elsewhere.url;
      await rejectsWith(client.issues(REPOSITORY, { state: 'all', labels: [] }), 'api-url', /link to the next page of issues of octo-org\/widgets points to http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/octo-org\/widgets\/issues, outside http:\/\/127\.0\.0\.1:\d+\/api\/v3; the sign-in token is only sent to the API URL/);
      assert.equal(elsewhere.requests.length, 0, 'the other host never saw the token');
      for (const base of [github.url.replace('/api/v3', '/other'), github.url.replace('/api/v3', '/api/v3x'), github.url.replace('http:', 'https:')]) {
        github.linkBase = base;
        await rejectsWith(client.issues(REPOSITORY, { state: 'all', labels: [] }), 'api-url', /outside http:\/\/127\.0\.0\.1:\d+\/api\/v3;/);
      }
      assert.equal(github.requests.length, 4, 'only the first page of each attempt was read');
      github.linkBase = `${github.url}/repos/../../..`;
      await rejectsWith(client.issues(REPOSITORY, { state: 'all', labels: [] }), 'api-url', /points to http:\/\/127\.0\.0\.1:\d+\/repos\/octo-org/);
    } finally {
      await elsewhere.stop();
    }
  });

  it('passes the state, label and milestone filters, and reads labels and open milestones', async () => {
    github.labels = [{ name: 'bug', description: 'Something is broken' }, { name: 'ui' }];
    github.milestones = [{ number: 1, title: 'v1' }, { number: 2, title: 'v0', state: 'closed' }];
    github.issues = [
      { number: 1, title: 'Bug in the UI for v1', labels: ['bug', 'ui'], milestone: 1 },
      { number: 2, title: 'Bug elsewhere', labels: ['bug'], milestone: 1 },
      { number: 3, title: 'Closed UI bug', labels: ['bug', 'ui'], state: 'closed' },
      { number: 4, title: 'No milestone', labels: ['bug', 'ui'] },
    ];
    const numbers = async (query: Parameters<GitHubClient['issues']>[1]) => (await client.issues(REPOSITORY, query)).map((issue) => issue.number);
    assert.deepEqual(await numbers({ state: 'open', labels: ['bug', 'ui'] }), [4, 1]);
    assert.deepEqual(await numbers({ state: 'open', labels: ['bug'], milestone: 1 }), [2, 1]);
    assert.deepEqual(await numbers({ state: 'all', labels: ['ui'], milestone: 'none' }), [4, 3]);
    assert.deepEqual(await numbers({ state: 'closed', labels: [] }), [3]);
    assert.deepEqual(await client.labels(REPOSITORY), [{ name: 'bug', description: 'Something is broken' }, { name: 'ui', description: '' }]);
    assert.deepEqual(await client.milestones(REPOSITORY), [{ number: 1, title: 'v1', openIssues: 2 }]);
  });

  it('says what to do about a bad token, a used-up rate limit, a repository it cannot see and a server it cannot reach', async () => {
    await rejectsWith(new GitHubClient(parseApiUrl(github.url), 'expired').issues(REPOSITORY, { state: 'open', labels: [] }), 'bad-token', /rejected the sign-in token \(401: Bad credentials\): sign out of the GitHub account.*run the command again/);
    await rejectsWith(client.issues({ owner: 'octo-org', name: 'secret' }, { state: 'open', labels: [] }), 'not-found', /octo-org\/secret was not found on 127\.0\.0\.1:\d+.*no access to it/);
    github.rateLimited = 'primary';
    const resetsAt = new Date(github.rateLimitReset * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    await rejectsWith(client.labels(REPOSITORY), 'rate-limited', new RegExp(`rate limit is used up; it resets at ${resetsAt} \\(in (59|60) min\\)`));
    github.rateLimited = 'secondary';
    await rejectsWith(client.labels(REPOSITORY), 'rate-limited', /secondary rate limit\): try again in 60 s/);
    await github.stop();
    await rejectsWith(client.labels(REPOSITORY), 'unreachable', /Cannot reach GitHub at http:\/\/127\.0\.0\.1:\d+\/api\/v3 \(ECONNREFUSED\)/);
  });
});

describe('GitHub issues as tasks in tasks.json', () => {
  let github: GitHubStandIn;
  let client: GitHubClient;

  beforeEach(async () => {
    github = await GitHubStandIn.start({ repository: FULL_NAME, token: TOKEN });
    client = new GitHubClient(parseApiUrl(github.url), TOKEN);
  });
  afterEach(() => github.stop());

  async function openStore(tasks: Array<Record<string, unknown>>) {
    const project = await makeProject(tagged({ master: tasks }));
    const store = new TaskStore(locatePlan(project.root));
    await store.reload();
    const read = () => JSON.parse(readFileSync(project.tasksFile, 'utf8')).master.tasks as Array<Record<string, any>>;
    return { store, read, tasksFile: project.tasksFile };
  }

  /** What the import command does once the issues are picked. */
  async function importIssues(store: TaskStore): Promise<ImportOutcome> {
    const outcome: ImportOutcome = { added: [], updated: [], unchanged: [], withNewPullRequests: [] };
    const issues = await client.issues(REPOSITORY, { state: 'all', labels: [] });
    const pullRequests = await client.pullRequests(REPOSITORY, PULL_REQUEST_SCAN_LIMIT);
    await store.edit(importFromGitHub({ repository: FULL_NAME, issues, pullRequests, priorityByLabel: DEFAULT_PRIORITY_BY_LABEL }, outcome), 'master');
    return outcome;
  }

  it('adds a task per issue: first paragraph as description, the rest as details, priority from labels, the link in metadata.github', async () => {
    const { store, read } = await openStore([task({ id: 1, title: 'Existing work' })]);
    github.issues = [
      { number: 7, title: 'Login fails on Safari ', body: '<!-- template hint -->\r\nUsers cannot log in.\r\nSince 2.3.\r\n\r\nSteps:\r\n1. Open Safari\r\n\r\n2. Log in', labels: ['bug', 'Priority: Critical'] },
      { number: 8, title: 'Dark mode', body: null, labels: ['enhancement'] },
      { number: 9, title: 'Typo in footer', labels: ['documentation'] },
    ];
    github.pulls = [{ number: 10, title: 'Fix the footer' }];
    const outcome = await importIssues(store);
    assert.deepEqual(outcome, { added: ['2', '3', '4'], updated: [], unchanged: [], withNewPullRequests: [] });
    const [, safari, darkMode, typo] = read();
    assert.deepEqual(
      { title: safari.title, description: safari.description, details: safari.details, priority: safari.priority, status: safari.status },
      { title: 'Login fails on Safari', description: 'Users cannot log in.\nSince 2.3.', details: 'Steps:\n1. Open Safari\n\n2. Log in', priority: 'critical', status: 'pending' },
    );
    assert.deepEqual(safari.metadata, { github: { number: 7, url: github.issueUrl(7), state: 'open', repository: FULL_NAME } });
    assert.deepEqual([darkMode.id, darkMode.description, darkMode.details, darkMode.priority], [3, '', '', 'medium']);
    assert.equal(typo.priority, 'medium', 'an unmapped label leaves the default priority');
  });

  it('imports again as updates: the same tasks, GitHub\'s edits applied, status, subtasks, dependencies and other metadata kept', async () => {
    const { store, read } = await openStore([task({ id: 1 })]);
    github.issues = [
      { number: 7, title: 'Login fails', body: 'Users cannot log in.', labels: ['enhancement'] },
      { number: 8, title: 'Dark mode' },
    ];
    await importIssues(store);
    // The user works on the imported task; others add their own metadata.
    const workedOn = JSON.parse(readFileSync(store.location.tasksFile, 'utf8'));
    Object.assign(workedOn.master.tasks[1], { status: 'in-progress', dependencies: [1], subtasks: [{ id: 1, title: 'Reproduce', status: 'done', dependencies: [] }] });
    workedOn.master.tasks[1].metadata.owner = 'sam';
    await fs.writeFile(store.location.tasksFile, JSON.stringify(workedOn, null, 2));
    await store.reload();

    github.issues[0] = { number: 7, title: 'Login fails on Safari', body: 'Users cannot log in on Safari.\n\nSince 2.3.', labels: ['bug'] };
    github.closeIssue(8);
    const outcome = await importIssues(store);
    assert.deepEqual(outcome, { added: [], updated: ['2', '3'], unchanged: [], withNewPullRequests: [] });
    const tasks = read();
    assert.deepEqual(tasks.map((candidate) => candidate.id), [1, 2, 3], 'no duplicates');
    const login = tasks[1];
    assert.deepEqual(
      [login.title, login.description, login.details, login.priority, login.status, login.dependencies, login.subtasks.map((sub: { title: string }) => sub.title)],
      ['Login fails on Safari', 'Users cannot log in on Safari.', 'Since 2.3.', 'high', 'in-progress', [1], ['Reproduce']],
    );
    assert.deepEqual(login.metadata, { github: { number: 7, url: github.issueUrl(7), state: 'open', repository: FULL_NAME }, owner: 'sam' });
    assert.equal(tasks[2].metadata.github.state, 'closed');
    assert.equal(tasks[2].status, 'pending', 'import never changes a status; Sync GitHub Status proposes that');

    const before = readFileSync(store.location.tasksFile, 'utf8');
    assert.deepEqual(await importIssues(store), { added: [], updated: [], unchanged: ['2', '3'], withNewPullRequests: [] });
    assert.equal(readFileSync(store.location.tasksFile, 'utf8'), before, 'nothing new from GitHub: nothing written');
  });

  it('imports again without losing the notes added to a task\'s details, in their order', async () => {
    const { store, read } = await openStore([]);
    github.issues = [
      { number: 7, title: 'Login fails', body: 'Users cannot log in.\n\nSince 2.3.' },
      { number: 8, title: 'Dark mode', body: 'Follow the OS.\n\nQuoted: <info added on 2020-01-01T00:00:00.000Z>\nold\n</info added on 2020-01-01T00:00:00.000Z>' },
    ];
    await importIssues(store);
    await store.edit(appendNote('1', 'Reproduced on Safari 17.'), 'master');
    await store.edit(appendNote('1', 'Cookie is dropped\nafter the redirect.'), 'master');
    const notes = read()[0].details.split('\n\n').slice(1);
    assert.equal(notes.length, 2);

    github.issues[0] = { number: 7, title: 'Login fails', body: 'Users cannot log in.\n\nSince 2.3, on Safari only.' };
    assert.deepEqual(await importIssues(store), { added: [], updated: ['1'], unchanged: ['2'], withNewPullRequests: [] });
    assert.equal(read()[0].details, ['Since 2.3, on Safari only.', ...notes].join('\n\n'));
    assert.match(read()[1].details, /^Quoted: <info added on 2020-01-01T00:00:00\.000Z>\nold\n<\/info added on 2020-01-01T00:00:00\.000Z>$/, 'a note the issue quotes is not doubled');

    github.issues[0] = { number: 7, title: 'Login fails', body: 'Users cannot log in.' };
    await importIssues(store);
    assert.equal(read()[0].details, notes.join('\n\n'), 'an issue without details leaves only the notes');
  });

  it('records the pull requests that name a task ("task 1", "Task #2.1") on that task, not those that name only an issue', async () => {
    const { store, read } = await openStore([task({ id: 1, metadata: { owner: 'sam' } }), task({ id: 2, subtasks: [{ id: 1 }] })]);
    github.pulls = [
      { number: 20, title: 'Implement task 1', body: 'Also starts Task #2.1.', state: 'closed', merged: true },
      { number: 21, title: 'Fixes #1', body: 'Closes #2' },
      { number: 22, title: 'Follow-up', body: 'More for task #1' },
    ];
    const outcome = await importIssues(store);
    assert.deepEqual(outcome.withNewPullRequests.sort(), ['1', '2.1']);
    const [first, second] = read();
    assert.deepEqual(first.metadata, {
      owner: 'sam',
      github: {
        pullRequests: [
          { number: 20, url: 'https://github.com/octo-org/widgets/pull/20', state: 'merged', title: 'Implement task 1' },
          { number: 22, url: 'https://github.com/octo-org/widgets/pull/22', state: 'open', title: 'Follow-up' },
        ],
      },
    });
    assert.deepEqual(second.subtasks[0].metadata.github.pullRequests.map((pull: { number: number }) => pull.number), [20]);
    assert.equal(second.metadata, undefined);

    github.pulls[1] = { number: 22, title: 'Follow-up', body: 'More for task #1', state: 'closed' };
    github.pulls.splice(0, 1);
    await importIssues(store);
    assert.deepEqual(read()[0].metadata.github.pullRequests.map((pull: { number: number; state: string }) => `${pull.number} ${pull.state}`), ['20 merged', '22 closed'], 'a pull request no longer among the latest stays');
  });

  it('proposes done for tasks whose issue was closed (cancelled when not planned), and writes only when the proposals are applied', async () => {
    const { store, read, tasksFile } = await openStore([task({ id: 1, status: 'done' })]);
    github.issues = [{ number: 7, title: 'Login fails' }, { number: 8, title: 'Dark mode' }, { number: 9, title: 'Old idea' }, { number: 10, title: 'Shipped' }];
    await importIssues(store);
    const imported = JSON.parse(readFileSync(tasksFile, 'utf8'));
    imported.master.tasks[4].status = 'done';
    imported.master.tasks[1].subtasks = [{ id: 1, title: 'Reproduce', status: 'pending', dependencies: [] }];
    imported.master.metadata = { ...imported.master.metadata, taskCount: 5, completedCount: 2 };
    await fs.writeFile(tasksFile, JSON.stringify(imported, null, 2));
    await store.reload();
    github.closeIssue(7);
    github.closeIssue(9, 'not_planned');
    github.closeIssue(10);
    github.issues = github.issues.filter((issue) => issue.number !== 8); // deleted on GitHub

    const tag = () => selectTag((store.state as { plan: Parameters<typeof selectTag>[0] }).plan, 'master')!;
    const progress: string[] = [];
    const sync = await proposeStatusSync(tag(), client, (checked, total) => progress.push(`${checked}/${total}`));
    assert.deepEqual(progress, ['1/3', '2/3', '3/3'], 'tasks already done are not asked about');
    assert.deepEqual(sync.proposals.map((proposal) => [proposal.taskId, proposal.status, proposal.issue.number, proposal.title]), [['2', 'done', 7, 'Login fails'], ['4', 'cancelled', 9, 'Old idea']]);
    assert.deepEqual(sync.unavailable, [{ taskId: '3', number: 8 }]);
    assert.deepEqual(read().map((candidate) => candidate.status), ['done', 'pending', 'pending', 'pending', 'done'], 'proposing writes nothing');

    await store.edit(applyStatusProposals(sync.proposals), 'master');
    const tasks = read();
    assert.deepEqual(tasks.map((candidate) => candidate.status), ['done', 'done', 'pending', 'cancelled', 'done']);
    assert.deepEqual([tasks[1].metadata.github.state, tasks[3].metadata.github.state], ['closed', 'closed']);
    // As task-master set-status changes them: the changed tasks stamped, the rest not, a done
    // task's subtasks left as they are, the tag's completed count kept true.
    assert.deepEqual(tasks.map((candidate) => typeof candidate.updatedAt), ['undefined', 'string', 'undefined', 'string', 'undefined']);
    assert.equal(tasks[1].subtasks[0].status, 'pending');
    const saved = JSON.parse(readFileSync(tasksFile, 'utf8')).master.metadata;
    assert.equal(saved.completedCount, 3);
    assert.equal(saved.updated, tasks[1].updatedAt, 'the tag is stamped with the same time');
    assert.deepEqual((await proposeStatusSync(tag(), client)).proposals, [], 'nothing left to propose');
  });

  it('stops asking GitHub once cancelled: no further request, the abort as the error, nothing written', async () => {
    const { store, read } = await openStore([]);
    github.issues = [{ number: 7, title: 'Login fails' }, { number: 8, title: 'Dark mode' }, { number: 9, title: 'Old idea' }];
    await importIssues(store);
    for (const number of [7, 8, 9]) github.closeIssue(number);
    const before = read();
    const asked = github.requests.length;
    const controller = new AbortController();
    const cancellable = new GitHubClient(parseApiUrl(github.url), TOKEN, controller.signal);
    const tag = selectTag((store.state as { plan: Parameters<typeof selectTag>[0] }).plan, 'master')!;
    await assert.rejects(
      proposeStatusSync(tag, cancellable, (checked) => checked === 1 && controller.abort()),
      (error: unknown) => !GitHubError.is(error) && (error as Error).name === 'AbortError',
    );
    assert.equal(github.requests.length, asked + 1, 'only the issue asked before Cancel');
    assert.deepEqual(read(), before);
  });

  it('uses the same default label map as the setting in package.json', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.configuration.properties['taskmaster.github.priorityByLabel'].default, DEFAULT_PRIORITY_BY_LABEL);
  });
});
