import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, InvalidReplyError, ModelNotFoundError, OllamaUnreachableError, PromptTooLargeError } from '../../src/ai/aiErrors';
import { AiService } from '../../src/ai/aiService';
import { readTaskmasterAiConfig, resolveAiSettings, type AiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { runCli } from '../../src/cli/main';
import { SUBTASKS_SCHEMA } from '../../src/core/aiSchemas';
import { validatePlan } from '../../src/core/validation';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import type { LoadedPlan } from '../../src/store/planReader';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { makeProject, task, tagged } from '../support/planBuilder';

const MODEL = 'qwen2.5-coder:7b';

const subtasksReply = (count = 3) =>
  JSON.stringify({
    subtasks: Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      title: `Step ${i + 1}`,
      description: `Do step ${i + 1}`,
      details: 'How',
      testStrategy: 'Check it',
      dependencies: i ? [i] : [],
    })),
  });

describe('AI service against an Ollama stand-in', function () {
  this.timeout(20_000);
  let ollama: OllamaStandIn;
  const servers: OllamaStandIn[] = [];

  beforeEach(async () => {
    ollama = await OllamaStandIn.start({ models: [{ name: MODEL }, { name: 'llama3.1:8b' }] });
    servers.push(ollama);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  async function setup(settings: Partial<AiSettings> = {}) {
    const project = await makeProject(tagged({ master: [task({ id: 1, title: 'Build the API' }), task({ id: 2, dependencies: [1] })] }));
    const store = new TaskStore(locatePlan(project.root));
    await store.reload();
    const logged: string[] = [];
    const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL, ...settings }));
    const before = await fs.readFile(project.tasksFile, 'utf8');
    return {
      ...project,
      store,
      ai: new AiService(inference),
      inference,
      logged,
      log: (line: string) => logged.push(line),
      unchanged: async () => assert.equal(await fs.readFile(project.tasksFile, 'utf8'), before, 'tasks.json is byte-identical'),
    };
  }

  it('expands a task with a schema-checked reply and writes a valid plan', async () => {
    const { ai, store } = await setup();
    ollama.script({ content: subtasksReply(3) });
    const outcome = await ai.expandTask(store, { id: '1', count: 3 });
    assert.deepEqual(outcome.ids, ['1.1', '1.2', '1.3']);
    const plan = (store.state as LoadedPlan).plan;
    assert.deepEqual(plan.tags.get('master')!.byId.get('1.3')!.dependencies, ['1.2']);
    assert.deepEqual(validatePlan(plan).problems.filter((p) => p.severity === 'error'), []);
    const request = ollama.requests[0];
    assert.deepEqual(request.format, SUBTASKS_SCHEMA);
    assert.equal(request.think, false);
    assert.equal(request.options?.num_ctx, 8192);
    assert.equal(request.model, MODEL);
  });

  it('ignores a <think> preamble, and repairs invalid JSON by feeding the error back', async () => {
    const { ai, store } = await setup();
    ollama.script({ content: '{"subtasks": [', thinkPreamble: 'Let me plan {this}' }, { content: subtasksReply(2), thinkPreamble: 'ok' });
    const outcome = await ai.expandTask(store, { id: '2', count: 2 });
    assert.deepEqual(outcome.ids, ['2.1', '2.2']);
    assert.equal(ollama.requests.length, 2);
    const repair = ollama.requests[1].messages!.at(-1)!;
    assert.match(repair.content, /not valid JSON/);
  });

  it('reports a reply that never fits the schema, with the raw text, and leaves the plan alone', async () => {
    const { ai, store, log, logged, unchanged } = await setup();
    for (let i = 0; i < 3; i++) ollama.script({ content: '{"subtasks": [{"title": ""}]}' });
    await assert.rejects(ai.expandTask(store, { id: '1' }, { log }), (error: unknown) => InvalidReplyError.is(error) && error.rawReply.includes('"subtasks"'));
    assert.ok(logged.some((line) => line.includes('Raw reply')));
    await unchanged();
  });

  it('treats done_reason "length" as truncated: retries with more tokens and a larger window (bounded, logged), then reports', async () => {
    const { ai, store, unchanged, log, logged } = await setup();
    for (let i = 0; i < 3; i++) ollama.script({ content: subtasksReply(2).slice(0, 40), doneReason: 'length' });
    await assert.rejects(ai.expandTask(store, { id: '1' }, { log }), (error: unknown) => InvalidReplyError.is(error) && /cut off/.test(error.reason));
    assert.ok(Number(ollama.requests[1].options?.num_predict) >= 4096);
    assert.deepEqual(ollama.requests.map((r) => r.options?.num_ctx), [8192, 16384, 32768]);
    assert.ok(logged.some((line) => /cut off; asking again with num_predict \d+ and num_ctx 16384/.test(line)));
    await unchanged();
  });

  it('falls back to the next model when the first never gives a valid reply', async () => {
    const { ai, store, log, logged } = await setup({ fallbackModels: ['llama3.1:8b'] });
    for (let i = 0; i < 3; i++) ollama.script({ content: 'Sure! The subtasks are: first, second.' });
    ollama.script({ content: subtasksReply(2) });
    const outcome = await ai.expandTask(store, { id: '1', count: 2 }, { log });
    assert.equal(outcome.model, 'llama3.1:8b');
    assert.deepEqual(ollama.requests.map((r) => r.model), [MODEL, MODEL, MODEL, 'llama3.1:8b']);
    assert.ok(logged.some((line) => line.includes(`${MODEL} gave no usable answer`)));
  });

  it('refuses a request too big for the window before sending it, saying how big it is and what to do', async () => {
    const { inference } = await setup();
    const messages = [{ role: 'user' as const, content: 'x'.repeat(40_000) }];
    await assert.rejects(
      inference.structured('update-task', messages, SUBTASKS_SCHEMA),
      (error: unknown) => PromptTooLargeError.is(error) && error.estimatedTokens === 10_000 && /num_ctx 8192/.test(error.message) && /taskmaster\.ollama\.numCtx/.test(error.message),
    );
    assert.equal(ollama.requestCounts['/api/chat'], undefined, 'nothing was sent');
  });

  it('parses a PRD too big for the window in parts that fit, each seeing the tasks of the parts before, ids continuing', async () => {
    const { ai, store, tasksFile } = await setup({ numCtx: 2048 });
    const paragraph = (name: string) => `## ${name}\n${`The ${name} service must be fast and observable. `.repeat(60)}`;
    const prd = [paragraph('ingest'), paragraph('billing'), paragraph('reports')].join('\n\n');
    const generated = (id: number, dependencies: number[]) => ({ id, title: `T${id}`, description: 'd', details: '', testStrategy: '', priority: 'medium', dependencies });
    ollama.script(
      { content: JSON.stringify({ tasks: [generated(3, []), generated(4, [3])] }) },
      { content: JSON.stringify({ tasks: [generated(5, [4]), generated(6, [5])] }) },
      { content: JSON.stringify({ tasks: [generated(7, [6, 1])] }) },
    );
    const outcome = await ai.parsePrd(store, { text: prd });
    const prompts = ollama.requests.map((request) => request.messages!.at(-1)!.content);
    assert.equal(prompts.length, 3);
    assert.deepEqual(prompts.map((prompt) => ['ingest', 'billing', 'reports'].filter((name) => prompt.includes(`## ${name}`))), [['ingest'], ['billing'], ['reports']]);
    assert.match(prompts[1], /3\. \[pending\] T3\n4\. \[pending\] T4 \(after 3\)/);
    assert.match(prompts[2], /each with id \(7, 8, 9/);
    assert.deepEqual(outcome.ids, ['3', '4', '5', '6', '7']);
    assert.match(outcome.warnings.join('\n'), /parsed in 3 parts/);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.deepEqual(saved.master.tasks.map((t: { id: number; dependencies: number[] }) => [t.id, t.dependencies]), [[1, []], [2, [1]], [3, []], [4, [3]], [5, [4]], [6, [5]], [7, [6, 1]]]);
  });

  it('parses a first PRD in a folder without tasks.json into a new plan, and names the tag it wrote', async () => {
    const { ai, store, tasksFile } = await setup();
    await fs.rm(tasksFile);
    assert.equal((await store.reload()).kind, 'missing');
    ollama.script({ content: JSON.stringify({ tasks: [{ id: 1, title: 'First', description: 'd', details: '', testStrategy: '', priority: 'high', dependencies: [] }] }) });
    const outcome = await ai.parsePrd(store, { text: 'A first PRD' });
    assert.equal(outcome.tag, 'master', 'the tag Show Task looks the new task up in');
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.deepEqual(saved[outcome.tag!].tasks.map((t: { id: number }) => String(t.id)), outcome.ids);
  });

  it('refuses a PRD that cannot be cut into parts that fit, before sending anything', async () => {
    const { ai, store, unchanged } = await setup({ numCtx: 1024 });
    await assert.rejects(
      ai.parsePrd(store, { text: 'One long paragraph without a break. '.repeat(200) }),
      (error: unknown) => PromptTooLargeError.is(error) && /^The PRD.* is too big for the model's context window: about \d+ tokens/.test(error.message) && /num_ctx 1024/.test(error.message) && /shorten/.test(error.message),
    );
    assert.equal(ollama.requestCounts['/api/chat'], undefined);
    await unchanged();
  });

  it('falls back to the next model when the main one is missing', async () => {
    ollama.models = [{ name: 'llama3.1:8b' }];
    const { ai, store } = await setup({ fallbackModels: ['llama3.1:8b'] });
    ollama.script({ content: subtasksReply(1) });
    const outcome = await ai.expandTask(store, { id: '1', count: 1 });
    assert.equal(outcome.model, 'llama3.1:8b');
  });

  it('says the model is missing when no host has it', async () => {
    ollama.models = [];
    const { ai, store, unchanged } = await setup();
    await assert.rejects(ai.expandTask(store, { id: '1' }), (error: unknown) => ModelNotFoundError.is(error) && error.models.includes(MODEL));
    await unchanged();
  });

  it('skips a host that is down and uses the next one', async () => {
    const down = await OllamaStandIn.start();
    await down.stop();
    const { ai, store } = await setup({ endpoints: [down.url, ollama.url] });
    ollama.script({ content: subtasksReply(2) });
    const outcome = await ai.expandTask(store, { id: '1', count: 2 });
    assert.equal(outcome.ids.length, 2);
  });

  it('says Ollama is unreachable when no host answers, and writes nothing', async () => {
    await ollama.stop();
    const { ai, store, unchanged } = await setup();
    await assert.rejects(ai.expandTask(store, { id: '1' }), (error: unknown) => OllamaUnreachableError.is(error) && error.message.includes(ollama.url));
    await unchanged();
  });

  it('cancels: the HTTP request is closed and nothing is written', async () => {
    const { ai, store, unchanged } = await setup();
    ollama.script({ content: subtasksReply(5), chunkSize: 8, chunkDelayMs: 30 });
    const controller = new AbortController();
    const pending = ai.expandTask(store, { id: '1' }, { signal: controller.signal, onProgress: (p) => p.tokens === 3 && controller.abort() });
    await assert.rejects(pending, (error: unknown) => CancelledError.is(error));
    await ollama.idle();
    assert.equal(ollama.aborted, 1);
    await unchanged();
  });

  it('cancels while the model is still loading, before the first byte', async () => {
    const { ai, store, unchanged } = await setup();
    ollama.script({ content: subtasksReply(2), delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(ai.expandTask(store, { id: '1' }, { signal: controller.signal }), (error: unknown) => CancelledError.is(error));
    assert.ok(Date.now() - started < 1500, 'did not wait for the reply');
    await ollama.idle();
    assert.equal(ollama.aborted, 1);
    await unchanged();
  });

  it('falls back to the next model after a server error in the middle of a stream', async () => {
    const { ai, store } = await setup({ fallbackModels: ['llama3.1:8b'] });
    ollama.script({ content: subtasksReply(2), midStreamError: 'CUDA error: out of memory' }, { content: subtasksReply(2) });
    const outcome = await ai.expandTask(store, { id: '1', count: 2 });
    assert.equal(outcome.model, 'llama3.1:8b');
    assert.deepEqual(ollama.requests.map((r) => r.model), [MODEL, 'llama3.1:8b']);
  });

  it('serves a second identical request from the cache without reaching the server', async () => {
    const { inference } = await setup();
    ollama.script({ content: subtasksReply(2) });
    const messages = [{ role: 'user' as const, content: 'expand it' }];
    const first = await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
    const second = await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
    assert.deepEqual([first.cached, second.cached], [false, true]);
    assert.deepEqual(second.value, first.value);
    assert.equal(ollama.requestCounts['/api/chat'], 1);
    assert.deepEqual(inference.cacheStats, { hits: 1, misses: 1, size: 1 });
  });

  it('parses a PRD from the CLI, dropping invented dependencies with a warning', async () => {
    const { root, tasksFile } = await setup();
    await fs.writeFile(path.join(root, 'prd.md'), '# Product\nA small web service with auth.');
    const reply = { tasks: [1, 2].map((id) => ({ id, title: `T${id}`, description: 'd', details: '', testStrategy: '', priority: 'medium', dependencies: id === 2 ? [1, 42] : [] })) };
    ollama.script({ content: JSON.stringify(reply) });
    const out: string[] = [];
    const code = await runCli(['parse-prd', 'prd.md', '--project', root, '--endpoint', `${ollama.url}/api`, '--model', MODEL], (line) => out.push(line), () => undefined);
    assert.equal(code, 0);
    assert.match(out.join('\n'), /Added tasks 3, 4/);
    assert.match(out.join('\n'), /warning: .*dependency 42/);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.deepEqual(saved.master.tasks[3].dependencies, [3]);
    assert.match(ollama.requests[0].messages!.at(-1)!.content, /A small web service with auth/);
  });

  it('breaks a dependency cycle among new PRD tasks, says so on the CLI, and writes a plan that validates', async () => {
    const { root, tasksFile, store } = await setup();
    await fs.writeFile(path.join(root, 'prd.md'), '# Product\nA queue with workers.');
    const generated = (id: number, dependencies: number[]) => ({ id, title: `T${id}`, description: 'd', details: '', testStrategy: '', priority: 'medium', dependencies });
    ollama.script({ content: JSON.stringify({ tasks: [generated(3, [5]), generated(4, [3]), generated(5, [4])] }) });
    const out: string[] = [];
    const code = await runCli(['parse-prd', 'prd.md', '--project', root, '--endpoint', ollama.url, '--model', MODEL], (line) => out.push(line), () => undefined);
    assert.equal(code, 0);
    assert.match(out.join('\n'), /warning: The task "T3" depended on the later task "T5", which closed a dependency cycle/);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.deepEqual(saved.master.tasks.map((t: { id: number; dependencies: number[] }) => [t.id, t.dependencies]), [[1, []], [2, [1]], [3, []], [4, [3]], [5, [4]]]);
    assert.deepEqual(validatePlan((await store.reload() as LoadedPlan).plan).problems.filter((p) => p.severity === 'error'), []);
  });

  it('renumbers subtasks that share an id, keeps the dependency that is clear, drops the ambiguous one and a cycle, and says so', async () => {
    const { ai, store } = await setup();
    const sub = (id: number, title: string, dependencies: number[]) => ({ id, title, description: 'd', details: 'How', dependencies });
    ollama.script({ content: JSON.stringify({ subtasks: [sub(1, 'A', [3]), sub(1, 'B', [1]), sub(2, 'C', [1]), sub(3, 'D', [2])] }) });
    const outcome = await ai.expandTask(store, { id: '1', count: 4 });
    assert.deepEqual(outcome.ids, ['1.1', '1.2', '1.3', '1.4']);
    const view = (store.state as LoadedPlan).plan.tags.get('master')!;
    // B's 1 can only be A; C's 1 is A or B, so it is dropped; A then waiting on D closes no cycle.
    assert.deepEqual(view.byId.get('1')!.subtasks.map((s) => [s.title, s.dependencies]), [['A', ['1.4']], ['B', ['1.1']], ['C', []], ['D', ['1.3']]]);
    assert.match(outcome.warnings.join('\n'), /The model gave id 1 to 2 subtasks; they were numbered 1, 2 in reply order/);
    assert.match(outcome.warnings.join('\n'), /Subtask "C" named dependency 1, an id the model gave to several new subtasks; it was dropped/);
    assert.deepEqual(validatePlan((store.state as LoadedPlan).plan).problems.filter((p) => p.severity === 'error'), []);
  });

  it('never writes subtasks that wait on each other in a circle', async () => {
    const { ai, store } = await setup();
    const sub = (id: number, title: string, dependencies: number[]) => ({ id, title, description: 'd', details: 'How', dependencies });
    ollama.script({ content: JSON.stringify({ subtasks: [sub(1, 'A', [2]), sub(2, 'B', [3]), sub(3, 'C', [1])] }) });
    const outcome = await ai.expandTask(store, { id: '1', count: 3 });
    const view = (store.state as LoadedPlan).plan.tags.get('master')!;
    assert.deepEqual(view.byId.get('1')!.subtasks.map((s) => s.dependencies), [['1.2'], [], ['1.1']], 'C waits on A and A on B; B waiting on C would close the circle');
    assert.deepEqual(outcome.warnings, ['The subtask "B" depended on the later subtask "C", which closed a dependency cycle; that dependency was dropped.']);
    assert.deepEqual(validatePlan((store.state as LoadedPlan).plan).problems.filter((p) => p.severity === 'error'), []);
  });

  it('asks the model again when the user replaces the tasks, rather than replaying the cache', async () => {
    const { store, ai } = await setup();
    const reply = JSON.stringify({ tasks: [{ id: 1, title: 'Only', description: 'd', details: '', testStrategy: '', priority: 'low', dependencies: [] }] });
    ollama.script({ content: reply }, { content: reply });
    await ai.parsePrd(store, { text: 'A PRD', replace: true });
    const again = await ai.parsePrd(store, { text: 'A PRD', replace: true });
    assert.equal(again.cached, false);
    assert.equal(ollama.requestCounts['/api/chat'], 2);
    assert.deepEqual((store.state as LoadedPlan).plan.tags.get('master')!.tasks.map((t) => t.title), ['Only']);
  });

  it('exits 3 from the CLI when Ollama is unreachable, and 2 for an empty PRD', async () => {
    const { root } = await setup();
    await fs.writeFile(path.join(root, 'empty.md'), '  \n');
    const errors: string[] = [];
    assert.equal(await runCli(['parse-prd', 'empty.md', '--project', root, '--endpoint', ollama.url], () => undefined, (line) => errors.push(line)), 2);
    assert.match(errors.join('\n'), /PRD is empty/);
    await ollama.stop();
    assert.equal(await runCli(['expand', '1', '--project', root, '--endpoint', ollama.url], () => undefined, (line) => errors.push(line)), 3);
    assert.match(errors.join('\n'), /not reachable/);
  });
});

describe('AI updates and complexity against an Ollama stand-in', function () {
  this.timeout(20_000);
  let ollama: OllamaStandIn;
  beforeEach(async () => (ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] })));
  afterEach(() => ollama.stop());

  async function project() {
    const made = await makeProject(tagged({ master: [task({ id: 1, status: 'done' }), task({ id: 2, subtasks: [{ id: 1, details: 'Use a queue.' }] }), task({ id: 3 })] }));
    const store = new TaskStore(locatePlan(made.root));
    await store.reload();
    return { ...made, store, ai: new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL }))) };
  }

  it('writes Task Master\'s complexity report for open tasks, and expand then follows it', async () => {
    const { ai, store, root } = await project();
    const rating = (taskId: number, recommendedSubtasks: number) => ({ taskId, complexityScore: 7, recommendedSubtasks, expansionPrompt: `Split ${taskId} by layer`, reasoning: 'Several parts.' });
    ollama.script({ content: JSON.stringify({ analyses: [rating(2, 2), rating(3, 4), rating(99, 1)] }) });
    const result = await ai.analyzeComplexity(store);
    assert.equal(result.file, path.join(root, '.taskmaster', 'reports', 'task-complexity-report.json'));
    const report = JSON.parse(await fs.readFile(result.file, 'utf8'));
    assert.deepEqual(report.complexityAnalysis.map((e: { taskId: number; taskTitle: string; recommendedSubtasks: number }) => [e.taskId, e.taskTitle, e.recommendedSubtasks]), [[2, 'Task 2', 2], [3, 'Task 3', 4]]);
    assert.equal(report.meta.tasksAnalyzed, 2);
    assert.match(ollama.requests[0].messages!.at(-1)!.content, /Task 3/);
    assert.doesNotMatch(ollama.requests[0].messages!.at(-1)!.content, /Task 1:/, 'done tasks are not rated');

    ollama.script((request) => {
      assert.match(request.messages!.at(-1)!.content, /into 4 subtasks[\s\S]*Split 3 by layer/);
      return { content: subtasksReply(4) };
    });
    const expanded = await ai.expandTask(store, { id: '3' });
    assert.equal(expanded.ids.length, 4);
  });

  it('shows the subtasks a forced expand replaces as being replaced, and those kept as ones not to repeat', async () => {
    const { ai, store } = await project();
    const prompts: string[] = [];
    ollama.script(
      (request) => (prompts.push(request.messages!.at(-1)!.content), { content: subtasksReply(2) }),
      (request) => (prompts.push(request.messages!.at(-1)!.content), { content: subtasksReply(2) }),
    );
    await ai.expandTask(store, { id: '2', count: 2 });
    assert.match(prompts[0], /already has these subtasks:\n- Subtask 1\nDo not repeat them\./);
    await ai.expandTask(store, { id: '2', count: 2, force: true });
    assert.match(prompts[1], /current subtasks will be replaced by your answer:\n- Subtask 1\n- Step 1\n- Step 2\nWrite the complete new set/);
    assert.doesNotMatch(prompts[1], /Do not repeat/);
  });

  it('rewrites every open task from an id onward', async () => {
    const { ai, store, tasksFile } = await project();
    const reply = (title: string) => ({ content: JSON.stringify({ title, description: 'D', details: '', testStrategy: '' }) });
    ollama.script(reply('Two, revised'), reply('Three, revised'));
    const outcome = await ai.updateFrom(store, { fromId: '1', prompt: 'use NixOS' });
    assert.deepEqual(outcome.ids, ['2', '3'], 'task 1 is done and left alone');
    const titles = JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks.map((t: { title: string }) => t.title);
    assert.deepEqual(titles, ['Task 1', 'Two, revised', 'Three, revised']);
    await ai.undoLastChange(store, 'master');
    assert.deepEqual(JSON.parse(await fs.readFile(tasksFile, 'utf8')).master.tasks.map((t: { title: string }) => t.title), ['Task 1', 'Task 2', 'Task 3']);
  });

  it('rewrites a task for a change, and appends a timestamped note to a subtask', async () => {
    const { ai, store, tasksFile } = await project();
    ollama.script({ content: JSON.stringify({ title: 'Task 3 over gRPC', description: 'Now gRPC.', details: 'Use tonic.', testStrategy: 'Contract tests.' }) });
    await ai.updateTask(store, { id: '3', prompt: 'switch to gRPC' });
    ollama.script({ content: JSON.stringify({ note: 'Queue is Redis streams.', status: 'review' }) });
    const noted = await ai.updateSubtask(store, { id: '2.1', prompt: 'we chose redis' });
    assert.equal(noted.proposedStatus, 'review', 'proposed, not applied');
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.equal(saved.master.tasks[2].title, 'Task 3 over gRPC');
    assert.equal(saved.master.tasks[2].testStrategy, 'Contract tests.');
    assert.match(saved.master.tasks[1].subtasks[0].details, /^Use a queue\.\n\n<info added on (\S+)>\nQueue is Redis streams\.\n<\/info added on \1>$/);
    assert.equal(saved.master.tasks[1].subtasks[0].status, 'pending', 'the proposed status waits for a click');
  });
});

