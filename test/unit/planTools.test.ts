import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { describePlanToolCall, PLAN_TOOLS, runPlanTool, ToolInputError, type PlanTool, type PlanToolContext } from '../../src/planTools';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { generateLargePlan } from '../support/planGenerator';
import { makeProject, task, tagged, tempDir } from '../support/planBuilder';

const MODEL = 'qwen2.5-coder:7b';
/** Nothing listens here: a tool that calls the model by mistake fails. */
const NO_OLLAMA = 'http://127.0.0.1:9';

const plan = () =>
  tagged({
    master: [
      task({ id: 1, title: 'Set up the repository', status: 'done' }),
      task({ id: 2, title: 'Build the API', priority: 'high', dependencies: [1], details: 'REST endpoints for orders', testStrategy: 'Contract tests' }),
      task({ id: 3, title: 'Write the docs', status: 'in-progress', subtasks: [{ id: 1, status: 'done' }, { id: 2, dependencies: [1] }] }),
      task({ id: 4, title: 'Deploy', dependencies: [2] }),
    ],
    feature: [task({ id: 1, title: 'Feature work' })],
  });

function toolNamed(name: string): PlanTool {
  const tool = PLAN_TOOLS.find((candidate) => candidate.name === name);
  assert.ok(tool, `no tool ${name}`);
  return tool;
}

async function setup(data: unknown = plan(), ollamaUrl = NO_OLLAMA) {
  const project = await makeProject(data);
  const logged: string[] = [];
  const context: PlanToolContext = {
    store: new TaskStore(locatePlan(project.root)),
    ai: new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollamaUrl], model: MODEL }))),
    projectRoot: project.root,
    log: (line) => logged.push(line),
  };
  const call = (name: string, input: unknown) => runPlanTool(toolNamed(name), input, context);
  return {
    ...project,
    context,
    logged,
    /** The result of a call that must succeed. */
    ok: async (name: string, input: unknown = {}): Promise<any> => {
      const outcome = await call(name, input);
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
      return outcome.result;
    },
    /** The message of a call that must fail. */
    fails: async (name: string, input: unknown = {}): Promise<string> => {
      const outcome = await call(name, input);
      assert.ok(!outcome.ok, `${name} should have failed: ${JSON.stringify(outcome)}`);
      return outcome.message;
    },
    readTasks: async () => JSON.parse(await fs.readFile(project.tasksFile, 'utf8')),
  };
}

