import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { ModelNotFoundError, OllamaUnreachableError } from '../../src/ai/aiErrors';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings, type AiSettings } from '../../src/ai/aiSettings';
import { OllamaInference, type ExternalChatModel } from '../../src/ai/ollamaInference';
import { CODE_TASKS_SCHEMA, SUBTASKS_SCHEMA } from '../../src/core/aiSchemas';
import { OperationError } from '../../src/core/operations';
import type { ChatMessage } from '../../src/core/prompts';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { toolConfirmation } from '../../src/agentTools/toolConfirmation';
import { PLAN_TOOLS } from '../../src/planTools';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { makeProject, task, tagged } from '../support/planBuilder';

const MODEL = 'qwen2.5-coder:7b';
const question: ChatMessage[] = [
  { role: 'system', content: 'You answer questions about a plan.' },
  { role: 'user', content: 'What should I do next?' },
];

const tasksReply = (...titles: Array<[string, number[]]>) =>
  JSON.stringify({ tasks: titles.map(([title, dependencies], i) => ({ id: i + 1, title, description: `${title}.`, details: 'How.', testStrategy: 'Check.', priority: 'high', dependencies })) });

/**
 * The chat's model: in the product it is whatever model the user picked in VS Code's Chat view
 * (vscode.lm), outside this project's reach, so a test model with the same contract.
 */
class ScriptedChatModel implements ExternalChatModel {
  readonly calls: ChatMessage[][] = [];
  readonly schemas: object[] = [];
  constructor(
    readonly name: string,
    private readonly replies: string[],
  ) {}

  async reply(messages: ChatMessage[], schema: object): Promise<string> {
    this.calls.push(messages.map((message) => ({ ...message })));
    this.schemas.push(schema);
    const next = this.replies.shift();
    if (next === undefined) throw new Error('the test model has no more replies');
    return next;
  }
}