describe('undo of an AI change', function () {
  this.timeout(20_000);
  it('puts the tag back as it was, leaving other tags alone', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const { root, tasksFile } = await makeProject(tagged({ master: [task({ id: 1 })], other: [task({ id: 1 })] }));
      const store = new TaskStore(locatePlan(root));
      await store.reload();
      const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL })));
      const before = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      ollama.script({ content: subtasksReply(2) });
      await ai.expandTask(store, { id: '1', count: 2 });
      const changed = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      changed.other.tasks[0].title = 'Edited meanwhile in another tag';
      await fs.writeFile(tasksFile, JSON.stringify(changed, null, 2));
      const change = await ai.undoLastChange(store, 'master');
      assert.equal(change.operation, 'Expand task');
      const after = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
      assert.deepEqual(after.master, before.master);
      assert.equal(after.other.tasks[0].title, 'Edited meanwhile in another tag');
      await assert.rejects(ai.undoLastChange(store, 'master'), /No AI change to undo/);
    } finally {
      await ollama.stop();
    }
  });
});

describe('trying again after Undo', function () {
  this.timeout(20_000);
  it('asks the model afresh for the same request after Undo, instead of replaying the undone answer from the cache', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
      const store = new TaskStore(locatePlan(root));
      await store.reload();
      const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL })));
      ollama.script({ content: subtasksReply(2) }, { content: subtasksReply(3) });
      await ai.expandTask(store, { id: '1', count: 2 });
      await ai.undoLastChange(store, 'master');
      const retried = await ai.expandTask(store, { id: '1', count: 2 });
      assert.equal(retried.cached, false);
      assert.deepEqual(retried.ids, ['1.1', '1.2', '1.3'], 'the new answer, not the undone one');
      assert.equal(ollama.requestCounts['/api/chat'], 2);
    } finally {
      await ollama.stop();
    }
  });
});

