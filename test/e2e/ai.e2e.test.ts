/**
 * End-to-end: the AI commands of the packaged extension in a real VS Code (code-server, see
 * vscodeHarness.ts), talking to the Ollama stand-in (test/support/ollamaStandIn.ts) on 127.0.0.1,
 * as a user runs them from the command palette. One VS Code session; the tests build on each other
 * (parse a PRD into an empty plan, expand a task it created, scope it up and down, research, then fail
 * with Ollama stopped).
 * Needs a current build (node esbuild.mjs). Failing tests leave a screenshot and the VS Code logs in
 * test-results/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NEW_TASK_SCHEMA, SUBTASKS_SCHEMA, TASKS_SCHEMA, type GeneratedSubtask, type GeneratedTask } from '../../src/core/aiSchemas';
import { newSubtaskCount, SCOPED_TASK_SCHEMA } from '../../src/core/scopePrompts';
import { OllamaStandIn, type ChatRequestSeen } from '../support/ollamaStandIn';
import { checkQuickPickItems, clickNotificationButton, eventually, expandTreeRow, markdownPreview, openFile, openViewContainer, pickQuickPickItem, runCommand, runCommandAndPick, treeContextMenu, waitForInputBox, waitForRows, waitForSelectedRow } from './vscodeHarness';
import type { RawTask } from '../../src/core/task';
import { packageExtension, readTasks, TASKS_FILE, tml, vscodeSession, type PackagedExtension } from './stagedExtension';

const MODEL = 'qwen2.5-coder:7b';

const PRD = `# Recipe box

A small web service for a family's recipes.

## Requirements
- Recipes (title, ingredients, steps) are served as JSON over HTTP.
- Recipes are stored in SQLite, so a restart loses nothing.
- Anyone can search recipes by ingredient ("what can I cook with leeks?").
`;

/** The model's answer to the PRD: task 3 names a dependency (99) that exists nowhere. */
const GENERATED: GeneratedTask[] = [
  {
    id: 1,
    title: 'Serve recipes as JSON over HTTP',
    description: 'A small HTTP server with GET /recipes and GET /recipes/:id.',
    details: 'Node http module, JSON bodies, 404 for unknown ids.',
    testStrategy: 'Request both routes against a running server and check status codes and bodies.',
    priority: 'high',
    dependencies: [],
  },
  {
    id: 2,
    title: 'Store recipes in SQLite',
    description: 'Keep recipes in a SQLite database so a restart loses nothing.',
    details: 'One recipes table plus an ingredients table; migrations on start.',
    testStrategy: 'Write a recipe, restart the server, read it back.',
    priority: 'medium',
    dependencies: [1],
  },
  {
    id: 3,
    title: 'Search recipes by ingredient',
    description: 'GET /recipes?ingredient=leek lists the recipes that use it.',
    details: 'An index on the ingredient name; case-insensitive match.',
    testStrategy: 'Seed three recipes, search for an ingredient two of them share.',
    priority: 'low',
    dependencies: [2, 99],
  },
];


