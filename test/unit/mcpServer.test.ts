import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli } from '../../src/cli/main';
import { resolveCallScope, servedInputSchema } from '../../src/mcp/bridgeArguments';
import { PLAN_TOOLS, selectPlanTools } from '../../src/planTools';
import { gitRepository } from '../support/gitRepository';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { makeProject, task, tagged, taskMasterText, tempDir } from '../support/planBuilder';

const repoRoot = path.join(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

const plan = () =>
  tagged({
    master: [task({ id: 1, status: 'done' }), task({ id: 2, title: 'Build the API', priority: 'high', dependencies: [1] }), task({ id: 3, dependencies: [2] })],
  });

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe('Task Master\'s path arguments on every MCP tool', () => {
  it('lists file and complexityReport on every tool, as Task Master\'s own tools take them', () => {
    for (const tool of PLAN_TOOLS) {
      assert.deepEqual(Object.keys(servedInputSchema(tool).properties!).slice(-3), ['projectRoot', 'file', 'complexityReport'], tool.name);
    }
  });

  it('takes them off every call: file as the tasks.json (a .json file), complexityReport checked and ignored', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const outside = await tempDir();
    const scope = await resolveCallScope(root, { status: 'pending', file: '.taskmaster/tasks/tasks.json', complexityReport: 'reports/mine.json', projectRoot: root });
    assert.deepEqual(scope, { projectRoot: await fs.realpath(root), tasksFile: await fs.realpath(tasksFile), toolInput: { status: 'pending' } });
    await assert.rejects(resolveCallScope(root, { file: 'README.md' }), /^ToolInputError: `file` "README\.md" is not a \.json file/);
    await assert.rejects(resolveCallScope(root, { file: '.taskmaster/tasks' }), /is not a \.json file/);
    await assert.rejects(resolveCallScope(root, { complexityReport: path.join(outside, 'report.json') }), /`complexityReport` ".*" is outside/);
    await assert.rejects(resolveCallScope(root, { complexityReport: 7 }), /`complexityReport` must be a path string/);
  });
});

const CORE = ['get_tasks', 'get_task', 'next_task', 'set_task_status', 'update_subtask', 'expand_task', 'parse_prd'];
const STANDARD = [
  'get_tasks', 'get_task', 'next_task', 'complexity_report', 'set_task_status', 'add_task', 'add_subtask', 'update_subtask',
  'remove_task', 'expand_task', 'expand_all', 'parse_prd', 'analyze_project_complexity', 'initialize_project',
];
const names = (value: string | undefined) => selectPlanTools(value, PLAN_TOOLS).tools.map((tool) => tool.name);

describe('TASK_MASTER_TOOLS: which tools are served, by Task Master\'s rules', () => {
  it('serves core (also called lean) when unset or blank, as Task Master does', () => {
    for (const value of [undefined, '', '  ', 'core', 'lean', 'CORE', ' Lean ']) {
      assert.deepEqual(selectPlanTools(value, PLAN_TOOLS), { tools: PLAN_TOOLS.filter((tool) => CORE.includes(tool.name)), warnings: [] }, String(value));
    }
  });

  it('serves standard (core and the planning tools) and all', () => {
    assert.deepEqual(names('standard'), STANDARD);
    assert.deepEqual(names('Standard'), STANDARD);
    assert.deepEqual(names('all'), PLAN_TOOLS.map((tool) => tool.name));
  });

  it('reads any other value as tool names: any case, _ and - alike, unknown names warned', () => {
    const selection = selectPlanTools('Get_Tasks, response_language,add-dependency,bogus,rules,Move-Task', PLAN_TOOLS);
    assert.deepEqual(selection.tools.map((tool) => tool.name), ['get_tasks', 'move_task', 'add_dependency', 'response-language']);
    assert.deepEqual(selection.warnings, ['Unknown tool "bogus".', '"rules" is a Task Master tool that tml does not serve.']);
  });

  it('serves every tool, with a warning, when a list selects none', () => {
    const selection = selectPlanTools('bogus, ,', PLAN_TOOLS);
    assert.equal(selection.tools.length, PLAN_TOOLS.length);
    assert.deepEqual(selection.warnings, ['Unknown tool "bogus".', 'No tool selected: serving all tools.']);
  });
});