describe('expand all', function () {
  this.timeout(20_000);
  it('expands pending tasks without subtasks, prerequisites first, spread over the hosts', async () => {
    const hosts = await Promise.all([OllamaStandIn.start({ models: [{ name: MODEL }] }), OllamaStandIn.start({ models: [{ name: MODEL }] })]);
    try {
      for (const host of hosts) host.script({ content: subtasksReply(2), chunkDelayMs: 5 }, { content: subtasksReply(2), chunkDelayMs: 5 });
      const { root } = await makeProject(
        tagged({ master: [task({ id: 2, dependencies: [1] }), task({ id: 1 }), task({ id: 3, status: 'done' }), task({ id: 4, subtasks: [{ id: 1 }] })] }),
      );
      const store = new TaskStore(locatePlan(root));
      await store.reload();
      const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: hosts.map((h) => h.url), model: MODEL })));
      const order: string[] = [];
      const result = await ai.expandAll(store, {}, {}, (id) => order.push(id));
      assert.deepEqual(result.failed, []);
      assert.deepEqual([...result.expanded].sort(), ['1', '2']);
      assert.deepEqual(hosts.map((h) => h.requestCounts['/api/chat']), [1, 1], 'one task per host');
      const prompts = hosts.map((h) => h.requests[0].messages!.at(-1)!.content);
      assert.ok(prompts.some((p) => p.includes('Task 1: Task 1')) && prompts.some((p) => p.includes('Task 2: Task 2')));
      const view = (store.state as LoadedPlan).plan.tags.get('master')!;
      assert.deepEqual(['1', '2', '3', '4'].map((id) => view.byId.get(id)!.subtasks.length), [2, 2, 0, 1]);
    } finally {
      await Promise.all(hosts.map((h) => h.stop()));
    }
  });
});