describe('AI commands in a real VS Code, with a local Ollama (stand-in)', function () {
  this.timeout(120_000);
  let scratch = ''; // the .vsix, what it unpacks to, and the workspace
  let packaged: PackagedExtension;
  let ollama: OllamaStandIn | undefined;
  let ollamaStopped = false;

  before(function () {
    this.timeout(60_000);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-e2e-ai-'));
    packaged = packageExtension(scratch);
  });

  const vs = vscodeSession(
    () => packaged.extensionDir,
    async () => {
      ollama = await OllamaStandIn.start({ models: [{ name: MODEL, family: 'qwen2', parameterSize: '7.6B', capabilities: ['completion', 'tools'] }] });
      return {
        workspace: emptyPlanWorkspace(scratch),
        userSettings: {
          // A base URL as Task Master writes it (…/api): the extension must still call <host>/api/chat.
          'taskmaster.ollama.endpoint': `${ollama.url}/api`,
          'taskmaster.ollama.model': MODEL,
        },
      };
    },
  );

  // Registered after the session, so it runs after VS Code has closed.
  after(async () => {
    if (ollama && !ollamaStopped) await ollama.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  const standIn = () => {
    assert.ok(ollama, 'the Ollama stand-in did not start');
    return ollama;
  };
  /** Waits for a notification (the exact text, or one `accept` likes); fails listing every one seen. */
  const waitForNotification = async (expected: string | ((text: string) => boolean), what = `the notification "${expected}"`) => {
    const accept = typeof expected === 'string' ? (text: string) => text === expected : expected;
    let seen: string[] = [];
    try {
      return await eventually(what, async () => (seen = await vs.notifications()).find(accept), 20_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; notifications seen:\n  ${seen.join('\n  ')}`);
    }
  };
  const chatRequests = () => standIn().requests.filter((request) => request.path === '/api/chat');

  it('"Parse PRD with AI…" on the open prd.md adds the model\'s tasks, dropping an invented dependency', async () => {
    const page = vs.page();
    standIn().script({ content: JSON.stringify({ tasks: GENERATED }, null, 2), chunkSize: 64 });
    await openViewContainer(page, 'Taskmaster');
    // The hint comes once the extension has activated: on a busy machine that can take a while.
    await waitForRows(page, 'the hint that the plan is empty', (rows) => rows.some((row) => row.includes('has no tasks yet')), 60_000);
    await openFile(page, 'prd.md', 60_000);

    await runCommandAndPick(page, 'Taskmaster: Parse PRD with AI…', { placeholder: 'Which requirements document?', label: 'Active editor: prd.md' });
    const count = await waitForInputBox(page, 'About how many tasks?');
    assert.equal(count.value, '10', 'the default count');
    await count.accept();

    const added = `Added 3 tasks from the PRD (${MODEL}). 1 repair to the model's answer: Task "${GENERATED[2].title}" named dependency 99, which does not exist; it was dropped.`;
    await waitForNotification(added);

    // The plan on disk: the three tasks as the model wrote them, numbered from 1, 99 gone.
    const tasks = readTasks(vs.workspace()).master.tasks;
    assert.deepEqual(
      tasks.map(({ id, title, description, details, testStrategy, priority, dependencies, status, subtasks }) => ({ id, title, description, details, testStrategy, priority, dependencies, status, subtasks })),
      GENERATED.map((task) => ({ ...task, dependencies: task.dependencies.filter((dep) => dep !== 99), status: 'pending', subtasks: [] })),
    );

    // What reached "Ollama": one chat call, on /api/chat (not /api/api/chat), with the PRD and the schema.
    const chats = chatRequests();
    assert.equal(chats.length, 1, `one /api/chat request, not ${chats.length}`);
    assert.deepEqual(Object.keys(standIn().requestCounts).filter((p) => p.startsWith('/api/api')), [], 'no doubled /api in a path');
    const [chat] = chats;
    assert.equal(chat.model, MODEL);
    assert.ok(lastUserMessage(chat).includes(PRD), `the last user message holds the PRD:\n${lastUserMessage(chat)}`);
    assert.deepEqual(chat.format, plain(TASKS_SCHEMA), 'format is the tasks schema');

    // The tree: one row per task, task 1 (no dependencies, high priority) marked next.
    const expected = tasks.map((task) => rowLabel(task, cliNext(vs.workspace())));
    const rows = await waitForRows(page, 'the three new tasks', (shown) => expected.every((row) => shown.includes(row)));
    assert.deepEqual(rows.filter((row) => /^\d+ /.test(row)), expected, 'task rows in file order');
    assert.ok(!rows.some((row) => row.includes('has no tasks yet')), 'the empty-plan hint is gone');

    // Show Task on the result opens the first new task and selects its row.
    await clickNotificationButton(page, added, 'Show Task', 20_000);
    await markdownPreview(page, 'Task 1.md', `1 ${GENERATED[0].title}`);
    await waitForSelectedRow(page, `1 ${GENERATED[0].title}`);
  });

  it('"Expand Task with AI…" on task 1 adds the subtasks the model wrote', async () => {
    const page = vs.page();
    const parent = GENERATED[0];
    assert.ok(readTasks(vs.workspace()).master.tasks.some((task) => task.title === parent.title), 'needs the tasks of the previous test');
    const chatsBefore = chatRequests().length;

    await runCommand(page, 'Taskmaster: Expand Task with AI…');
    await pickQuickPickItem(page, { placeholder: 'Expand which task into subtasks?', filter: parent.title, label: `1 ${parent.title}` });
    const count = await waitForInputBox(page, `Expand 1 ${parent.title}: how many subtasks?`);
    const n = Number(count.value);
    assert.ok(Number.isInteger(n) && n >= 1, `the default count "${count.value}" is a number`);
    // As many subtasks as the box proposes, each after the one before it.
    const subtasks: GeneratedSubtask[] = Array.from({ length: n }, (_, index) => ({
      id: index + 1,
      title: `Step ${index + 1} of serving recipes`,
      description: `Part ${index + 1} of the HTTP server.`,
      details: `Implement part ${index + 1}.`,
      testStrategy: `Check part ${index + 1}.`,
      dependencies: index === 0 ? [] : [index],
    }));
    standIn().script({ content: JSON.stringify({ subtasks }), chunkSize: 64 });
    await count.accept();

    await waitForNotification(`Added ${n} subtasks to 1 (${MODEL}).`);

    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 1, `one more /api/chat request, not ${chats.length}`);
    assert.deepEqual(chats[0].format, plain(SUBTASKS_SCHEMA), 'format is the subtasks schema');
    assert.match(lastUserMessage(chats[0]), new RegExp(`exactly ${n} items`));
    assert.ok(lastUserMessage(chats[0]).includes(`Task 1: ${parent.title}`), 'the prompt names the task');

    const task1 = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    assert.deepEqual(
      task1.subtasks?.map(({ id, title, description, details, testStrategy, dependencies, status }) => ({ id, title, description, details, testStrategy, dependencies, status })),
      subtasks.map((sub) => ({ ...sub, status: 'pending' })),
    );

    const next = cliNext(vs.workspace());
    await expandTreeRow(page, `1 ${parent.title}, `);
    const expected = [rowLabel({ ...task1, status: 'pending' }, next), ...task1.subtasks!.map((sub) => rowLabel({ ...sub, id: `1.${sub.id}` }, next))];
    const rows = await waitForRows(page, `task 1 and its ${n} subtasks`, (shown) => expected.every((row) => shown.includes(row)));
    const start = rows.indexOf(expected[0]);
    assert.deepEqual(rows.slice(start, start + expected.length), expected, 'the subtasks right under task 1, in order');
  });

  it('"Try Again" on that notification puts the subtasks back and asks the model afresh, not the cache', async () => {
    const page = vs.page();
    const first = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    const n = first.subtasks?.length ?? 0;
    assert.ok(n > 0, 'needs the subtasks of the previous test');
    const chatsBefore = chatRequests().length;
    const retried: GeneratedSubtask[] = Array.from({ length: n }, (_, index) => ({
      id: index + 1,
      title: `Second try, step ${index + 1}`,
      description: `Another split, part ${index + 1}.`,
      details: `Do part ${index + 1} differently.`,
      testStrategy: `Check part ${index + 1} again.`,
      dependencies: [],
    }));
    standIn().script({ content: JSON.stringify({ subtasks: retried }), chunkSize: 64 });

    await clickNotificationButton(page, `Added ${n} subtasks to 1 (${MODEL}).`, 'Try Again');

    const titles = await eventually('task 1 to hold the second answer\'s subtasks', () => {
      const subtasks = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)?.subtasks ?? [];
      return subtasks[0]?.title === retried[0].title ? subtasks.map((sub) => sub.title) : undefined;
    }, 20_000);
    assert.deepEqual(titles, retried.map((sub) => sub.title), 'the first answer\'s subtasks are gone, not kept beside the new ones');
    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 1, 'the identical request went to the model again instead of being answered from the cache');
    assert.ok(lastUserMessage(chats[0]).includes(`Task 1: ${GENERATED[0].title}`), 'the same task was asked about');
  });

  it('"Scope Up Task…" from task 1\'s tree menu rewrites it heavier, keeps its done subtask and replaces the pending ones', async () => {
    const page = vs.page();
    const title = GENERATED[0].title;
    tml(vs.workspace(), 'set-status', '--id', '1.1', '--status', 'done');
    const before = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    const [done, ...pending] = before.subtasks ?? [];
    assert.ok(done?.status === 'done' && pending.length > 0, 'needs task 1 with subtasks from the tests before');
    const chatsBefore = chatRequests().length;
    const scoped = {
      title: 'Serve recipes as JSON over HTTP, cached and measured',
      description: 'The HTTP server, with response caching and request metrics.',
      details: 'ETag caching, a /metrics endpoint, structured errors.',
      testStrategy: 'Routes, cache hits and metrics under load.',
      priority: 'high',
    };
    const added: GeneratedSubtask[] = [
      { id: 1, title: 'Cache responses with ETags', description: 'Conditional GETs.', details: 'Hash the body.', testStrategy: 'A repeat GET is a 304.', dependencies: [] },
      { id: 2, title: 'Expose request metrics', description: 'Counts and latencies.', details: 'A /metrics route.', testStrategy: 'Counts rise per request.', dependencies: [1] },
    ];
    standIn().script({ content: JSON.stringify(scoped) }, { content: JSON.stringify({ subtasks: added }) });

    await treeContextMenu(page, `1 ${title}, `, 'Scope Up Task…', 'Scope up which task?');
    await pickQuickPickItem(page, { placeholder: `Scope up 1 ${title}: by how much? Pending subtasks are replaced; the others are kept.`, label: 'heavy' });
    const box = await waitForInputBox(page, 'Scope up 1: any instructions? (optional)');
    await box.accept('add caching and metrics');

    await waitForNotification(`Scoped up 1 (heavy, ${MODEL}).`);
    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 2, 'one request for the task, one for its subtasks');
    assert.deepEqual(chats[0].format, plain(SCOPED_TASK_SCHEMA));
    assert.match(lastUserMessage(chats[0]), /MORE complex \(heavy change\)[\s\S]*add caching and metrics/);
    assert.match(lastUserMessage(chats[1]), new RegExp(`Write ${newSubtaskCount('up', 'heavy', 1, pending.length)} subtasks`));

    const after = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    assert.deepEqual([after.id, after.status, after.dependencies], [before.id, before.status, before.dependencies], 'id, status and dependencies stay');
    assert.deepEqual([after.title, after.description, after.details, after.testStrategy, after.priority], Object.values(scoped));
    assert.deepEqual(after.subtasks, [
      done,
      ...added.map((sub, index) => ({ id: index + 2, title: sub.title, description: sub.description, details: sub.details, status: 'pending', dependencies: index ? [2] : [], testStrategy: sub.testStrategy })),
    ]);
  });

  it('"Scope Down Task…" from the palette rewrites task 1 lighter, keeps its done subtask and replaces the pending ones', async () => {
    const page = vs.page();
    const before = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    const [done, ...pending] = before.subtasks ?? [];
    assert.ok(done?.status === 'done' && pending.length > 0, 'needs task 1 as the scope-up test left it');
    const chatsBefore = chatRequests().length;
    const scoped = {
      title: 'Serve recipes as JSON',
      description: 'One GET route that lists the recipes.',
      details: 'Node http module; no caching, no metrics.',
      testStrategy: 'One request against a running server.',
      priority: 'medium',
    };
    const added: GeneratedSubtask[] = [{ id: 1, title: 'List recipes as JSON', description: 'GET /recipes.', details: 'Read them all.', testStrategy: 'The list comes back.', dependencies: [] }];
    standIn().script({ content: JSON.stringify(scoped) }, { content: JSON.stringify({ subtasks: added }) });

    await runCommand(page, 'Taskmaster: Scope Down Task…');
    await pickQuickPickItem(page, { placeholder: 'Scope down which task?', filter: before.title, label: `1 ${before.title}` });
    await pickQuickPickItem(page, { placeholder: `Scope down 1 ${before.title}: by how much? Pending subtasks are replaced; the others are kept.`, label: 'regular' });
    const box = await waitForInputBox(page, 'Scope down 1: any instructions? (optional)');
    await box.accept('drop caching and metrics');

    await waitForNotification(`Scoped down 1 (regular, ${MODEL}).`);
    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 2, 'one request for the task, one for its subtasks');
    assert.match(lastUserMessage(chats[0]), /LESS complex \(regular change\)[\s\S]*drop caching and metrics/);
    assert.match(lastUserMessage(chats[1]), new RegExp(`Write ${newSubtaskCount('down', 'regular', 1, pending.length)} subtasks`));

    const after = readTasks(vs.workspace()).master.tasks.find((task) => task.id === 1)!;
    assert.deepEqual([after.id, after.status, after.dependencies], [before.id, before.status, before.dependencies], 'id, status and dependencies stay');
    assert.deepEqual([after.title, after.description, after.details, after.testStrategy, after.priority], Object.values(scoped));
    assert.deepEqual(after.subtasks, [
      done,
      ...added.map((sub) => ({ id: 2, title: sub.title, description: sub.description, details: sub.details, status: 'pending', dependencies: [], testStrategy: sub.testStrategy })),
    ]);
    await waitForRows(page, 'task 1 under its new title', (rows) => rows.some((row) => row.startsWith(`1 ${scoped.title}, `)));
  });

  it('"Research…" asks the model with the chosen task, shows the answer in the Research view and saves it to a file', async () => {
    const page = vs.page();
    const title = String(readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === 2)?.title);
    const question = 'Which SQLite driver suits a small Node service?';
    const answer = 'Use better-sqlite3: synchronous, fast, and one file.\n\n- Prepared statements\n- WAL mode for concurrent reads';
    const chatsBefore = chatRequests().length;
    standIn().script({ content: answer, chunkSize: 8 });

    await runCommand(page, 'Taskmaster: Research…');
    const box = await waitForInputBox(page, 'Research with your Ollama model');
    await box.accept(question);
    await checkQuickPickItems(page, 'What goes along with the question? (none is fine)', title, [`2 ${title}`]);
    await pickQuickPickItem(page, { placeholder: 'How detailed should the answer be?', label: 'medium' });

    const shown = await markdownPreview(page, 'Untitled', `Research: ${question}`);
    assert.ok(shown.includes('Use better-sqlite3: synchronous, fast, and one file.'), `the Research view shows the answer:\n${shown}`);
    assert.ok(shown.includes(`Researched by ${MODEL} on Ollama`), `the Research view names the model:\n${shown}`);
    assert.ok(shown.includes('Context: tasks 2;'), `the Research view says task 2 went along:\n${shown}`);

    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 1, 'one request for the answer');
    assert.equal(chats[0].model, MODEL);
    const asked = lastUserMessage(chats[0]);
    assert.ok(asked.includes(question) && asked.includes(title), `the prompt holds the question and task 2:\n${asked}`);

    const answered = await waitForNotification((text) => text.startsWith(`Answered by ${MODEL} on Ollama`), 'the "Answered by" notification');
    await clickNotificationButton(page, answered, 'Save to File');
    const saved = await waitForNotification((text) => /^Saved the research to \.taskmaster\/docs\/research\/.+\.md\.$/.test(text), 'the "Saved the research" notification');
    const file = path.join(vs.workspace(), saved.replace(/^Saved the research to /, '').replace(/\.$/, ''));
    const content = fs.readFileSync(file, 'utf8');
    assert.ok(content.includes(question) && content.includes(answer), `the file holds the question and the answer:\n${content}`);
    assert.ok(content.includes(`${MODEL} on Ollama`), 'the file names the model');
  });

  it('"Add Task with AI…" adds the task the model wrote, and Show Task on its message opens it', async () => {
    const page = vs.page();
    const proposal = {
      title: 'Rate-limit the public recipe API',
      description: 'At most 60 requests a minute per client address.',
      details: 'A token bucket per address, kept in memory; 429 with Retry-After past the limit.',
      testStrategy: 'Send 61 requests in a minute and expect the last one refused.',
      // Not the default, so a priority dropped on the way would show.
      priority: 'high',
      dependencies: [1],
    };
    const idsBefore = readTasks(vs.workspace()).master.tasks.map((task) => Number(task.id));
    const chatsBefore = chatRequests().length;
    standIn().script({ content: JSON.stringify(proposal), chunkSize: 32 });

    await runCommand(page, 'Taskmaster: Add Task with AI…');
    const box = await waitForInputBox(page, 'Add a task with AI');
    await box.accept('Limit how often one client may call the recipe API');

    const id = Math.max(...idsBefore) + 1;
    const added = `Added task ${id} (${MODEL}).`;
    await waitForNotification(added);
    const chats = chatRequests().slice(chatsBefore);
    assert.equal(chats.length, 1, `one more /api/chat request, not ${chats.length}`);
    assert.deepEqual(chats[0].format, plain(NEW_TASK_SCHEMA), 'format is the new task schema');
    assert.ok(lastUserMessage(chats[0]).includes('Limit how often one client may call the recipe API'), 'the prompt carries what was typed');
    const task = readTasks(vs.workspace()).master.tasks.find((candidate) => Number(candidate.id) === id);
    assert.deepEqual(
      task && { title: task.title, description: task.description, details: task.details, testStrategy: task.testStrategy, priority: task.priority, dependencies: task.dependencies, status: task.status },
      { ...proposal, status: 'pending' },
    );

    await clickNotificationButton(page, added, 'Show Task', 20_000);
    await markdownPreview(page, `Task ${id}.md`, `${id} ${proposal.title}`);
    await waitForSelectedRow(page, `${id} ${proposal.title}`);
  });

  it('"Add Task with AI…" with Ollama stopped says it is not reachable and leaves tasks.json alone', async () => {
    const page = vs.page();
    const file = path.join(vs.workspace(), TASKS_FILE);
    const before = fs.readFileSync(file);
    const requestsBefore = standIn().requests.length;
    await standIn().stop();
    ollamaStopped = true;

    await runCommand(page, 'Taskmaster: Add Task with AI…');
    const box = await waitForInputBox(page, 'Add a task with AI');
    await box.accept('Rate-limit the public recipe API');

    const prefix = `Ollama is not reachable at ${standIn().url}`;
    const message = await waitForNotification((text) => text.startsWith(prefix), `an error notification "${prefix}…"`);
    assert.match(message, /Check that it is running and that the endpoint setting is right\.$/);
    // Shown as an error, not as information.
    const toast = page.locator('.notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: prefix }) }).first();
    await toast.locator('.notification-list-item-icon.codicon-error').waitFor({ state: 'attached', timeout: 5000 });
    assert.equal(standIn().requests.length, requestsBefore, 'nothing reached the stopped stand-in');
    assert.ok(fs.readFileSync(file).equals(before), 'tasks.json is byte-identical');
  });
});

