import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { OperationError } from '../../src/core/operations';
import { estimateTokens, promptBudget } from '../../src/core/prompts';
import { parseDetailLevel, researchPrompt } from '../../src/core/researchPrompt';
import { researchFileName } from '../../src/core/researchRecord';
import { locatePlan } from '../../src/store/planLocation';
import { writeResearchFile } from '../../src/store/researchContext';
import { TaskStore } from '../../src/store/taskStore';
import { gitRepository } from '../support/gitRepository';
import { tml } from '../support/tmlRunner';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { tagged, task, taskMasterText, tempDir } from '../support/planBuilder';

const MODEL = 'qwen2.5-coder:7b';

const plan = () =>
  tagged({
    master: [
      task({ id: 1, title: 'Set up the database', status: 'done', details: 'PostgreSQL 16 with migrations in db/.' }),
      task({ id: 2, title: 'Build the login API', details: 'POST /login issues a JWT signed with RS256.', dependencies: [1], subtasks: [{ id: 1, title: 'Hash passwords', details: 'Use argon2id.' }] }),
      task({ id: 3, title: 'Write the billing report', details: 'Monthly CSV export.' }),
    ],
  });

describe('research: a question answered on Ollama with the project\'s context', function () {
  this.timeout(20_000);
  let ollama: OllamaStandIn;
  const stores: TaskStore[] = [];
  beforeEach(async () => {
    ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) store.dispose();
    await ollama.stop();
  });

  /** A git repository holding a plan, source files, an ignored build folder and node_modules. */
  async function project(numCtx?: number) {
    const repo = await gitRepository();
    await repo.commit('start', {
      '.taskmaster/tasks/tasks.json': taskMasterText(plan()),
      '.gitignore': 'build/\n',
      'src/auth/login.ts': 'export function login(user: string) {\n  return signJwt(user); // RS256\n}\n',
      'README.md': '# Shop\n',
    });
    await repo.write({ 'build/bundle.js': 'compiled', 'node_modules/left-pad/index.js': 'module.exports = 1;' });
    const store = new TaskStore(locatePlan(repo.root));
    stores.push(store);
    const ai = new AiService(new OllamaInference(resolveAiSettings({}, { model: MODEL, endpoints: [ollama.url], ...(numCtx ? { numCtx } : {}) })));
    return { root: repo.root, store, ai, read: async () => JSON.parse(await fs.readFile(path.join(repo.root, '.taskmaster/tasks/tasks.json'), 'utf8')) };
  }

  it('sends the chosen tasks, the files and the tree, streams the answer and says which Ollama model gave it', async () => {
    const { ai, store } = await project();
    ollama.script({ content: 'Use **argon2id** with the OWASP parameters; see #2.1.', chunkSize: 9 });
    let streamed = '';
    const answer = await ai.research(
      store,
      { query: 'Which password hashing parameters should we use?', taskIds: ['2.1', '2'], filePaths: ['src/auth/login.ts'], customContext: 'We deploy on 512 MB containers.', includeProjectTree: true, detailLevel: 'high' },
      (text) => (streamed += text),
    );
    assert.equal(streamed, 'Use **argon2id** with the OWASP parameters; see #2.1.');
    assert.equal(answer.answer, streamed);
    assert.deepEqual([answer.model, answer.host], [MODEL, ollama.url]);
    assert.deepEqual([answer.tasks, answer.files, answer.projectTree, answer.detailLevel], [['2.1', '2'], ['src/auth/login.ts'], true, 'high']);
    assert.deepEqual(answer.cuts, []);
    const sent = ollama.requests[0].messages!.map((message) => message.content).join('\n');
    assert.equal(ollama.requests[0].format, undefined, 'prose, not JSON');
    assert.match(sent, /We deploy on 512 MB containers\./);
    assert.match(sent, /## Chosen task 2\.1\n### 2\.1: Hash passwords[\s\S]*Use argon2id\./);
    assert.match(sent, /## Chosen task 2\n### 2: Build the login API[\s\S]*RS256/);
    assert.match(sent, /## File src\/auth\/login\.ts\n```\nexport function login\(user: string\)/);
    assert.match(sent, /└── src\/\n    └── auth\/\n        └── login\.ts/);
    assert.match(sent, /README\.md/);
    assert.doesNotMatch(sent, /node_modules|bundle\.js|build\/|\.git\//, 'no .git, node_modules or ignored folders in the tree');
    assert.match(sent, /Question: Which password hashing parameters should we use\?/);
    assert.match(sent, /Answer thoroughly/, 'the detail level is asked for');
    assert.ok(answer.contextChars > 0);
    assert.equal(answer.contextTokens, estimateTokens(ollama.requests[0].messages!.map((m) => ({ role: 'user' as const, content: m.content }))));
  });

  it('adds the tasks the question is about, besides the chosen ones', async () => {
    const { ai, store } = await project();
    ollama.script({ content: 'Export with a streaming CSV writer.' });
    const answer = await ai.research(store, { query: 'How should the billing report export its CSV?' });
    assert.deepEqual(answer.relatedTasks, ['3']);
    assert.match(ollama.requests[0].messages!.at(-1)!.content, /## Related task 3\n### 3: Write the billing report/);
  });

  it('refuses a file outside the project, and one that is missing, before asking the model', async () => {
    const { ai, store, root } = await project();
    const elsewhere = await tempDir();
    await fs.writeFile(path.join(elsewhere, 'secret.txt'), 'password');
    await fs.symlink(path.join(elsewhere, 'secret.txt'), path.join(root, 'link.txt'));
    for (const filePath of ['../outside.txt', path.join(elsewhere, 'secret.txt'), 'link.txt']) {
      await assert.rejects(ai.research(store, { query: 'What is in it?', filePaths: [filePath] }), (error: Error) => OperationError.is(error) && /outside/.test(error.message), filePath);
    }
    await assert.rejects(ai.research(store, { query: 'What is in it?', filePaths: ['src/nope.ts'] }), /File not found: src\/nope\.ts/);
    await assert.rejects(ai.research(store, { query: 'Tell me', taskIds: ['9'] }), /No task 9/);
    assert.equal(ollama.requests.length, 0);
  });

  it('appends the answer to a task as a timestamped note, keeping its details, and Undo takes it back', async () => {
    const { ai, store, read } = await project();
    ollama.script({ content: 'Use argon2id, m=19 MiB, t=2, p=1.' });
    const answer = await ai.research(store, { query: 'argon2 parameters?', detailLevel: 'low' });
    assert.equal(await ai.saveResearchToTask(store, answer, { id: '2.1' }), '2.1');
    const details: string = (await read()).master.tasks[1].subtasks[0].details;
    assert.match(
      details,
      /^Use argon2id\.\n\n<info added on (\S+)>\n## Research Query: argon2 parameters\?\n\n\*\*Detail Level:\*\* low\n\*\*Context Size:\*\* \d+ characters\n\*\*Timestamp:\*\* \S+\n\*\*Answered by:\*\* qwen2\.5-coder:7b on Ollama at http:\/\/127\.0\.0\.1:\d+\n\n### Results\n\nUse argon2id, m=19 MiB, t=2, p=1\.\n<\/info added on \1>$/,
    );
    assert.equal(ai.lastChange(store, 'master')?.operation, 'Research note on 2.1');
    await ai.undoLastChange(store, 'master');
    assert.equal((await read()).master.tasks[1].subtasks[0].details, 'Use argon2id.');
  });

  it('writes the answer to .taskmaster/docs/research under Task Master\'s file name, never over an earlier one', async () => {
    const { ai, store, root } = await project();
    ollama.script({ content: 'Answer one.' });
    const answer = await ai.research(store, { query: 'What about JWT key rotation?' });
    const now = new Date('2025-03-04T05:06:07.000Z');
    const first = await writeResearchFile(root, answer, now);
    const second = await writeResearchFile(root, { ...answer, answer: 'Answer two.' }, now);
    assert.equal(path.relative(root, first), path.join('.taskmaster', 'docs', 'research', '2025-03-04_what-about-jwt-key-rotation.md'));
    assert.equal(path.basename(second), '2025-03-04_what-about-jwt-key-rotation-2.md');
    const text = await fs.readFile(first, 'utf8');
    assert.match(text, /^---\ntitle: Research Session\nquery: "What about JWT key rotation\?"\ndate: 2025-03-04\ntime: 05:06:07\ntimestamp: 2025-03-04T05:06:07\.000Z\nexchanges: 1\nmodel: "qwen2\.5-coder:7b on Ollama at http:\/\/127\.0\.0\.1:\d+"\n---\n/);
    assert.match(text, /## Initial Query\n\n\*\*Question:\*\* What about JWT key rotation\?\n\n\*\*Response:\*\*\n\nAnswer one\.\n$/);
    assert.match(await fs.readFile(second, 'utf8'), /Answer two\./);
  });

  it('fits a small window: a big file is shortened and the tree left out, and the user is told', async () => {
    const { ai, store, root } = await project(2048);
    await fs.writeFile(path.join(root, 'big.ts'), 'const x = 1;\n'.repeat(2000));
    ollama.script({ content: 'ok' });
    const answer = await ai.research(store, { query: 'What does big.ts do?', taskIds: ['2'], filePaths: ['big.ts'], includeProjectTree: true });
    assert.deepEqual(answer.cuts, ['file big.ts was shortened', 'the project tree was left out']);
    const messages = ollama.requests[0].messages!.map((m) => ({ role: m.role as 'user', content: m.content }));
    assert.ok(estimateTokens(messages) <= promptBudget(2048), `${estimateTokens(messages)} tokens`);
    assert.match(messages.at(-1)!.content, /### 2: Build the login API[\s\S]*const x = 1;\n… \(cut here to fit the model's window\)\n```/);
  });
});

describe('tml research', function () {
  this.timeout(20_000);

  it('takes task-master\'s flags, streams the answer, names the Ollama model, and saves with --save-to and --save-file', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const repo = await gitRepository();
      await repo.commit('start', { '.taskmaster/tasks/tasks.json': taskMasterText(plan()), 'src/auth/login.ts': 'export const login = 1;\n' });
      ollama.script({ content: 'First line.\nSecond line about #2.', chunkSize: 5 });
      const run = await tml(['research', 'How do we rotate JWT keys?', '-i', '2', '-f', 'src/auth/login.ts', '-c', 'Kubernetes', '--tree', '-d', 'low', '--save-to', '2.1', '--save-file', '--endpoint', ollama.url, '--project', repo.root]);
      assert.equal(run.code, 0, run.err);
      const lines = run.out.split('\n');
      assert.match(lines[0], /^Researching "How do we rotate JWT keys\?" with your Ollama model \(task-master would ask its cloud research model\)/);
      assert.ok(run.out.includes('\nFirst line.\nSecond line about #2.\n'), run.out);
      assert.match(run.out, new RegExp(`Answered by ${MODEL} on Ollama at ${ollama.url.replace(/[.]/g, '\\.')}, detail low, with tasks 2; files src/auth/login\\.ts; the project tree\\.`));
      assert.match(run.out, /Saved to task 2\.1\.\nSaved to \.taskmaster\/docs\/research\/\d{4}-\d\d-\d\d_how-do-we-rotate-jwt-keys\.md\./);
      const sent = ollama.requests[0].messages!.at(-1)!.content;
      assert.match(sent, /Kubernetes[\s\S]*### 2: Build the login API[\s\S]*## File src\/auth\/login\.ts[\s\S]*## Project file tree/);
      const saved = JSON.parse(await fs.readFile(path.join(repo.root, '.taskmaster/tasks/tasks.json'), 'utf8'));
      assert.match(saved.master.tasks[1].subtasks[0].details, /## Research Query: How do we rotate JWT keys\?[\s\S]*Second line about #2\./);

      const refused = await tml(['research', 'Read it', '-f', '../../etc/passwd', '--endpoint', ollama.url, '--project', repo.root]);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /is outside/);
      const badDetail = await tml(['research', 'Q', '-d', 'huge', '--project', repo.root]);
      assert.deepEqual([badDetail.code, /one of low, medium, high/.test(badDetail.err)], [2, true]);
      assert.equal(ollama.requests.length, 1);
    } finally {
      await ollama.stop();
    }
  });

  it('takes -s/--save <file>, --file for tasks.json beside -f for context files, and -d in any case, as task-master does', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: MODEL }] });
    try {
      const repo = await gitRepository();
      await repo.commit('start', { 'plans/tasks.json': taskMasterText(plan()), 'src/auth/login.ts': 'export const login = 1;\n' });
      ollama.script({ content: 'Rotate keys monthly.' }, { content: 'Again.' });
      const run = await tml(['research', 'Key rotation?', '--file', 'plans/tasks.json', '-f', 'src/auth/login.ts', '-i', '2', '-d', 'HIGH', '-s', 'notes/rotation.md', '--endpoint', ollama.url, '--project', repo.root]);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /detail high, with tasks 2; files src\/auth\/login\.ts[.;]/);
      assert.match(run.out, /Saved to notes\/rotation\.md\./);
      const saved = await fs.readFile(path.join(repo.root, 'notes/rotation.md'), 'utf8');
      assert.match(saved, /^# Research Query: Key rotation\?\n\n\*\*Detail Level:\*\* high\n\*\*Context Size:\*\* \d+ characters\n\*\*Timestamp:\*\* \S+\n\*\*Answered by:\*\* .*\n\n## Results\n\nRotate keys monthly\.\n$/);
      assert.match(ollama.requests[0].messages!.at(-1)!.content, /### 2: Build the login API/, 'task 2 was read from the --file tasks.json');
      const again = await tml(['research', 'Again?', '--save', 'notes/rotation.md', '--json', '--endpoint', ollama.url, '--project', repo.root, '--file', 'plans/tasks.json']);
      assert.equal(JSON.parse(again.out).savedAs, path.join('notes', 'rotation.md'));
      assert.match(await fs.readFile(path.join(repo.root, 'notes/rotation.md'), 'utf8'), /Again\?[\s\S]*Again\.\n$/, 'the file is replaced, as task-master does');

      // Bad targets are refused before the model is asked.
      for (const [flag, value, message] of [['-s', '../outside.md', /is outside/], ['--save-to', 'two', /--save-to "two" is not a task id/], ['-i', '2,x', /--id "x" is not a task id/]] as const) {
        const refused = await tml(['research', 'Q', flag, value, '--endpoint', ollama.url, '--project', repo.root, '--file', 'plans/tasks.json']);
        assert.equal(refused.code, 2, `${flag} ${value}`);
        assert.match(refused.err, message);
      }
      assert.equal(ollama.requests.length, 2);
    } finally {
      await ollama.stop();
    }
  });
});

describe('research prompt and record: pure parts', () => {
  it('reads detail levels as Task Master does: low, medium (default), high, any case', () => {
    assert.deepEqual([parseDetailLevel(undefined), parseDetailLevel('LOW'), parseDetailLevel('high')], ['medium', 'low', 'high']);
    assert.throws(() => parseDetailLevel('max'), /one of low, medium, high/);
  });

  it('names files as Task Master does: date, slug of letters, digits and dashes, at most 50 characters', () => {
    const now = new Date('2025-12-31T23:59:59.000Z');
    assert.equal(researchFileName('How do I use React Query v5 with SSR?', now), '2025-12-31_how-do-i-use-react-query-v5-with-ssr.md');
    assert.equal(researchFileName('  --Spaces   and -- dashes--  ', now), '2025-12-31_spaces-and-dashes.md');
    assert.equal(researchFileName('x'.repeat(80), now), `2025-12-31_${'x'.repeat(50)}.md`);
    assert.equal(researchFileName('日本語', now), '2025-12-31_research-query.md');
  });

  it('fences a file that itself holds a code fence with a longer one', () => {
    const { messages } = researchPrompt({ query: 'q', detailLevel: 'medium', tasks: [], relatedTasks: [], files: [{ path: 'README.md', text: 'Run:\n```sh\nnpm test\n```' }] }, 4000);
    assert.match(messages.at(-1)!.content, /## File README\.md\n````\nRun:\n```sh\nnpm test\n```\n````/);
  });
});