describe('tml mcp: the bundled dist/cli.js served to the MCP SDK client', function () {
  this.timeout(30_000);
  const clients: Client[] = [];
  /** Every tool a test of this suite called through the SDK client: each must be called at least once. */
  const called = new Set<string>();

  // Users run the bundle, so that is what is tested; building it takes a second or two.
  before(async () => {
    await promisify(execFile)(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(function () {
    // Only when the whole suite ran (not under --grep): the list is the server's own.
    if (this.test?.parent?.tests.every((test) => test.state !== undefined)) {
      assert.deepEqual(PLAN_TOOLS.map((tool) => tool.name).filter((name) => !called.has(name)), [], 'tools no test called');
    }
  });

  /** `tools` is TASK_MASTER_TOOLS; null leaves it unset. */
  async function connect(workspace: string, flags: string[] = [], tools: string | null = 'all') {
    const env = tools === null ? undefined : { TASK_MASTER_TOOLS: tools };
    const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--project', workspace, ...flags], env, stderr: 'pipe' });
    const stderr: string[] = [];
    transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
    const client = new Client({ name: 'mcp-server-test', version: '1.0.0' });
    // Anything on stdout that is not a protocol message shows up here.
    const protocolErrors: Error[] = [];
    client.onerror = (error) => protocolErrors.push(error);
    await client.connect(transport);
    clients.push(client);
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      called.add(name);
      return (await client.callTool({ name, arguments: args })) as ToolResult;
    };
    return { client, stderr, protocolErrors, call };
  }

  const json = (result: ToolResult) => {
    assert.ok(!result.isError, result.content[0]?.text);
    return JSON.parse(result.content[0].text);
  };
  const errorText = (result: ToolResult) => {
    assert.equal(result.isError, true, `expected an error result: ${result.content[0]?.text}`);
    return result.content[0].text;
  };

  it('is in the usage text', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--help']);
    assert.match(stdout, /\n {2}mcp {3,}serve the plan tools/);
  });

  it('lists the tools TASK_MASTER_TOOLS chooses, core by default, with their schemas and path arguments', async () => {
    const { root } = await makeProject(plan());
    const listed = async (tools?: string) => {
      const { client, stderr } = await connect(root, [], tools ?? null);
      return { names: (await client.listTools()).tools.map((tool) => tool.name), stderr: stderr.join('') };
    };
    const unset = await listed(undefined);
    assert.deepEqual(unset.names, CORE);
    assert.match(unset.stderr, /serving 7 plan tools/);
    assert.deepEqual((await listed('standard')).names, STANDARD);
    const custom = await listed('Get_Tasks,response_language,bogus');
    assert.deepEqual(custom.names, ['get_tasks', 'response-language']);
    assert.match(custom.stderr, /TASK_MASTER_TOOLS: Unknown tool "bogus"\./);
    const { client } = await connect(root);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name), PLAN_TOOLS.map((tool) => tool.name));
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const setStatus = byName.get('set_task_status')!;
    assert.deepEqual(setStatus.inputSchema.required, ['id', 'status']);
    assert.deepEqual(Object.keys(setStatus.inputSchema.properties!), ['id', 'status', 'tag', 'projectRoot', 'file', 'complexityReport']);
    // Task Master's argument names, as its own server lists them.
    const argumentsOf = (name: string) => Object.keys(byName.get(name)!.inputSchema.properties!);
    assert.deepEqual(argumentsOf('add_dependency').slice(0, 2), ['id', 'dependsOn']);
    assert.deepEqual(argumentsOf('rename_tag').slice(0, 2), ['oldName', 'newName']);
    assert.deepEqual(argumentsOf('copy_tag').slice(0, 3), ['sourceName', 'targetName', 'description']);
    assert.deepEqual(argumentsOf('add_tag').slice(0, 5), ['name', 'copyFromCurrent', 'copyFromTag', 'fromBranch', 'description']);
    assert.deepEqual(argumentsOf('models').slice(0, 4), ['setMain', 'setResearch', 'setFallback', 'listAvailableModels']);
    assert.deepEqual(byName.get('update')!.inputSchema.required, ['from', 'prompt']);
    for (const tool of tools) assert.ok(tool.inputSchema.properties!.file && tool.inputSchema.properties!.complexityReport, `${tool.name} takes Task Master's file and complexityReport`);
    assert.equal(byName.get('get_tasks')!.annotations?.readOnlyHint, true);
    assert.equal(setStatus.annotations?.readOnlyHint, false);
  });

  it('next_task and set_task_status work on tasks.json on disk, with Task Master\'s projectRoot', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const { call, protocolErrors } = await connect(root);
    const next = json(await call('next_task', { projectRoot: root }));
    assert.equal(next.task.id, '2');
    assert.match(next.reason, /its dependencies \(1\) are done/);
    const set = json(await call('set_task_status', { projectRoot: root, id: '2', status: 'done' }));
    assert.deepEqual(set.tasks, [{ id: '2', previousStatus: 'pending' }]);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.equal(saved.master.tasks[1].status, 'done');
    assert.equal(json(await call('next_task')).task.id, '3');
    assert.deepEqual(protocolErrors, []);
  });

  it('serves a project in a subfolder of the workspace, and a tasks file named by `file`', async () => {
    const workspace = await tempDir();
    const app = path.join(workspace, 'app');
    await fs.mkdir(path.join(app, '.taskmaster', 'tasks'), { recursive: true });
    await fs.writeFile(path.join(app, '.taskmaster', 'tasks', 'tasks.json'), taskMasterText(plan()));
    await fs.writeFile(path.join(app, 'other.json'), taskMasterText(tagged({ master: [task({ id: 7, title: 'Elsewhere' })] })));
    const { call } = await connect(workspace);
    assert.equal(json(await call('next_task', { projectRoot: 'app' })).task.id, '2');
    assert.equal(json(await call('next_task', { projectRoot: app, file: 'other.json' })).task.title, 'Elsewhere');
    assert.match(errorText(await call('next_task')), /No plan at .*tasks\.json/);
  });

  it('refuses projectRoot and file outside the workspace: .., absolute paths elsewhere, symlinks out', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const outside = await makeProject(plan());
    await fs.symlink(outside.root, path.join(root, 'link-out'));
    const before = await fs.readFile(outside.tasksFile, 'utf8');
    const { call } = await connect(root);
    for (const projectRoot of ['..', outside.root, 'link-out', `file://${outside.root}`]) {
      const message = errorText(await call('set_task_status', { projectRoot, id: '2', status: 'done' }));
      assert.match(message, /^`projectRoot` ".*" is outside .*; only paths inside that folder are allowed\.$/, projectRoot);
    }
    for (const file of [outside.tasksFile, path.relative(root, outside.tasksFile), 'link-out/.taskmaster/tasks/tasks.json']) {
      assert.match(errorText(await call('add_subtask', { file, id: '2', title: 'Sneaky' })), /^`file` ".*" is outside/, file);
    }
    assert.match(errorText(await call('get_tasks', { complexityReport: outside.tasksFile })), /^`complexityReport` ".*" is outside/);
    assert.equal(await fs.readFile(outside.tasksFile, 'utf8'), before);
    assert.equal(json(await call('get_tasks', { file: tasksFile, complexityReport: '.taskmaster/reports/task-complexity-report.json' })).total, 3);
    assert.match(errorText(await call('set_task_status', { file: 'package.json5', id: '2', status: 'done' })), /^`file` "package\.json5" is not a \.json file/);
  });

  it('answers wrong arguments, unknown ids and unknown tools with a readable isError result', async () => {
    const { root } = await makeProject(plan());
    const { call } = await connect(root);
    assert.match(errorText(await call('set_task_status', { id: '2', status: 'finished' })), /`status` must be one of pending, in-progress, review, done, deferred, cancelled, blocked \(got "finished"\)/);
    assert.match(errorText(await call('get_task', { id: '9' })), /No task 9 in tag "master"\. Closest ids: 3, 2, 1\./);
    assert.match(errorText(await call('get_tasks', { projectRoot: 42 })), /`projectRoot` must be a path string/);
    assert.match(errorText(await call('remove_tasks', { id: '1' })), /^No tool "remove_tasks"\. Tools: get_tasks, get_task/);
    assert.match(errorText(await call('rules', { action: 'add' })), /^Task Master's "rules" is not served by Taskmaster Local\. Tools: get_tasks/);
    assert.equal(json(await call('get_tasks')).total, 3, 'the server still answers after errors');
    const core = await connect(root, [], 'core');
    assert.match(errorText(await core.call('add_task', { title: 'T' })), /^Tool "add_task" is not enabled on this server\. Tools: get_tasks, .*TASK_MASTER_TOOLS=all/);
  });

  it('answers a tasks.json that is not UTF-8 with an isError naming where, and writes nothing', async () => {
    const { root, tasksFile } = await makeProject(plan());
    // A Latin-1 "é" (the byte 0xE9 alone) in the first title.
    const latin1 = Buffer.from(taskMasterText(plan()).replace('Task 1', 'Caf\u00e9'), 'latin1');
    await fs.writeFile(tasksFile, latin1);
    const { call } = await connect(root);
    assert.match(errorText(await call('set_task_status', { id: '2', status: 'done' })), /:6:\d+: The file is not UTF-8: byte 0xE9 at byte \d+/);
    assert.deepEqual(await fs.readFile(tasksFile), latin1);
  });

  it('edits dependencies: add_dependency, remove_dependency, fix_dependencies', async () => {
    const broken = tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1, 9] }), task({ id: 3, dependencies: [3] })] });
    const { root, tasksFile } = await makeProject(broken);
    const { call } = await connect(root);
    assert.deepEqual(json(await call('add_dependency', { id: '3', dependsOn: '2' })).dependencies, ['3', '2']);
    assert.match(errorText(await call('add_dependency', { id: '1', dependsOn: '3' })), /would make a cycle/);
    assert.deepEqual(json(await call('remove_dependency', { id: '2', dependsOn: '1' })), { tag: 'master', id: '2', removed: true, dependencies: ['9'] });
    assert.equal(json(await call('remove_dependency', { id: '2', dependsOn: '1' })).removed, false);
    const fixed = json(await call('fix_dependencies', { projectRoot: root }));
    assert.deepEqual(fixed.removed, [
      { taskId: '2', dependency: '9', reason: 'missing' },
      { taskId: '3', dependency: '3', reason: 'self' },
    ]);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks;
    assert.deepEqual(saved.map((entry: { dependencies: unknown[] }) => entry.dependencies), [[], [], [2]]);
  });

  describe('restructuring tools change tasks.json as the tml command with the same arguments does', () => {
    const structure = taskMasterText(
      tagged({
        master: [
          task({ id: 1 }),
          task({ id: 2, dependencies: [1] }),
          task({ id: 3, dependencies: [1], priority: 'high', subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }, { id: 3 }] }),
          task({ id: 4, dependencies: [3, '3.2'] }),
          task({ id: 5, title: 'Loose end' }),
        ],
        other: [task({ id: 1, title: 'Elsewhere' })],
      }),
    );
    /** The same plan in two projects of one workspace: one for the MCP server, one for the CLI. */
    let workspace: string;
    let pairs = 0;
    let server: Awaited<ReturnType<typeof connect>>;
    beforeEach(async () => {
      workspace = await tempDir();
      server = await connect(workspace);
    });
    const withoutTimes = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');

    /** Runs the tool on one copy and `tml <argv>` on the other; both files must end the same, and changed. */
    async function sameAsCli(tool: string, args: Record<string, unknown>, argv: string[]) {
      const pair = path.join(workspace, `pair-${++pairs}`);
      const [mcp, cliProject] = [path.join(pair, 'mcp'), path.join(pair, 'cli')];
      for (const root of [mcp, cliProject]) {
        await fs.mkdir(path.join(root, '.taskmaster', 'tasks'), { recursive: true });
        await fs.writeFile(path.join(root, '.taskmaster', 'tasks', 'tasks.json'), structure);
      }
      const result = json(await server.call(tool, { projectRoot: path.relative(workspace, mcp), ...args }));
      const errors: string[] = [];
      assert.equal(await runCli([...argv, '--project', cliProject], () => undefined, (line) => errors.push(line)), 0, errors.join('\n'));
      const [ours, theirs] = await Promise.all([mcp, cliProject].map((root) => fs.readFile(path.join(root, '.taskmaster', 'tasks', 'tasks.json'), 'utf8')));
      assert.notEqual(ours, structure, `${tool} changed nothing`);
      assert.equal(withoutTimes(ours), withoutTimes(theirs), `${tool} ${JSON.stringify(args)} vs tml ${argv.join(' ')}`);
      return { result, saved: JSON.parse(ours), mcp, cliProject };
    }

    it('remove_task: comma lists (a task with its own subtask removed once), in a named tag', async () => {
      const removed = await sameAsCli('remove_task', { id: '3,3.2', confirm: true }, ['remove-task', '--id', '3,3.2', '-y']);
      assert.deepEqual(removed.result, { tag: 'master', removed: [{ id: '3', title: 'Task 3', subtasks: 3 }, { id: '3.2', title: 'Subtask 2', subtasks: 0 }] });
      assert.deepEqual(removed.saved.master.tasks.map((entry: { id: number }) => entry.id), [1, 2, 4, 5]);
      await sameAsCli('remove_task', { id: '1', tag: 'other' }, ['remove-task', '--id', '1', '--tag', 'other', '-y']);
      await sameAsCli('remove_task', { id: '2, 3.1', file: '.taskmaster/tasks/tasks.json' }, ['remove-task', '--id', '2,3.1', '-y']);
      assert.match(errorText(await server.call('remove_task', { projectRoot: path.relative(workspace, removed.mcp), id: '1,9' })), /No task 9 in tag "master"/);
      assert.deepEqual(JSON.parse(await fs.readFile(path.join(removed.mcp, '.taskmaster', 'tasks', 'tasks.json'), 'utf8')), removed.saved, 'an unknown id removes nothing');
    });

    it('remove_subtask and clear_subtasks', async () => {
      const converted = await sameAsCli('remove_subtask', { id: '3.2', convert: true, skipGenerate: true }, ['remove-subtask', '--id', '3.2', '--convert']);
      assert.deepEqual([converted.result.removed, converted.result.task.id, converted.result.task.dependencies], ['3.2', '6', ['3.1', '3']]);
      assert.deepEqual((await sameAsCli('remove_subtask', { id: '3.1' }, ['remove-subtask', '--id', '3.1'])).result, { tag: 'master', removed: '3.1' });
      assert.match(errorText(await server.call('remove_subtask', { projectRoot: path.relative(workspace, converted.mcp), id: '3' })), /takes a subtask id as <parent>\.<subtask>/);
      const cleared = await sameAsCli('clear_subtasks', { id: '3,9' }, ['clear-subtasks', '--id', '3,9']);
      assert.deepEqual(cleared.result, { tag: 'master', cleared: [{ id: '3', subtasks: 3 }], missing: ['9'] });
      assert.deepEqual(cleared.saved.master.tasks[3].dependencies, [3], "4's dependency on 3.2 went with it");
      await sameAsCli('clear_subtasks', { all: true }, ['clear-subtasks', '--all']);
      assert.match(errorText(await server.call('clear_subtasks', { projectRoot: path.relative(workspace, converted.mcp) })), /Name the tasks in `id`.*or set `all: true`/);
    });

    it('move_task within a tag and to another tag, as `tml move` reads from, to, fromTag and toTag', async () => {
      const within = await sameAsCli('move_task', { from: '1,3.1', to: '9,5.1' }, ['move', '--from', '1,3.1', '--to', '9,5.1']);
      assert.deepEqual(within.result, { tag: 'master', moved: [{ from: '1', to: '9' }, { from: '3.1', to: '5.1' }] });
      const across = await sameAsCli('move_task', { from: '4', toTag: 'next', withDependencies: true }, ['move', '--from', '4', '--to-tag', 'next', '--with-dependencies']);
      assert.deepEqual(across.result, { fromTag: 'master', toTag: 'next', moved: ['1', '3', '4'] });
      await sameAsCli('move_task', { from: '2', fromTag: 'master', toTag: 'other', tag: 'other', ignoreDependencies: true }, ['move', '--from', '2', '--from-tag', 'master', '--to-tag', 'other', '--ignore-dependencies']);
      const project = path.relative(workspace, within.mcp);
      assert.match(errorText(await server.call('move_task', { projectRoot: project, from: '4', toTag: 'next' })), /4 depends on 3, 4 depends on 3\.2, which stays in "master"\. Add --with-dependencies/);
      assert.match(errorText(await server.call('move_task', { projectRoot: project, from: '4' })), /Name where each id goes \(--to\)/);
    });

    it('add_subtask with taskId makes an existing task the subtask', async () => {
      const made = await sameAsCli('add_subtask', { id: '3', taskId: '5' }, ['add-subtask', '--parent', '3', '--task-id', '5']);
      assert.deepEqual([made.result.from, made.result.task.id, made.result.task.title], ['5', '3.4', 'Loose end']);
      assert.match(errorText(await server.call('add_subtask', { projectRoot: path.relative(workspace, made.mcp), id: '3' })), /`title` is required to add a new subtask; or give `taskId`/);
    });

    it('generate writes the task files `tml generate` writes, inside the project only', async () => {
      const project = path.join(workspace, 'generated');
      for (const side of ['mcp', 'cli']) {
        await fs.mkdir(path.join(project, side, '.taskmaster', 'tasks'), { recursive: true });
        await fs.writeFile(path.join(project, side, '.taskmaster', 'tasks', 'tasks.json'), structure);
      }
      const result = json(await server.call('generate', { projectRoot: 'generated/mcp', output: 'docs/tasks', tag: 'master' }));
      assert.deepEqual(result, { tag: 'master', count: 5, directory: path.join('docs', 'tasks'), orphanedFilesRemoved: 0 });
      assert.equal(await runCli(['generate', '--output', 'docs/tasks', '--project', path.join(project, 'cli')], () => undefined, () => undefined), 0);
      const files = async (side: string) => {
        const folder = path.join(project, side, 'docs', 'tasks');
        const names = (await fs.readdir(folder)).sort();
        return Promise.all(names.map(async (name) => [name, await fs.readFile(path.join(folder, name), 'utf8')]));
      };
      assert.deepEqual(await files('mcp'), await files('cli'));
      assert.equal((await files('mcp')).length, 5);
      assert.equal(json(await server.call('generate', { projectRoot: 'generated/mcp' })).directory, path.join('.taskmaster', 'tasks'));
      assert.match(errorText(await server.call('generate', { projectRoot: 'generated/mcp', output: '../cli/out' })), /^`output` "\.\.\/cli\/out" is outside/);
    });
  });

  it('manages tags: list_tags, add_tag, use_tag, copy_tag, rename_tag, delete_tag', async () => {
    const repo = await gitRepository();
    await repo.commit('start', { '.taskmaster/tasks/tasks.json': taskMasterText(plan()) });
    await repo.git.checkoutLocalBranch('feature/login');
    const tasksFile = path.join(repo.root, '.taskmaster', 'tasks', 'tasks.json');
    const { call } = await connect(repo.root);
    assert.deepEqual(json(await call('add_tag', { name: 'ideas', description: 'Later' })), { name: 'ideas', copiedFrom: null, tasks: 0 });
    assert.deepEqual(json(await call('add_tag', { fromBranch: true, copyFromCurrent: true })), { name: 'feature-login', copiedFrom: 'master', tasks: 3 });
    assert.match(errorText(await call('add_tag', { name: 'ideas' })), /Tag "ideas" already exists/);
    assert.deepEqual(json(await call('use_tag', { name: 'feature-login' })), { currentTag: 'feature-login', tasks: 3, done: 1 });
    assert.equal(json(await call('get_tasks')).tag, 'feature-login', 'tools without a tag work in the current one');
    assert.deepEqual(json(await call('copy_tag', { sourceName: 'master', targetName: 'spare' })), { source: 'master', target: 'spare', tasks: 3 });
    assert.equal(json(await call('rename_tag', { oldName: 'feature-login', newName: 'login' })).currentTag, 'login');
    assert.match(errorText(await call('rename_tag', { oldName: 'master', newName: 'main' })), /"master" tag cannot be renamed/);
    const listed = json(await call('list_tags', { showMetadata: true }));
    assert.deepEqual(listed.tags.map((tag: { name: string; current: boolean }) => [tag.name, tag.current]), [['master', false], ['ideas', false], ['spare', false], ['login', true]]);
    assert.equal(listed.tags[1].metadata.description, 'Later');
    assert.match(errorText(await call('delete_tag', { name: 'login', yes: false })), /`yes` is false: tag "login" and its 3 tasks were kept/);
    const deleted = json(await call('delete_tag', { name: 'login' }));
    assert.deepEqual([deleted.deleted, deleted.tasks, deleted.currentTag], ['login', 3, 'master']);
    assert.match(deleted.backup, /^\.taskmaster[\\/]backups[\\/]tasks-login-/);
    assert.deepEqual(Object.keys(JSON.parse(await fs.readFile(tasksFile, 'utf8'))), ['master', 'ideas', 'spare']);
    assert.equal(JSON.parse(await fs.readFile(path.join(repo.root, '.taskmaster', 'state.json'), 'utf8')).currentTag, 'master');
  });

  it('initialize_project lays out .taskmaster/ without replacing what is there; models and response-language edit its config.json', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }, { name: 'qwen2.5-coder:7b' }] });
    try {
      const { root, tasksFile } = await makeProject(plan());
      const before = await fs.readFile(tasksFile, 'utf8');
      const { call } = await connect(root, ['--endpoint', ollama.url]);
      assert.match(errorText(await call('models')), /No .*config\.json: run initialize_project/);
      const created = json(await call('initialize_project', { projectRoot: root, yes: true, skipInstall: true })).created;
      assert.ok(created.includes(path.join('.taskmaster', 'config.json')) && !created.some((file: string) => file.endsWith('tasks.json')), created.join());
      assert.equal(await fs.readFile(tasksFile, 'utf8'), before);
      assert.deepEqual(json(await call('initialize_project')).created, [], 'a second run creates nothing');
      const fresh = json(await call('initialize_project', { projectRoot: 'web' }));
      assert.ok(fresh.created.includes(path.join('.taskmaster', 'tasks', 'tasks.json')), fresh.created.join());
      assert.deepEqual(json(await call('get_tasks', { projectRoot: 'web' })).total, 0);

      const listed = json(await call('models', { listAvailableModels: true }));
      assert.deepEqual([listed.main.modelId, listed.fallback.modelId], ['qwen2.5-coder:7b', 'llama3.1:8b']);
      assert.deepEqual(listed.available.map((model: { name: string }) => model.name), ['llama3.2:3b', 'qwen2.5-coder:7b']);
      ollama.script({ content: JSON.stringify({ title: 'Build the API', description: 'REST', details: 'Express', testStrategy: 'Tests' }) });
      json(await call('update_task', { id: '2', prompt: 'use Express' }));
      const set = json(await call('models', { setMain: 'llama3.2:3b', setFallback: 'mistral:7b', ollama: true }));
      assert.equal(set.main.modelId, 'llama3.2:3b');
      assert.deepEqual(set.warnings, [`The fallback model mistral:7b is not installed on any reachable Ollama host (${ollama.url}): run "ollama pull mistral:7b" before using it.`]);
      const config = JSON.parse(await fs.readFile(path.join(root, '.taskmaster', 'config.json'), 'utf8'));
      assert.deepEqual(config.models.main, { provider: 'ollama', modelId: 'llama3.2:3b', maxTokens: 8192, temperature: 0.2 });
      // The server's next AI call reads the changed config.json.
      ollama.script({ content: JSON.stringify({ title: 'Build the API', description: 'GraphQL', details: 'Apollo', testStrategy: 'Tests' }) });
      json(await call('update_task', { id: '2', prompt: 'use GraphQL' }));
      assert.deepEqual(ollama.requests.map((request) => request.model), ['qwen2.5-coder:7b', 'llama3.2:3b']);

      assert.deepEqual(json(await call('response-language')), { responseLanguage: 'English' });
      assert.deepEqual(json(await call('response-language', { language: 'Deutsch' })), { responseLanguage: 'Deutsch' });
      assert.equal(JSON.parse(await fs.readFile(path.join(root, '.taskmaster', 'config.json'), 'utf8')).global.responseLanguage, 'Deutsch');
      // Every model request asks in the project's language: English as initialized, then Deutsch.
      ollama.script({ content: JSON.stringify({ title: 'Die API bauen', description: 'GraphQL', details: 'Apollo', testStrategy: 'Tests' }) });
      json(await call('update_task', { id: '2', prompt: 'auf Deutsch' }));
      const languages = ollama.requests.map((request) => /Always respond in (\w+)\.$/.exec(request.messages!.find((message) => message.role === 'system')!.content)?.[1]);
      assert.deepEqual(languages, ['English', 'English', 'Deutsch']);
    } finally {
      await ollama.stop();
    }
  });

  it('research answers with a file and tasks as context on Ollama, saves to a task and a file, and refuses a path outside', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'qwen2.5-coder:7b' }] });
    try {
      const { root, tasksFile } = await makeProject(plan());
      await fs.writeFile(path.join(root, 'api.ts'), 'export const routes = ["/users"];\n');
      const { call } = await connect(root, ['--endpoint', ollama.url]);
      ollama.script({ content: 'Add pagination to /users.' });
      const answer = json(
        await call('research', { projectRoot: root, query: 'What should the API add next?', taskIds: '2', filePaths: 'api.ts', detailLevel: 'low', saveTo: '2', saveToFile: true }),
      );
      assert.equal(answer.result, 'Add pagination to /users.');
      assert.equal(answer.answeredBy, `qwen2.5-coder:7b on Ollama at ${ollama.url}`);
      assert.deepEqual([answer.tasks, answer.files, answer.savedTo], [['2'], ['api.ts'], '2']);
      assert.match(answer.savedFilePath, /^\.taskmaster\/docs\/research\/\d{4}-\d\d-\d\d_what-should-the-api-add-next\.md$/);
      assert.match(await fs.readFile(path.join(root, answer.savedFilePath), 'utf8'), /\*\*Response:\*\*\n\nAdd pagination to \/users\./);
      const sent = ollama.requests[0].messages!.at(-1)!.content;
      assert.match(sent, /### 2: Build the API[\s\S]*## File api\.ts\n```\nexport const routes/);
      assert.match(JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks[1].details, /<info added on [^>]+>\n## Research Query: What should the API add next\?[\s\S]*Add pagination to \/users\./);
      assert.match(errorText(await call('research', { query: 'Read it', filePaths: '../secret.txt' })), /"\.\.\/secret\.txt" is outside/);
      assert.equal(ollama.requests.length, 1);
    } finally {
      await ollama.stop();
    }
  });

  it('refuses a config.json it cannot parse, and leaves it as it is', async () => {
    const { root } = await makeProject(plan());
    const file = path.join(root, '.taskmaster', 'config.json');
    await fs.writeFile(file, '{ "models": ');
    const { call } = await connect(root);
    assert.match(errorText(await call('models', { setMain: 'llama3.2:3b' })), /config\.json is not valid JSON .*it was left as it is/);
    assert.match(errorText(await call('response-language', { language: 'Deutsch' })), /is not valid JSON/);
    assert.equal(await fs.readFile(file, 'utf8'), '{ "models": ');
  });

  it('runs update_task, update, expand_all and complexity_report on the Ollama stand-in', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }] });
    try {
      const { root, tasksFile } = await makeProject(plan());
      const { call } = await connect(root, ['--endpoint', ollama.url, '--model', 'llama3.2:3b']);
      const rewrite = (title: string) => ({ content: JSON.stringify({ title, description: 'D', details: 'X', testStrategy: 'T' }) });
      const saved = async () => JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks;

      ollama.script(rewrite('Build the GraphQL API'));
      assert.equal(json(await call('update_task', { id: '2', prompt: 'GraphQL', research: false })).task.title, 'Build the GraphQL API');
      const appended = json(await call('update_task', { id: '2', prompt: 'Schema first.', append: true }));
      assert.match(appended.task.details, /<info added on .*>\nSchema first\.\n<\/info added on/);

      ollama.script(rewrite('API v2'), rewrite('Docs v2'));
      const updated = json(await call('update', { from: '2', prompt: 'version 2' }));
      assert.deepEqual(updated.tasks.map((row: { title: string }) => row.title), ['API v2', 'Docs v2']);
      assert.match(errorText(await call('update', { from: '2.1', prompt: 'x' })), /`from` must match pattern/);

      const subtasks = (title: string) => ({ content: JSON.stringify({ subtasks: [{ id: 1, title, description: '', details: '', dependencies: [] }] }) });
      ollama.script(subtasks('Schema'), subtasks('Outline'));
      const expanded = json(await call('expand_all', { num: 1, prompt: 'one step each' }));
      assert.deepEqual([expanded.expanded, expanded.failed], [['2', '3'], []]);
      assert.deepEqual((await saved()).map((entry: { subtasks: Array<{ title: string }> }) => entry.subtasks.map((sub) => sub.title)), [[], ['Schema'], ['Outline']]);
      assert.match(JSON.stringify(ollama.requests.at(-1)!.messages), /one step each/, 'the prompt reaches the model');

      assert.match(errorText(await call('complexity_report')), /No complexity report at \.taskmaster[\\/]reports[\\/]task-complexity-report\.json: run analyze_project_complexity/);
      ollama.script({ content: JSON.stringify({ analyses: [2, 3].map((taskId) => ({ taskId, complexityScore: taskId * 3, recommendedSubtasks: taskId, expansionPrompt: 'p', reasoning: 'r' })) }) });
      json(await call('analyze_project_complexity'));
      const report = json(await call('complexity_report', { limit: 1 }));
      assert.deepEqual([report.total, report.nextOffset, report.tasks[0].taskId, report.tasks[0].complexityScore], [2, 1, 3, 9]);
      const named = json(await call('complexity_report', { file: '.taskmaster/reports/task-complexity-report.json', offset: 1 }));
      assert.deepEqual([named.report, named.tasks.map((entry: { taskId: number }) => entry.taskId)], [path.join('.taskmaster', 'reports', 'task-complexity-report.json'), [2]]);
    } finally {
      await ollama.stop();
    }
  });

  it('runs update_subtask, validate_dependencies, scope_up_task, scope_down_task and parse_prd', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }] });
    try {
      const subtasks = [{ id: 1, status: 'done' }, { id: 2 }];
      const { root, tasksFile } = await makeProject(tagged({ master: [task({ id: 1, status: 'done' }), task({ id: 2, title: 'Build the API', dependencies: [1, 9], subtasks })] }));
      const { call } = await connect(root, ['--endpoint', ollama.url, '--model', 'llama3.2:3b']);
      const saved = async () => JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks;

      json(await call('update_subtask', { id: '2.2', prompt: 'Routes are versioned.' }));
      assert.match((await saved())[1].subtasks[1].details, /<info added on .*>\nRoutes are versioned\.\n<\/info added on/);

      const validation = json(await call('validate_dependencies'));
      assert.equal(validation.ok, false);
      assert.ok(validation.problems.some((problem: { taskId?: string; message: string }) => problem.taskId === '2' && /9/.test(problem.message)), JSON.stringify(validation.problems));

      const rewrite = (title: string) => ({ content: JSON.stringify({ title, description: 'D', details: 'X', testStrategy: 'T', priority: 'high' }) });
      const newSubtasks = (title: string) => ({ content: JSON.stringify({ subtasks: [{ id: 1, title, description: 'd', details: 'x', testStrategy: 't', dependencies: [] }] }) });
      ollama.script(rewrite('Build the hardened API'), newSubtasks('Harden'));
      json(await call('scope_up_task', { id: '2', strength: 'light' }));
      let api = (await saved())[1];
      assert.equal(api.title, 'Build the hardened API');
      assert.deepEqual(api.subtasks.map((sub: { title: string; status: string }) => [sub.title, sub.status]), [['Subtask 1', 'done'], ['Harden', 'pending']], 'the done subtask kept, the pending one replaced');
      ollama.script(rewrite('Build a small API'), newSubtasks('Keep it small'));
      json(await call('scope_down_task', { id: '2' }));
      api = (await saved())[1];
      assert.deepEqual([api.title, api.subtasks.at(-1).title], ['Build a small API', 'Keep it small']);

      await fs.writeFile(path.join(root, 'prd.md'), '# Billing\nInvoices are sent monthly.');
      const generated = { id: 3, title: 'Send invoices', description: 'd', details: '', testStrategy: '', priority: 'medium', dependencies: [] };
      ollama.script({ content: JSON.stringify({ tasks: [generated] }) });
      assert.match(errorText(await call('parse_prd', { input: 'prd.md' })), /already has 2 tasks/);
      json(await call('parse_prd', { input: 'prd.md', numTasks: 1, append: true }));
      assert.deepEqual((await saved()).map((entry: { title: string }) => entry.title).slice(2), ['Send invoices']);
      assert.match(JSON.stringify(ollama.requests.at(-1)!.messages), /Invoices are sent monthly/, 'the PRD reaches the model');
    } finally {
      await ollama.stop();
    }
  });

  it('runs AI tools on the Ollama host and model given by --endpoint and --model', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }] });
    try {
      const { root, tasksFile } = await makeProject(plan());
      const { call } = await connect(root, ['--endpoint', ollama.url, '--model', 'llama3.2:3b']);
      ollama.script({ content: JSON.stringify({ subtasks: [{ id: 1, title: 'Routes', description: '', details: '', dependencies: [] }] }) });
      const result = json(await call('expand_task', { id: '2', num: 1, research: false }));
      assert.deepEqual([result.subtasks[0].id, result.model], ['2.1', 'llama3.2:3b']);
      assert.equal(ollama.requests[0].model, 'llama3.2:3b');
      assert.equal(JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks[1].subtasks[0].title, 'Routes');
    } finally {
      await ollama.stop();
    }
  });
});