describe('model routing by complexity', function () {
  this.timeout(20_000);
  it('sends quick updates to the low-band model and a rated hard task to the high-band model', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }, { name: 'tiny:1b' }, { name: 'big:14b' }] });
    try {
      const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
      await fs.mkdir(path.join(root, '.taskmaster', 'reports'), { recursive: true });
      await fs.writeFile(
        path.join(root, '.taskmaster', 'reports', 'task-complexity-report.json'),
        JSON.stringify({ meta: {}, complexityAnalysis: [{ taskId: 1, taskTitle: 'Task 1', complexityScore: 9, recommendedSubtasks: 2, expansionPrompt: 'by layer', reasoning: 'hard' }] }),
      );
      const store = new TaskStore(locatePlan(root));
      await store.reload();
      const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL, modelByComplexity: { low: 'tiny:1b', high: 'big:14b' } })));
      ollama.script({ content: JSON.stringify({ title: 'T', description: 'D', details: '', testStrategy: '' }) }, { content: subtasksReply(2) });
      await ai.updateTask(store, { id: '1', prompt: 'rename' });
      await ai.expandTask(store, { id: '1' });
      assert.deepEqual(ollama.requests.map((r) => r.model), ['tiny:1b', 'big:14b']);
    } finally {
      await ollama.stop();
    }
  });
});

