import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InvalidReplyError } from '../../src/ai/aiErrors';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { runCli } from '../../src/cli/main';
import { newSubtaskCount } from '../../src/core/scopePrompts';
import { validatePlan } from '../../src/core/validation';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { readPlan } from '../../src/core/plan';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { makeProject, task, tagged } from '../support/planBuilder';

const MODEL = 'qwen2.5-coder:7b';
const repoRoot = path.join(__dirname, '..', '..');

const rewrite = (title: string, priority = 'high') => ({ content: JSON.stringify({ title, description: 'Wider scope.', details: 'More steps.', testStrategy: 'More tests.', priority }) });
const newSubtasks = (count: number) => ({
  content: JSON.stringify({
    subtasks: Array.from({ length: count }, (_, i) => ({ id: i + 1, title: `New ${i + 1}`, description: 'd', details: 'x', testStrategy: 't', dependencies: i ? [i] : [] })),
  }),
});

/** Task 2 has a done, a pending, an in-progress and another pending subtask; task 3 waits on 2.2. */
function scopedPlan() {
  return tagged({
    master: [
      task({ id: 1, status: 'done' }),
      task({
        id: 2,
        dependencies: [1],
        status: 'in-progress',
        subtasks: [
          { id: 1, status: 'done', details: 'Shipped.' },
          { id: 2 },
          { id: 3, status: 'in-progress', dependencies: [1, 2] },
          { id: 4, dependencies: [2] },
        ],
      }),
      task({ id: 3, dependencies: [2, '2.2'] }),
    ],
  });
}