describe('AI chat: prose answers and the chat model', function () {
  this.timeout(20_000);
  const servers: OllamaStandIn[] = [];
  const start = async (models = [{ name: MODEL }]) => {
    const server = await OllamaStandIn.start({ models });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const inferenceFor = (settings: Partial<AiSettings>) => new OllamaInference(resolveAiSettings({}, { model: MODEL, ...settings }));

  describe('OllamaInference.prose', () => {
    it('streams the answer to onText in order, and says which model and host answered', async () => {
      const ollama = await start();
      const answer = 'Start **#3 Build the login form**: its dependency #2 is done, and #5 waits on it.';
      ollama.script({ content: answer, chunkSize: 7 });
      const inference = inferenceFor({ endpoints: [ollama.url] });
      const chunks: string[] = [];
      const result = await inference.prose('plan-question', question, (text) => chunks.push(text));
      assert.deepEqual(result, { model: MODEL, host: ollama.url });
      assert.equal(chunks.join(''), answer);
      assert.equal(chunks.length, Math.ceil(answer.length / 7), 'each streamed chunk as it came');
      assert.equal(chunks[0], answer.slice(0, 7));
      assert.equal(inference.recentCalls.at(-1)?.operation, 'plan-question');
    });

    it('asks for plain text: no format in the request, the messages as given, streaming on', async () => {
      const ollama = await start();
      ollama.script({ content: 'Task 3.' });
      await inferenceFor({ endpoints: [ollama.url] }).prose('plan-question', question, () => undefined);
      assert.equal(ollama.requests.length, 1);
      const request = ollama.requests[0];
      assert.ok(!('format' in request), `no format sent: ${JSON.stringify(request.format)}`);
      assert.deepEqual(request.messages, question);
      assert.notEqual(request.stream, false);
      assert.equal(request.model, MODEL);
      assert.equal(request.options?.num_ctx, 8192);
    });

    it('is never cached: the same question asked twice reaches the server twice', async () => {
      const ollama = await start();
      ollama.script({ content: 'First.' }, { content: 'Second.' });
      const inference = inferenceFor({ endpoints: [ollama.url] });
      const answers: string[] = [];
      for (let i = 0; i < 2; i++) {
        let text = '';
        await inference.prose('plan-question', question, (chunk) => (text += chunk));
        answers.push(text);
      }
      assert.deepEqual(answers, ['First.', 'Second.']);
      assert.equal(ollama.requestCounts['/api/chat'], 2);
    });

    it('falls back to the second host when the first is down', async () => {
      const down = await start();
      await down.stop();
      const ollama = await start();
      ollama.script({ content: 'From the second host.' });
      let text = '';
      const result = await inferenceFor({ endpoints: [down.url, ollama.url] }).prose('plan-question', question, (chunk) => (text += chunk));
      assert.equal(result.host, ollama.url);
      assert.equal(text, 'From the second host.');
    });

    it('throws OllamaUnreachableError naming the hosts when every host is down, without calling onText', async () => {
      const [first, second] = [await start(), await start()];
      await Promise.all([first.stop(), second.stop()]);
      const chunks: string[] = [];
      await assert.rejects(
        inferenceFor({ endpoints: [first.url, second.url] }).prose('plan-question', question, (text) => chunks.push(text)),
        (error: unknown) => OllamaUnreachableError.is(error) && error.message.includes(first.url) && error.message.includes(second.url),
      );
      assert.deepEqual(chunks, []);
    });

    it('leaves out <think> reasoning, even when its tags are split across chunks', async () => {
      const ollama = await start();
      ollama.script({ content: 'Start with <think>the user wants the next task; 3 is ready</think>task #3.', chunkSize: 3 });
      const chunks: string[] = [];
      await inferenceFor({ endpoints: [ollama.url] }).prose('plan-question', question, (text) => chunks.push(text));
      assert.equal(chunks.join(''), 'Start with task #3.');
      assert.ok(chunks.length > 1, 'still streamed');
    });

    it('does not repeat itself: an answer that breaks off midway is an error, not a second answer from the next host', async () => {
      const [first, second] = [await start(), await start()];
      first.script({ content: 'The first half of the answer, then the stream fails.', chunkSize: 8, midStreamError: 'model runner crashed' });
      second.script({ content: 'A whole second answer.' });
      let text = '';
      await assert.rejects(
        inferenceFor({ endpoints: [first.url, second.url] }).prose('plan-question', question, (chunk) => (text += chunk)),
        /stopped midway/,
      );
      assert.ok(text.length > 0 && !text.includes('second answer'), text);
      assert.equal(second.requestCounts['/api/chat'] ?? 0, 0);
    });

    it('says so when the answer was cut off at the length limit', async () => {
      const ollama = await start();
      ollama.script({ content: 'The answer goes on and', doneReason: 'length' });
      let text = '';
      await inferenceFor({ endpoints: [ollama.url] }).prose('plan-question', question, (chunk) => (text += chunk));
      assert.match(text, /^The answer goes on and\n\n\*\(The answer was cut off/);
    });

    it('throws ModelNotFoundError when the host does not have the model', async () => {
      const ollama = await start([{ name: 'llama3.1:8b' }]);
      await assert.rejects(
        inferenceFor({ endpoints: [ollama.url] }).prose('plan-question', question, () => undefined),
        (error: unknown) => ModelNotFoundError.is(error) && error.models.includes(MODEL),
      );
    });
  });

  describe('structured answers from the chat model', () => {
    const subtasks = JSON.stringify({ subtasks: [{ id: 1, title: 'Step', description: 'd', details: 'h', testStrategy: 't', dependencies: [] }] });

    it('answers through the given model and sends nothing to Ollama', async () => {
      const ollama = await start();
      const model = new ScriptedChatModel('copilot/gpt-test', [subtasks]);
      const result = await inferenceFor({ endpoints: [ollama.url] }).structured<{ subtasks: unknown[] }>('expand-task', question, SUBTASKS_SCHEMA, { model });
      assert.equal(result.model, 'copilot/gpt-test');
      assert.equal(result.value.subtasks.length, 1);
      assert.equal(model.calls.length, 1);
      assert.deepEqual(model.calls[0], question);
      assert.equal(model.schemas[0], SUBTASKS_SCHEMA, 'the schema travels with the request');
      assert.deepEqual(ollama.requestCounts, {}, 'not even a model list was asked for');
    });

    it('repairs an invalid first reply by feeding the error back to the same model', async () => {
      const ollama = await start();
      const model = new ScriptedChatModel('copilot/gpt-test', ['Here you go: {"subtasks": [{"title": ""}]}', subtasks]);
      const logged: string[] = [];
      const result = await inferenceFor({ endpoints: [ollama.url] }).structured<{ subtasks: unknown[] }>('expand-task', question, SUBTASKS_SCHEMA, { model, log: (line) => logged.push(line) });
      assert.equal(result.value.subtasks.length, 1);
      assert.equal(model.calls.length, 2);
      const second = model.calls[1];
      assert.deepEqual(second.slice(0, question.length), question);
      assert.deepEqual(second.at(-2), { role: 'assistant', content: 'Here you go: {"subtasks": [{"title": ""}]}' });
      assert.match(second.at(-1)!.content, /does not match the schema/);
      assert.ok(logged.some((line) => line.includes('Raw reply')));
      assert.deepEqual(ollama.requestCounts, {});
    });
  });

  describe('AiService: proposals first, written on apply', () => {
    let ollama: OllamaStandIn;
    beforeEach(async () => (ollama = await start()));

    async function setup() {
      const project = await makeProject(tagged({ master: [task({ id: 1, title: 'Build the API', status: 'done' }), task({ id: 2, dependencies: [1] }), task({ id: 5 })], other: [task({ id: 1 })] }));
      const store = new TaskStore(locatePlan(project.root));
      await store.reload();
      const before = await fs.readFile(project.tasksFile, 'utf8');
      const read = async () => JSON.parse(await fs.readFile(project.tasksFile, 'utf8'));
      return {
        ...project,
        store,
        ai: new AiService(inferenceFor({ endpoints: [ollama.url] })),
        before,
        read,
        unchanged: async () => assert.equal(await fs.readFile(project.tasksFile, 'utf8'), before, 'tasks.json is byte-identical'),
      };
    }

    it('proposes tasks from a PRD without writing, then applies them with ids and dependencies mapped, and Undo restores the tag', async () => {
      const { ai, store, unchanged, read, before } = await setup();
      // Reply ids 1-3 become 6-8; 5 is not a reply id, so it is the existing task 5; 9 is nowhere.
      ollama.script({ content: tasksReply(['Sign-up page', [5]], ['Email verification', [1]], ['Audit log', [2, 9]]) });
      const proposal = await ai.proposeTasksFromPrd(store, { text: '# Accounts\nUsers sign up and verify their email.' });
      assert.deepEqual(proposal.tasks.map((t) => t.title), ['Sign-up page', 'Email verification', 'Audit log']);
      assert.deepEqual([proposal.tag, proposal.model, proposal.operation], ['master', MODEL, 'Parse PRD']);
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /Users sign up and verify their email/);
      await unchanged();
      assert.equal(ai.lastChange(store, 'master'), undefined, 'nothing to undo yet');

      const outcome = await ai.applyProposedTasks(store, proposal);
      assert.deepEqual(outcome.ids, ['6', '7', '8']);
      assert.equal(outcome.warnings.length, 1);
      assert.match(outcome.warnings[0], /Audit log.*dependency 9/);
      const saved = await read();
      assert.deepEqual(
        saved.master.tasks.map((t: { id: number; title: string; status: string; priority: string; dependencies: number[] }) => [t.id, t.title, t.status, t.priority, t.dependencies]),
        [
          [1, 'Build the API', 'done', 'medium', []],
          [2, 'Task 2', 'pending', 'medium', [1]],
          [5, 'Task 5', 'pending', 'medium', []],
          [6, 'Sign-up page', 'pending', 'high', [5]],
          [7, 'Email verification', 'pending', 'high', [6]],
          [8, 'Audit log', 'pending', 'high', [7]],
        ],
      );
      assert.deepEqual(saved.other, JSON.parse(before).other, 'other tags untouched');

      const change = await ai.undoLastChange(store, 'master');
      assert.equal(change.operation, 'Parse PRD');
      assert.deepEqual((await read()).master.tasks, JSON.parse(before).master.tasks);
      assert.deepEqual((await read()).other, JSON.parse(before).other);
      assert.equal(ai.lastChange(store, 'master'), undefined, 'one level of undo');
    });

    it('numbers new tasks after the plan\'s highest id in the prompt, so a dependency on an existing task stays one', async () => {
      const { ai, store, read } = await setup();
      // As the prompt asks: new tasks 6 and 7; 7 depends on the new 6 and on the existing 2.
      ollama.script({ content: JSON.stringify({ tasks: [{ id: 6, title: 'Sign-up page', description: 'd', details: 'h', testStrategy: 't', priority: 'high', dependencies: [] }, { id: 7, title: 'Email verification', description: 'd', details: 'h', testStrategy: 't', priority: 'high', dependencies: [6, 2] }] }) });
      const proposal = await ai.proposeTasksFromPrd(store, { text: '# Accounts' });
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /id \(6, 7, 8 … in order\)/);
      await ai.applyProposedTasks(store, proposal);
      const added = (await read()).master.tasks.slice(-2).map((t: { id: number; dependencies: number[] }) => [t.id, t.dependencies]);
      assert.deepEqual(added, [[6, []], [7, [6, 2]]]);
    });

    it('answers a question from a compact plan view, through Ollama or the chat\'s model', async () => {
      const { ai, store } = await setup();
      const tag = (await store.load()).plan.tags.get('master')!;
      ollama.script({ content: 'Do #5 after #2.' });
      let text = '';
      const viaOllama = await ai.answerQuestion(tag, 'what should I do after 2?', [], (chunk) => (text += chunk));
      assert.deepEqual([viaOllama.model, text], [MODEL, 'Do #5 after #2.']);
      const sent = ollama.requests[0].messages!;
      assert.match(sent[0].content, /<plan>[\s\S]*2 \[pending\] medium: Task 2; after 1[\s\S]*## 2: Task 2[\s\S]*<\/plan>/);
      assert.equal(sent.at(-1)!.content, 'what should I do after 2?');
      const chat = new ScriptedChatModel('test/model', ['From the chat model.']);
      let chatText = '';
      const viaChat = await ai.answerQuestion(tag, 'what next?', [{ role: 'user', content: 'earlier' }], (chunk) => (chatText += chunk), { model: chat });
      assert.deepEqual([viaChat.model, chatText], ['test/model', 'From the chat model.']);
      assert.equal(chat.calls[0][0].content, 'earlier', 'the conversation so far comes first');
      assert.equal(ollama.requestCounts['/api/chat'], 1, 'the chat model answered; Ollama was not asked again');
    });

    it('proposes tasks from code without writing, with the code in the prompt; apply then writes them', async () => {
      const { ai, store, unchanged, read } = await setup();
      const code = 'export function charge(card) {\n  // TODO: retry on 503\n  return gateway.charge(card);\n}';
      ollama.script({ content: tasksReply(['Retry payment on 503', [5]], ['Test the charge path', [1]]) });
      const proposal = await ai.proposeTasksFromCode(store, { code, source: 'src/pay.ts' });
      assert.deepEqual(proposal.tasks.map((t) => t.title), ['Retry payment on 503', 'Test the charge path']);
      assert.equal(proposal.operation, 'Tasks from code');
      const prompt = ollama.requests[0].messages!.at(-1)!.content;
      assert.ok(prompt.includes(code) && prompt.includes('src/pay.ts'));
      assert.deepEqual(ollama.requests[0].format, CODE_TASKS_SCHEMA);
      await unchanged();

      const outcome = await ai.applyProposedTasks(store, proposal);
      assert.deepEqual(outcome.ids, ['6', '7']);
      const saved = (await read()).master.tasks;
      assert.deepEqual(saved.slice(3).map((t: { id: number; dependencies: number[] }) => [t.id, t.dependencies]), [
        [6, [5]],
        [7, [6]],
      ]);
      const change = await ai.undoLastChange(store, 'master');
      assert.equal(change.operation, 'Tasks from code');
      assert.deepEqual((await read()).master.tasks.map((t: { id: number }) => t.id), [1, 2, 5]);
    });

    it('accepts "nothing needed" from code: an empty list is a valid answer, asked once, not an error', async () => {
      const { ai, store, unchanged } = await setup();
      ollama.script({ content: '{"tasks": []}' });
      const proposal = await ai.proposeTasksFromCode(store, { code: 'export const answer = 42;', source: 'src/answer.ts' });
      assert.deepEqual(proposal.tasks, []);
      assert.equal(ollama.requestCounts['/api/chat'], 1, 'no repair round for a valid empty answer');
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /none if the code needs nothing/);
      await unchanged();
    });

    it('refuses empty code, and proposes through the chat model without asking Ollama', async () => {
      const { ai, store, unchanged } = await setup();
      await assert.rejects(ai.proposeTasksFromCode(store, { code: '  \n ', source: 'src/empty.ts' }), (error: unknown) => error instanceof OperationError && /no code/.test(error.message));
      const model = new ScriptedChatModel('copilot/gpt-test', [tasksReply(['Handle EACCES', []])]);
      const proposal = await ai.proposeTasksFromCode(store, { code: 'fs.readFileSync(p) // FIXME', source: 'src/read.ts' }, { model });
      assert.equal(proposal.model, 'copilot/gpt-test');
      assert.deepEqual(proposal.tasks.map((t) => t.title), ['Handle EACCES']);
      assert.deepEqual(ollama.requestCounts, {});
      await unchanged();
    });
  });
});

describe('language-model tool confirmations', () => {
  const tool = (name: string) => PLAN_TOOLS.find((candidate) => candidate.name === name)!;

  it('shows a model-written title as literal text: no link, emphasis, html or icon in the dialog', () => {
    const { confirmation } = toolConfirmation(tool('add_task'), { title: '[Go](https://x.io) **now** <b>$(zap)' });
    assert.equal(confirmation!.markdown, 'Add task "\\[Go\\]\\(https://x\\.io\\) \\*\\*now\\*\\* \\<b\\>\\$\\(zap\\)".\n\nThis changes tasks.json.');
  });

  it('asks no confirmation for a read-only tool', () => {
    assert.equal(toolConfirmation(tool('get_tasks'), {}).confirmation, undefined);
  });
});