describe('external fallback (Copilot)', function () {
  this.timeout(20_000);
  it('is asked only when every Ollama option failed, and its reply is validated like any other', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    await ollama.stop();
    const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL }));
    const asked: string[] = [];
    // Copilot itself is outside this project's reach: a stand-in with the same contract.
    inference.externalFallback = async () => ({
      name: 'copilot/test',
      reply: async (messages) => {
        asked.push(messages.at(-1)!.content);
        return asked.length === 1 ? 'Sure! Here is the JSON: {"subtasks": [' : subtasksReply(1);
      },
    });
    const result = await inference.structured<{ subtasks: unknown[] }>('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA);
    assert.equal(result.model, 'copilot/test');
    assert.equal(result.value.subtasks.length, 1);
    assert.equal(asked.length, 2, 'the invalid first reply was repaired');
    inference.externalFallback = async () => undefined;
    inference.clearCache();
    await assert.rejects(inference.structured('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA), (error: unknown) => OllamaUnreachableError.is(error));
  });
});

describe('external fallback after invalid replies', function () {
  this.timeout(20_000);
  it('asks Copilot (when allowed) once every Ollama model gave only invalid replies', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL }));
      for (let i = 0; i < 3; i++) ollama.script({ content: '{"subtasks": "none"}' });
      inference.externalFallback = async () => ({ name: 'copilot/test', reply: async () => subtasksReply(1) });
      const result = await inference.structured<{ subtasks: unknown[] }>('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA);
      assert.equal(result.model, 'copilot/test');
      assert.equal(ollama.requestCounts['/api/chat'], 3);
    } finally {
      await ollama.stop();
    }
  });
});