describe('plan tools', () => {
  it('are 35 of Task Master\'s tools under its names, none importing vscode', async () => {
    assert.deepEqual(PLAN_TOOLS.map((tool) => tool.name), [
      'get_tasks', 'get_task', 'next_task', 'complexity_report', 'set_task_status', 'add_task', 'add_subtask', 'update_subtask', 'update_task', 'update',
      'remove_task', 'remove_subtask', 'clear_subtasks', 'move_task',
      'expand_task', 'expand_all', 'scope_up_task', 'scope_down_task', 'parse_prd', 'analyze_project_complexity', 'research', 'add_dependency', 'remove_dependency', 'validate_dependencies',
      'fix_dependencies', 'list_tags', 'add_tag', 'use_tag', 'copy_tag', 'rename_tag', 'delete_tag', 'generate', 'initialize_project', 'models', 'response-language',
    ]);
    // Tools about tags themselves or the whole project take none, as in Task Master.
    const projectWide = ['list_tags', 'add_tag', 'use_tag', 'copy_tag', 'rename_tag', 'delete_tag', 'initialize_project', 'models', 'response-language'];
    for (const tool of PLAN_TOOLS) assert.equal(tool.inputSchema.properties.tag !== undefined, !projectWide.includes(tool.name), `${tool.name} takes a tag`);
    const folder = path.join(__dirname, '..', '..', 'src', 'planTools');
    for (const file of await fs.readdir(folder)) {
      assert.doesNotMatch(await fs.readFile(path.join(folder, file), 'utf8'), /from 'vscode'/, file);
    }
  });

  describe('get_tasks', () => {
    it('lists compact rows with subtask progress, filtered by status, text and tag', async () => {
      const { ok } = await setup();
      const all = await ok('get_tasks');
      assert.equal(all.tag, 'master');
      assert.equal(all.total, 4);
      assert.equal(all.nextOffset, undefined);
      assert.deepEqual(all.statusCounts, { done: 1, pending: 2, 'in-progress': 1 });
      assert.deepEqual(all.tasks[2], { id: '3', title: 'Write the docs', status: 'in-progress', priority: 'medium', dependencies: [], subtasks: '1/2' });
      const open = await ok('get_tasks', { status: 'pending, in-progress' });
      assert.deepEqual(open.tasks.map((row: { id: string }) => row.id), ['2', '3', '4']);
      assert.deepEqual((await ok('get_tasks', { query: 'ORDERS' })).tasks.map((row: { id: string }) => row.id), ['2']);
      const withSubtasks = await ok('get_tasks', { withSubtasks: true, status: 'in-progress' });
      assert.deepEqual(withSubtasks.tasks[0].subtaskList, [
        { id: '3.1', title: 'Subtask 1', status: 'done', dependencies: [] },
        { id: '3.2', title: 'Subtask 2', status: 'pending', dependencies: ['3.1'] },
      ]);
      const feature = await ok('get_tasks', { tag: 'feature' });
      assert.deepEqual([feature.tag, feature.tasks[0].title], ['feature', 'Feature work']);
    });

    it('pages a 1.5 MB plan in a few kilobytes, every task exactly once', async () => {
      const { ok, tasksFile } = await setup(generateLargePlan(900));
      assert.ok((await fs.stat(tasksFile)).size > 1_500_000);
      const first = await ok('get_tasks');
      assert.equal(first.tasks.length, 50);
      assert.equal(first.total, 900);
      assert.equal(first.nextOffset, 50);
      const size = JSON.stringify(first).length;
      assert.ok(size < 10_000, `first page is ${size} bytes`);
      const seen: string[] = [];
      for (let offset: number | undefined = 0; offset !== undefined; ) {
        const page: any = await ok('get_tasks', { offset, limit: 200 });
        seen.push(...page.tasks.map((row: { id: string }) => row.id));
        offset = page.nextOffset;
      }
      assert.equal(new Set(seen).size, 900);
    });

    it('says which argument is wrong and what it must be', async () => {
      const { fails } = await setup();
      assert.match(await fails('get_tasks', { status: 'finished' }), /Unknown status "finished"\. Use one of: pending, in-progress/);
      assert.match(await fails('get_tasks', { limit: 500 }), /`limit` must be <= 200/);
      assert.match(await fails('get_tasks', { limit: 'many' }), /`limit` must be an integer \(got "many"\)/);
      assert.match(await fails('get_tasks', { stauts: 'done' }), /`stauts` is not an argument of get_tasks; it takes status, withSubtasks, query, offset, limit, tag/);
      assert.match(await fails('get_tasks', ['done']), /takes its arguments as a JSON object/);
      assert.match(await fails('get_tasks', { tag: 'nope' }), /No tag "nope" in tasks.json\. Tags: master, feature/);
    });
  });

  describe('get_task', () => {
    it('reads tasks and subtasks in full, several at once, with what they still wait on', async () => {
      const { ok } = await setup();
      const { tasks } = await ok('get_task', { id: '2,3.2, 4' });
      assert.deepEqual(tasks[0], {
        id: '2',
        title: 'Build the API',
        status: 'pending',
        priority: 'high',
        description: 'Description of 2',
        details: 'REST endpoints for orders',
        testStrategy: 'Contract tests',
        dependencies: ['1'],
        subtasks: [],
      });
      assert.equal(tasks[1].parentId, '3');
      assert.equal(tasks[1].subtasks, undefined);
      assert.deepEqual(tasks[2].waitingOn, ['2']);
      const filtered = await ok('get_task', { id: 3, status: 'pending' });
      assert.deepEqual(filtered.tasks[0].subtasks.map((row: { id: string }) => row.id), ['3.2']);
    });

    it('answers an unknown id with the closest ids', async () => {
      const { fails } = await setup();
      assert.match(await fails('get_task', { id: '99' }), /No task 99 in tag "master"\. Closest ids: 4, 3, 3\.1\./);
      assert.match(await fails('get_task', {}), /`id` is required: Task id \("12"\), subtask id/);
      assert.match(await fails('get_task', { id: ' , ' }), /`id` names no task/);
    });
  });

  describe('next_task', () => {
    it('gives the next task in full with the reason it is next', async () => {
      const { ok } = await setup();
      const first = await ok('next_task');
      assert.equal(first.task.id, '3.2');
      assert.match(first.reason, /^Subtask of task 3, which is in progress: .*its dependencies \(3\.1\) are done; priority medium \(task 3's\)\.$/);
      await ok('set_task_status', { id: '3.2', status: 'done' });
      const second = await ok('next_task');
      assert.equal(second.task.id, '2');
      assert.equal(second.task.details, 'REST endpoints for orders');
      assert.match(second.reason, /^Ready to start: its dependencies \(1\) are done; .*priority \(high\)/);
    });

    it('says why nothing is eligible', async () => {
      const { ok } = await setup(
        tagged({
          finished: [task({ id: 1, status: 'done' }), task({ id: 2, status: 'cancelled' })],
          stuck: [task({ id: 1, status: 'blocked' }), task({ id: 2, dependencies: [1] })],
        }),
      );
      const finished = await ok('next_task', { tag: 'finished' });
      assert.equal(finished.task, null);
      assert.equal(finished.reason, 'Nothing eligible: no pending or in-progress tasks in tag "finished" (1 done, 1 cancelled).');
      const stuck = await ok('next_task', { tag: 'stuck' });
      assert.equal(stuck.task, null);
      assert.match(stuck.reason, /task 2 waits on 1\)/);
    });
  });

  describe('set_task_status', () => {
    it('sets several statuses, reports the previous ones, and changes nothing else', async () => {
      const { ok, readTasks } = await setup();
      const result = await ok('set_task_status', { id: '2, 3.2', status: 'in-progress' });
      assert.deepEqual(result, { tag: 'master', status: 'in-progress', tasks: [{ id: '2', previousStatus: 'pending' }, { id: '3.2', previousStatus: 'pending' }] });
      const saved = await readTasks();
      assert.equal(saved.master.tasks[1].status, 'in-progress');
      assert.equal(saved.master.tasks[2].subtasks[1].status, 'in-progress');
      assert.equal(saved.master.tasks[3].status, 'pending');
      await ok('set_task_status', { id: 4, status: 'done', tag: 'master' });
      assert.equal((await readTasks()).master.tasks[3].status, 'done');
    });

    it('moves a parent with its subtasks as Task Master does, and reports it', async () => {
      const { ok, readTasks } = await setup();
      const result = await ok('set_task_status', { id: '3.2', status: 'done' });
      assert.deepEqual(result.parents, [{ id: '3', previousStatus: 'in-progress', status: 'done' }]);
      assert.equal((await readTasks()).master.tasks[2].status, 'done');
      const reopened = await ok('set_task_status', { id: '3.1,3.2', status: 'pending' });
      assert.deepEqual(reopened.parents, [{ id: '3', previousStatus: 'done', status: 'pending' }]);
    });

    it('refuses a status Task Master does not know, naming the ones it does', async () => {
      const { fails, readTasks } = await setup();
      const before = await readTasks();
      const message = await fails('set_task_status', { id: '2', status: 'finished' });
      assert.equal(message, 'Invalid arguments for set_task_status: `status` must be one of pending, in-progress, review, done, deferred, cancelled, blocked (got "finished").');
      assert.match(await fails('set_task_status', { status: 'done' }), /`id` is required/);
      assert.match(await fails('set_task_status', { id: '7', status: 'done' }), /No task 7 in tag "master"\. Closest ids/);
      assert.deepEqual(await readTasks(), before);
    });
  });

  describe('add_task and add_subtask', () => {
    it('adds a task as written, with dependencies from a comma list', async () => {
      const { ok, readTasks } = await setup();
      const { task: added } = await ok('add_task', { title: 'Monitor it', details: 'Dashboards', dependencies: '1, 4', priority: 'low' });
      assert.deepEqual([added.id, added.priority, added.dependencies, added.waitingOn], ['5', 'low', ['1', '4'], ['4']]);
      const saved = (await readTasks()).master.tasks[4];
      assert.deepEqual([saved.id, saved.title, saved.details, saved.dependencies], [5, 'Monitor it', 'Dashboards', [1, 4]]);
    });

    it('needs a title or a prompt, not both, and keeps fields with the title', async () => {
      const { fails } = await setup();
      assert.match(await fails('add_task', { description: 'x' }), /Give `title` to add a task as written, or `prompt`/);
      assert.match(await fails('add_task', { title: 'A', prompt: 'B' }), /not both/);
      assert.match(await fails('add_task', { prompt: 'B', priority: 'high' }), /`priority` go with `title` instead/);
      assert.match(await fails('add_task', { title: 'A', priority: 'urgent' }), /`priority` must be one of low, medium, high, critical/);
      assert.match(await fails('add_task', { title: 'A', dependencies: '42' }), /No task 42 in tag "master"/);
    });

    it('adds a subtask with an initial status and a sibling dependency, in one write', async () => {
      const { ok, fails, readTasks, context } = await setup();
      // A second write could fail after the first, and a retry would add the subtask twice.
      const { store } = context;
      let writes = 0;
      const edit = store.edit.bind(store);
      store.edit = (...args) => {
        writes++;
        return edit(...args);
      };
      const { task: added } = await ok('add_subtask', { id: '3', title: 'Publish', status: 'in-progress', dependencies: '2' });
      assert.equal(writes, 1);
      assert.deepEqual([added.id, added.parentId, added.status, added.dependencies], ['3.3', '3', 'in-progress', ['3.2']]);
      const saved = (await readTasks()).master.tasks[2].subtasks[2];
      assert.deepEqual([saved.id, saved.status, saved.dependencies], [3, 'in-progress', [2]]);
      assert.match(await fails('add_subtask', { id: '3.1', title: 'Deeper' }), /3\.1 is a subtask/);
      assert.match(await fails('add_subtask', { id: '3' }), /`title` is required/);
    });
  });

  describe('update_subtask', () => {
    it('appends the note verbatim with a timestamp, without calling a model', async () => {
      const { ok, readTasks } = await setup();
      const result = await ok('update_subtask', { id: '3.2', prompt: 'Chose mkdocs; the theme needs a fork.' });
      assert.equal(result.id, '3.2');
      assert.match(result.appended, /^<info added on (\S+)>\nChose mkdocs; the theme needs a fork\.\n<\/info added on \1>$/);
      await ok('update_subtask', { id: '3.2', prompt: 'Second note' });
      const details: string = (await readTasks()).master.tasks[2].subtasks[1].details;
      assert.equal(details.match(/<info added on /g)?.length, 2);
      assert.ok(details.indexOf('Chose mkdocs') < details.indexOf('Second note'));
    });

    it('refuses a blank note', async () => {
      const { fails } = await setup();
      assert.match(await fails('update_subtask', { id: '3.2', prompt: '   ' }), /`prompt` is blank/);
      assert.match(await fails('update_subtask', { id: '3.2', prompt: '' }), /`prompt` must not be empty/);
    });
  });

  describe('validate_dependencies', () => {
    it('lists missing, self and cyclic dependencies compactly, for the tag asked', async () => {
      const { ok } = await setup(
        tagged({
          master: [task({ id: 1, dependencies: [2] }), task({ id: 2, dependencies: [1] }), task({ id: 3, dependencies: [9, 3] })],
          clean: [task({ id: 1 })],
        }),
      );
      const result = await ok('validate_dependencies');
      assert.equal(result.ok, false);
      assert.deepEqual(result.problems.map((problem: { taskId: string }) => problem.taskId).sort(), ['2', '3', '3']);
      assert.deepEqual(Object.keys(result.problems[0]), ['severity', 'taskId', 'message']);
      assert.ok(result.problems.some((problem: { message: string }) => /closes a dependency cycle/.test(problem.message)));
      assert.deepEqual(await ok('validate_dependencies', { tag: 'clean' }), { tag: 'clean', ok: true, total: 0, problems: [] });
    });
  });

  describe('failures', () => {
    it('a missing or unreadable plan is a readable message, never a throw', async () => {
      const { fails, tasksFile } = await setup();
      await fs.writeFile(tasksFile, '{\n  "master": {\n');
      assert.match(await fails('next_task'), /tasks\.json:3:1: .*Fix the file; nothing is written/);
      await fs.rm(tasksFile);
      assert.match(await fails('get_tasks'), /^No plan at .*tasks\.json/);
    });

    it('an unexpected error becomes one line for the model and a stack in the log', async () => {
      const { context, logged } = await setup();
      const broken: PlanTool = { ...toolNamed('next_task'), name: 'broken', run: async () => JSON.parse('{') };
      const outcome = await runPlanTool(broken, {}, context);
      assert.deepEqual(outcome.ok ? undefined : outcome.message.split(':')[0], 'broken failed unexpectedly');
      assert.match(logged.join('\n'), /broken failed: SyntaxError/);
    });

    it('a tool that finds bad input throws ToolInputError, which runPlanTool passes on as is', async () => {
      const { context } = await setup();
      const picky: PlanTool = { ...toolNamed('next_task'), name: 'picky', run: async () => Promise.reject(new ToolInputError('Say which task.')) };
      assert.deepEqual(await runPlanTool(picky, {}, context), { ok: false, message: 'Say which task.' });
    });
  });

  it('describes every call in one sentence for a confirmation', () => {
    const validInput: Record<string, unknown> = {
      get_task: { id: '1' },
      set_task_status: { id: '1', status: 'done' },
      add_task: { title: 'T' },
      add_subtask: { id: '1', title: 'T' },
      update_subtask: { id: '1.1', prompt: 'P' },
      update_task: { id: '1', prompt: 'P' },
      update: { from: '2', prompt: 'P' },
      expand_task: { id: '1' },
      scope_up_task: { id: '1,2' },
      scope_down_task: { id: '2', strength: 'heavy', prompt: 'core only' },
      research: { query: 'Which queue library?' },
      add_dependency: { id: '2', dependsOn: '1' },
      remove_dependency: { id: '2', dependsOn: '1' },
      add_tag: { name: 'feature' },
      use_tag: { name: 'feature' },
      copy_tag: { sourceName: 'master', targetName: 'copy' },
      rename_tag: { oldName: 'feature', newName: 'later' },
      delete_tag: { name: 'feature' },
      remove_task: { id: '2' },
      remove_subtask: { id: '1.1' },
      move_task: { from: '2', to: '7' },
    };
    const describe = (name: string, input: unknown) => describePlanToolCall(toolNamed(name), input);
    assert.equal(describe('set_task_status', { id: '3,4.1', status: 'done', tag: 'feature' }), 'Set 3, 4.1 to done in tag "feature"');
    assert.equal(describe('get_tasks', { status: 'pending' }), 'List pending tasks');
    assert.equal(describe('add_subtask', { id: 3, title: 'Publish' }), 'Add subtask "Publish" to task 3');
    assert.equal(describe('add_subtask', { id: 3, taskId: 5 }), 'Make task 5 a subtask of task 3');
    assert.equal(describe('remove_subtask', { id: '3.1', convert: true }), 'Make subtask 3.1 a task');
    assert.equal(describe('move_task', { from: '5', toTag: 'done' }), 'Move 5 to tag "done"');
    assert.equal(describe('clear_subtasks', { all: true }), 'Clear the subtasks of every task');
    assert.equal(describe('expand_task', { id: '5', num: '4', force: true }), 'Break task 5 into 4 subtasks with the local model, replacing its subtasks');
    assert.equal(describe('scope_down_task', { id: '2, 3', strength: 'heavy', prompt: 'core only' }), 'Scope down task 2, 3 (heavy) with the local model for "core only"');
    assert.equal(describe('parse_prd', {}), 'Turn .taskmaster/docs/prd.txt into about 10 tasks with the local model');
    assert.equal(describe('set_task_status', { id: '3', status: 'finished' }), undefined, 'a call that will be refused needs no confirmation');
    for (const tool of PLAN_TOOLS) assert.ok(describePlanToolCall(tool, validInput[tool.name])?.length, tool.name);
  });

  describe('with the model (Ollama stand-in)', function () {
    this.timeout(20_000);
    let ollama: OllamaStandIn;

    beforeEach(async () => {
      ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    });
    afterEach(async () => ollama.stop());

    const reply = (value: unknown) => ({ content: JSON.stringify(value) });
    const newTask = (id: number, title: string, dependencies: number[] = []) => ({ id, title, description: `About ${title}`, details: '', testStrategy: '', priority: 'medium', dependencies });

    it('expand_task adds the model\'s subtasks and returns them as rows', async () => {
      const { ok } = await setup(plan(), ollama.url);
      const subtasks = [1, 2, 3].map((id) => ({ id, title: `Step ${id}`, description: '', details: '', dependencies: id > 1 ? [id - 1] : [] }));
      ollama.script(reply({ subtasks }));
      const result = await ok('expand_task', { id: '2', num: '3' });
      assert.deepEqual(result.subtasks.map((row: { id: string }) => row.id), ['2.1', '2.2', '2.3']);
      assert.deepEqual(result.subtasks[2].dependencies, ['2.2']);
      assert.equal(result.model, MODEL);
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /Build the API/);
    });

    it('add_task with only a prompt has the model write the task', async () => {
      const { ok, readTasks } = await setup(plan(), ollama.url);
      ollama.script(reply({ ...newTask(0, 'Rate limiting', [2]), id: undefined }));
      const result = await ok('add_task', { prompt: 'Protect the API from bursts' });
      assert.deepEqual([result.task.id, result.task.title, result.task.dependencies], ['5', 'Rate limiting', ['2']]);
      assert.equal((await readTasks()).master.tasks[4].title, 'Rate limiting');
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /Protect the API from bursts/);
    });

    it('parse_prd reads a file inside the project, and asks before touching existing tasks', async () => {
      const { ok, fails, root, readTasks } = await setup(plan(), ollama.url);
      await fs.mkdir(path.join(root, 'docs'));
      await fs.writeFile(path.join(root, 'docs', 'prd.md'), '# Shop\nUsers can pay by card.');
      assert.match(await fails('parse_prd', { input: 'docs/prd.md' }), /Tag "master" already has 4 tasks: pass `append: true`.*or `force: true`/);
      assert.match(await fails('parse_prd', { input: 'docs/prd.md', append: true, force: true }), /not both/);
      assert.match(await fails('parse_prd', { input: 'docs/missing.md', append: true }), /Cannot read `input` docs\/missing\.md: no such file/);
      ollama.script(reply({ tasks: [newTask(1, 'Card payments'), newTask(2, 'Receipts', [1])] }));
      const result = await ok('parse_prd', { input: 'docs/prd.md', append: true, numTasks: 2 });
      assert.deepEqual(result.tasks.map((row: { id: string; dependencies: string[] }) => [row.id, row.dependencies]), [['5', []], ['6', ['5']]]);
      assert.equal((await readTasks()).master.tasks.length, 6);
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /Users can pay by card/);
    });

    it('parse_prd in a project without tasks.json creates the plan with the PRD\'s tasks (only once the model has answered)', async () => {
      const { ok, fails, root, tasksFile, readTasks } = await setup(plan(), ollama.url);
      await fs.rm(path.join(root, '.taskmaster'), { recursive: true });
      await fs.writeFile(path.join(root, 'prd.md'), '# Shop\nUsers can pay by card.');
      ollama.script({ status: 500, error: 'model crashed' });
      assert.match(await fails('parse_prd', { input: 'prd.md' }), /model crashed/);
      await assert.rejects(fs.access(tasksFile), 'a failed call leaves no plan behind');

      ollama.script(reply({ tasks: [newTask(1, 'Card payments'), newTask(2, 'Receipts', [1])] }));
      const result = await ok('parse_prd', { input: 'prd.md' });
      assert.deepEqual([result.tag, ...result.tasks.map((row: { id: string; dependencies: string[] }) => `${row.id}<-${row.dependencies.join(',')}`)], ['master', '1<-', '2<-1']);
      const saved = await readTasks();
      assert.deepEqual(Object.keys(saved), ['master']);
      assert.deepEqual(saved.master.tasks.map((row: { id: number; title: string }) => `${row.id} ${row.title}`), ['1 Card payments', '2 Receipts']);
      assert.match(saved.master.metadata.created, /^\d{4}-\d\d-\d\dT/);

      await fs.rm(tasksFile);
      ollama.script(reply({ tasks: [newTask(1, 'Refunds')] }));
      assert.equal((await ok('parse_prd', { input: 'prd.md', tag: 'payments' })).tag, 'payments');
      assert.deepEqual(Object.keys(await readTasks()), ['payments'], 'the plan is created with the tag asked for');
    });

    it('parse_prd refuses an input outside the project: .., absolute, or through a symlink', async () => {
      const { fails, root } = await setup(plan(), ollama.url);
      const outside = await tempDir();
      await fs.writeFile(path.join(outside, 'secret.md'), 'not yours');
      await fs.symlink(outside, path.join(root, 'elsewhere'));
      for (const input of [path.relative(root, path.join(outside, 'secret.md')), path.join(outside, 'secret.md'), 'elsewhere/secret.md']) {
        assert.match(await fails('parse_prd', { input, append: true }), /`input` ".*" is outside .*; only paths inside that folder are allowed/, input);
      }
      assert.equal(ollama.requests.length, 0);
    });

    it('analyze_project_complexity writes the report and returns the ratings, most complex first', async () => {
      const { ok, root } = await setup(plan(), ollama.url);
      const analysis = (taskId: number, complexityScore: number) => ({ taskId, complexityScore, recommendedSubtasks: complexityScore, expansionPrompt: 'Split it', reasoning: 'Because' });
      ollama.script(reply({ analyses: [analysis(2, 3), analysis(3, 8), analysis(4, 5)] }));
      const result = await ok('analyze_project_complexity');
      assert.equal(result.report, path.join('.taskmaster', 'reports', 'task-complexity-report.json'));
      assert.deepEqual(result.tasks.map((row: { id: string; complexityScore: number }) => [row.id, row.complexityScore]), [['3', 8], ['4', 5], ['2', 3]]);
      await fs.access(path.join(root, result.report));
    });

    it('a model that is down is a readable message, and the plan is untouched', async () => {
      const { fails, readTasks } = await setup(plan(), NO_OLLAMA);
      const before = await readTasks();
      assert.match(await fails('expand_task', { id: '2' }), /Ollama is not reachable at http:\/\/127\.0\.0\.1:9/);
      assert.deepEqual(await readTasks(), before);
    });
  });
});