describe('scope up / scope down', function () {
  this.timeout(30_000);
  let ollama: OllamaStandIn;
  beforeEach(async () => (ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] })));
  afterEach(() => ollama.stop());

  async function setup() {
    const made = await makeProject(scopedPlan());
    const store = new TaskStore(locatePlan(made.root));
    await store.reload();
    const before = await fs.readFile(made.tasksFile, 'utf8');
    const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL })));
    const saved = async () => JSON.parse(await fs.readFile(made.tasksFile, 'utf8')).master.tasks;
    return { ...made, store, ai, before, saved };
  }

  it('sizes the new subtasks by Task Master\'s rule: more when scoping up, fewer when scoping down, at least one', () => {
    assert.equal(newSubtaskCount('up', 'regular', 2, 2, undefined), 6);
    assert.equal(newSubtaskCount('up', 'heavy', 0, 3, 10), 12);
    assert.equal(newSubtaskCount('down', 'regular', 2, 2, undefined), 1);
    assert.equal(newSubtaskCount('down', 'heavy', 0, 8, 9), 1);
  });

  it('scope-up rewrites the task, keeps its id, status and dependencies, keeps started and done subtasks, replaces the pending ones', async () => {
    const { ai, store, saved, tasksFile, before } = await setup();
    const prompts: string[] = [];
    ollama.script(
      (request) => (prompts.push(request.messages!.at(-1)!.content), rewrite('Task 2, hardened')),
      (request) => (prompts.push(request.messages!.at(-1)!.content), newSubtasks(6)),
    );
    const outcome = await ai.scopeTasks(store, { ids: ['2'], direction: 'up', strength: 'regular', prompt: 'add rate limiting' });
    assert.match(prompts[0], /MORE complex \(regular/);
    assert.match(prompts[0], /add rate limiting/);
    assert.match(prompts[1], /Write 6 subtasks/, '2 kept + 2 pending at regular strength: 8 in all, 6 new');
    assert.match(prompts[1], /\[done\] Subtask 1\n- \[in-progress\] Subtask 3/);

    const [, scoped, waiting] = await saved();
    assert.deepEqual([scoped.id, scoped.title, scoped.status, scoped.dependencies, scoped.priority], [2, 'Task 2, hardened', 'in-progress', [1], 'high']);
    assert.deepEqual(scoped.subtasks.map((sub: { id: number }) => sub.id), [1, 3, 4, 5, 6, 7, 8, 9], 'new subtasks numbered after the highest kept one');
    const original = JSON.parse(before).master.tasks[1].subtasks;
    assert.deepEqual(scoped.subtasks[0], original[0], 'the done subtask is untouched');
    assert.deepEqual(scoped.subtasks[1], { ...original[2], dependencies: [1] }, 'the started one only loses its dependency on a replaced subtask');
    assert.deepEqual(scoped.subtasks[3].dependencies, [4], 'new subtasks depend on each other by their new numbers');
    assert.deepEqual(waiting.dependencies, [2], 'a dependency on a replaced subtask is dropped elsewhere too');
    assert.ok(outcome.warnings.some((warning) => /3 depended on 2\.2/.test(warning)), outcome.warnings.join(' '));
    assert.deepEqual(outcome.ids, ['2']);
    const plan = readPlan(JSON.parse(await fs.readFile(tasksFile, 'utf8')));
    assert.equal(validatePlan(plan).problems.filter((problem) => problem.severity === 'error').length, 0);

    assert.equal((await ai.undoLastChange(store, 'master')).operation, 'Scope up 2');
    assert.equal(await fs.readFile(tasksFile, 'utf8'), before, 'Undo puts the file back byte for byte');
  });

  it('refuses a reply that does not fit the schema and writes nothing; a subtask id is refused before asking', async () => {
    const { ai, store, tasksFile, before } = await setup();
    for (let i = 0; i < 3; i++) ollama.script({ content: JSON.stringify({ title: 'No details', description: '', priority: 'urgent' }) });
    await assert.rejects(ai.scopeTasks(store, { ids: ['3'], direction: 'down', strength: 'light' }), (error: unknown) => InvalidReplyError.is(error));
    await assert.rejects(ai.scopeTasks(store, { ids: ['2.2'], direction: 'down', strength: 'light' }), /2\.2 is a subtask/);
    await assert.rejects(ai.scopeTasks(store, { ids: ['3', '99'], direction: 'up', strength: 'light' }), /No task 99/);
    assert.equal(await fs.readFile(tasksFile, 'utf8'), before);
    assert.equal(ai.lastChange(store, 'master'), undefined, 'nothing to undo');
  });

  it('scope-down from the CLI rewrites several tasks in one change; a bad strength is exit 2', async () => {
    const { root, saved } = await setup();
    ollama.script(rewrite('Task 3, minimal', 'low'), rewrite('Task 1, minimal', 'low'));
    const lines: string[] = [];
    const errors: string[] = [];
    const argv = ['scope-down', '--id=3,1', '-s', 'heavy', '-p', 'just the core', '--research', '--project', root, '--endpoint', ollama.url, '--model', MODEL];
    assert.equal(await runCli(argv, (line) => lines.push(line), (line) => errors.push(line)), 0, errors.join('\n'));
    assert.match(lines.join('\n'), /^Scoped down 3, 1 \(qwen2\.5-coder:7b\)/);
    const tasks = await saved();
    assert.deepEqual(tasks.map((entry: { title: string; status: string }) => [entry.title, entry.status]), [
      ['Task 1, minimal', 'done'],
      ['Task 2', 'in-progress'],
      ['Task 3, minimal', 'pending'],
    ]);
    assert.equal(await runCli(['scope-up', '--id', '3', '--strength', 'huge', '--project', root], () => undefined, (line) => errors.push(line)), 2);
    assert.match(errors.join('\n'), /Unknown strength "huge"\. Use one of: light, regular, heavy\./);
  });

  it('scope_up_task over MCP (the bundled server) rewrites the task and returns it', async () => {
    await promisify(execFile)(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
    const { root } = await setup();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repoRoot, 'dist', 'cli.js'), 'mcp', '--project', root, '--endpoint', ollama.url, '--model', MODEL],
      env: { TASK_MASTER_TOOLS: 'all' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'scope-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      ollama.script(rewrite('Task 3, hardened'));
      const result = (await client.callTool({ name: 'scope_up_task', arguments: { id: '3', strength: 'light', projectRoot: root, research: true } })) as { content: Array<{ text: string }>; isError?: boolean };
      assert.ok(!result.isError, result.content[0].text);
      const answer = JSON.parse(result.content[0].text);
      assert.deepEqual([answer.tasks[0].id, answer.tasks[0].title], ['3', 'Task 3, hardened']);
      const listed = await client.listTools();
      assert.ok(listed.tools.some((tool) => tool.name === 'scope_down_task'));
    } finally {
      await client.close();
    }
  });
});