/** A folder with a freshly initialized, empty plan (as "Initialize Taskmaster" writes it) and a prd.md. */
function emptyPlanWorkspace(scratch: string): string {
  const workspace = fs.mkdtempSync(path.join(scratch, 'workspace-'));
  const stamp = '2025-11-20T21:30:02.117Z';
  fs.mkdirSync(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  const plan = { master: { tasks: [], metadata: { created: stamp, updated: stamp, description: 'Tasks for master context' } } };
  fs.writeFileSync(path.join(workspace, TASKS_FILE), JSON.stringify(plan, null, 2));
  const state = { currentTag: 'master', lastSwitched: stamp, branchTagMapping: {}, migrationNoticeShown: true };
  fs.writeFileSync(path.join(workspace, '.taskmaster', 'state.json'), JSON.stringify(state, null, 2));
  fs.writeFileSync(path.join(workspace, 'prd.md'), PRD);
  return workspace;
}


/** What `tml next --json` answers for the workspace: the task's id, or undefined when none is ready. */
function cliNext(workspace: string): string | undefined {
  const next = tml(workspace, 'next') as RawTask | null;
  return next ? String(next.id) : undefined;
}

/** A task's tree row as its aria-label reads: "<id> <title>, [▶ next · ]<status>[ · <priority>]" (subtasks show no priority). */
/** A tree row as the tree writes it; every task here is pending, so each dependency still blocks it. */
function rowLabel(task: Pick<RawTask, 'id' | 'title' | 'status' | 'priority' | 'dependencies'>, nextId: string | undefined): string {
  const isSubtask = String(task.id).includes('.');
  const parent = String(task.id).split('.')[0];
  // In a subtask a plain number names a sibling.
  const blockedBy = (task.dependencies ?? []).map((dependency) => (isSubtask && typeof dependency === 'number' ? `${parent}.${dependency}` : String(dependency)));
  const parts = [
    ...(String(task.id) === nextId ? ['▶ next'] : []),
    task.status,
    ...(isSubtask ? [] : [task.priority ?? 'medium']),
    ...(task.status === 'pending' && blockedBy.length ? [`blocked by ${blockedBy.join(', ')}`] : []),
  ];
  return `${task.id} ${task.title}, ${parts.join(' · ')}`;
}

function lastUserMessage(request: ChatRequestSeen): string {
  return request.messages?.filter((message) => message.role === 'user').at(-1)?.content ?? '';
}

/** A schema as it travels in a request body (JSON: no readonly tuples). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