describe('cache and model digests', function () {
  this.timeout(20_000);
  it('does not answer from the cache once the model was replaced (new digest)', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL, digest: 'a'.repeat(64) }] });
    try {
      const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL }));
      const messages = [{ role: 'user' as const, content: 'expand it' }];
      ollama.script({ content: subtasksReply(1) }, { content: subtasksReply(2) });
      assert.equal((await inference.structured('expand-task', messages, SUBTASKS_SCHEMA)).cached, false);
      assert.equal((await inference.structured('expand-task', messages, SUBTASKS_SCHEMA)).cached, true);
      ollama.models = [{ name: MODEL, digest: 'b'.repeat(64) }];
      (inference as unknown as { digests: Map<string, unknown> }).digests.clear(); // as after the digest lifetime
      const fresh = await inference.structured<{ subtasks: unknown[] }>('expand-task', messages, SUBTASKS_SCHEMA);
      assert.equal(fresh.cached, false);
      assert.equal(fresh.value.subtasks.length, 2);
      assert.equal(ollama.requestCounts['/api/chat'], 2);
    } finally {
      await ollama.stop();
    }
  });
});

describe('host health', function () {
  this.timeout(20_000);
  it('skips a host after it failed, and uses it again once a health check sees it back', async () => {
    const first = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    const second = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [first.url, second.url], model: MODEL })));
      const ask = (content: string) => ai.inference.structured('expand-task', [{ role: 'user', content }], SUBTASKS_SCHEMA);
      first.script({ status: 503, error: 'server busy' });
      second.script({ content: subtasksReply(1) }, { content: subtasksReply(1) });
      assert.equal((await ask('one')).host, second.url, 'the failing host was passed over');
      first.script({ content: subtasksReply(1) });
      assert.equal((await ask('two')).host, second.url, 'and is skipped while it is marked down');
      const health = await ai.models.health(first.url);
      ai.inference.noteHealth(first.url, health.reachable);
      assert.equal((await ask('three')).host, first.url, 'back in first place after the health check');
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});

describe('response language (global.responseLanguage of .taskmaster/config.json)', function () {
  this.timeout(20_000);
  let ollama: OllamaStandIn;
  beforeEach(async () => {
    ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
  });
  afterEach(() => ollama.stop());

  async function projectWith(global: Record<string, unknown> | undefined) {
    const project = await makeProject(tagged({ master: [task({ id: 1, title: 'Build the API' })] }));
    if (global) await fs.writeFile(path.join(project.root, '.taskmaster', 'config.json'), JSON.stringify({ models: {}, global }));
    return project;
  }
  const cli = (root: string, ...argv: string[]) => runCli([...argv, '--project', root, '--endpoint', ollama.url, '--model', MODEL], () => undefined, () => undefined);
  const systemPrompts = () => ollama.requests.map((request) => request.messages!.find((message) => message.role === 'system')!.content);

  it('closes every system prompt with Task Master\'s "Always respond in <language>." when one is set: JSON tasks and prose research alike', async () => {
    const { root } = await projectWith({ responseLanguage: 'Deutsch' });
    ollama.script({ content: subtasksReply(2) }, { content: 'Eine Antwort.' });
    assert.equal(await cli(root, 'expand', '1', '--num', '2'), 0);
    assert.equal(await cli(root, 'research', 'Wie bauen wir die API?'), 0);
    assert.equal(ollama.requests.length, 2);
    for (const system of systemPrompts()) assert.match(system, /\S\n\nAlways respond in Deutsch\.$/);
    assert.doesNotMatch(ollama.requests[0].messages!.at(-1)!.content, /Always respond/, 'the user message is left as it was');
  });

  it('adds nothing when the config sets no language, or there is no config', async () => {
    for (const global of [{ projectName: 'Demo' }, undefined]) {
      const { root } = await projectWith(global);
      ollama.script({ content: subtasksReply(2) });
      assert.equal(await cli(root, 'expand', '1', '--num', '2'), 0);
    }
    assert.equal(ollama.requests.length, 2);
    for (const request of ollama.requests) assert.doesNotMatch(JSON.stringify(request.messages), /Always respond in/);
  });

  it('is read with the rest of the project\'s AI settings, which the editor applies before each use', async () => {
    const { root } = await projectWith({ responseLanguage: ' Français ', ollamaBaseURL: 'http://127.0.0.1:11500/api' });
    assert.deepEqual(await readTaskmasterAiConfig(root), { endpoints: ['http://127.0.0.1:11500'], responseLanguage: 'Français' });
    const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: MODEL }));
    inference.updateSettings(resolveAiSettings({ responseLanguage: 'Français' }, { endpoints: [ollama.url], model: MODEL }));
    const asked: string[] = [];
    const answered = await inference.structured('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA, {
      model: { name: 'copilot/test', reply: async (messages) => (asked.push(JSON.stringify(messages)), subtasksReply(1)) },
    });
    assert.equal(answered.model, 'copilot/test');
    assert.deepEqual(JSON.parse(asked[0]), [{ role: 'system', content: 'Always respond in Français.' }, { role: 'user', content: 'go' }], 'a chat model is asked in the language too');
  });
});
