import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { readPlan, type Plan } from '../../../src/core/plan';
import { parseJson } from '../../../src/store/jsonText';
import { addToken } from '../../../src/server/tokens';
import { cliBundle } from '../../support/cliBundle';
import { mcpClient } from '../../support/planServerHarness';
import { OllamaStandIn } from '../../support/ollamaStandIn';
import { makeProject, tagged, task, tempDir } from '../../support/planBuilder';
import { startServeProcess, type ServeProcess } from '../../support/serveProcess';

const CLIENTS = 20;
const WRITES_PER_CLIENT = 50;

/** Task c+1 has one pending subtask per write its client makes: every write touches its own item. */
const busyPlan = () =>
  tagged({
    master: Array.from({ length: CLIENTS }, (_, c) => task({ id: c + 1, subtasks: Array.from({ length: WRITES_PER_CLIENT }, (_, s) => ({ id: s + 1 })) })),
  });

/** The bundled CLI's `serve` on a free port. */
async function serve(args: string[]): Promise<ServeProcess> {
  return startServeProcess(await cliBundle(), ['--port', '0', ...args]);
}

async function busyProject(): Promise<{ root: string; tasksFile: string; tokensFile: string; token: string }> {
  const { root, tasksFile } = await makeProject(busyPlan());
  const tokensFile = path.join(await tempDir('tml-tokens-'), 'tokens.json');
  return { root, tasksFile, tokensFile, token: await addToken(tokensFile, 'load', 'write') };
}

async function readValidPlan(file: string): Promise<Plan> {
  return readPlan(parseJson(await fs.readFile(file, 'utf8')));
}

function doneSubtasks(plan: Plan): Set<string> {
  const done = new Set<string>();
  for (const parent of plan.tags.get('master')!.tasks) for (const subtask of parent.subtasks) if (subtask.status === 'done') done.add(subtask.id);
  return done;
}

/**
 * Each client sets its subtasks to done one after another; `acknowledged` collects every write the
 * server answered. A client stops at its first failure (the server went away).
 */
async function writeAll(url: string, token: string, acknowledged: Set<string>, onWrite?: () => void): Promise<void> {
  const clients: Client[] = [];
  try {
    for (let c = 0; c < CLIENTS; c++) clients.push(await mcpClient(`${url}/mcp/demo`, token));
    await Promise.all(
      clients.map(async (client, c) => {
        for (let s = 1; s <= WRITES_PER_CLIENT; s++) {
          const id = `${c + 1}.${s}`;
          let result: { isError?: boolean; content: Array<{ text: string }> };
          try {
            // A request the killed server never answers fails after 10 s instead of the SDK's 60.
            result = (await client.callTool({ name: 'set_task_status', arguments: { id, status: 'done' } }, undefined, { timeout: 10_000 })) as typeof result;
          } catch {
            return;
          }
          assert.ok(!result.isError, result.content[0]?.text);
          acknowledged.add(id);
          onWrite?.();
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }
}

describe('tml serve as a process (the bundled CLI)', function () {
  this.timeout(180_000);
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('runs AI tools on the server\'s Ollama host and model (--endpoint, --model), for a client with no Ollama of its own', async () => {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }, { name: 'qwen2.5-coder:7b' }] });
    let client: Client | undefined;
    try {
      const { root, tasksFile, tokensFile, token } = await busyProject();
      const server = await serve(['--project', `demo=${root}`, '--tokens', tokensFile, '--endpoint', ollama.url, '--model', 'qwen2.5-coder:7b']);
      started.push(server.child);
      client = await mcpClient(`${server.url}/mcp/demo`, token);
      ollama.script({ content: JSON.stringify({ subtasks: [{ id: 1, title: 'Routes', description: '', details: '', dependencies: [] }] }) });
      const result = (await client.callTool({ name: 'expand_task', arguments: { id: '1', num: 1, research: false, force: true } })) as { isError?: boolean; content: Array<{ text: string }> };
      assert.ok(!result.isError, result.content[0]?.text);
      assert.equal(ollama.requests.at(-1)?.model, 'qwen2.5-coder:7b');
      const expanded = (await readValidPlan(tasksFile)).tags.get('master')!.tasks[0];
      assert.deepEqual(expanded.subtasks.map((subtask) => subtask.title), ['Routes']);
    } finally {
      await client?.close().catch(() => undefined);
      await ollama.stop();
    }
  });

  it('refuses a folder without a plan with a clear message (exit 2)', async () => {
    const empty = await tempDir();
    const child = spawn(process.execPath, [await cliBundle(), 'serve', '--project', `demo=${empty}`, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /project "demo": .* holds no Task Master plan/);
  });

  it(`loses no write from ${CLIENTS} MCP clients × ${WRITES_PER_CLIENT} writes on one plan, and the file is a valid plan at every read`, async () => {
    const project = await busyProject();
    const server = await serve(['--project', `demo=${project.root}`, '--tokens', project.tokensFile, '--rate-limit', '1000000']);
    started.push(server.child);
    assert.deepEqual(JSON.parse(server.log[0]).projects, ['demo']);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        await readValidPlan(project.tasksFile);
        reads++;
      }
    })();
    const acknowledged = new Set<string>();
    try {
      await writeAll(server.url, project.token, acknowledged);
    } finally {
      writing = false;
    }
    await reader;
    assert.equal(acknowledged.size, CLIENTS * WRITES_PER_CLIENT);
    assert.deepEqual([...doneSubtasks(await readValidPlan(project.tasksFile))].sort(), [...acknowledged].sort());
    assert.ok(reads > 0);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('SIGKILL during writes leaves tasks.json a valid plan holding every acknowledged write', async () => {
    const project = await busyProject();
    const server = await serve(['--project', `demo=${project.root}`, '--tokens', project.tokensFile, '--rate-limit', '1000000']);
    started.push(server.child);
    const acknowledged = new Set<string>();
    await writeAll(server.url, project.token, acknowledged, () => acknowledged.size === 100 && server.child.kill('SIGKILL'));
    await server.exited;
    const done = doneSubtasks(await readValidPlan(project.tasksFile));
    for (const id of acknowledged) assert.ok(done.has(id), `acknowledged write ${id} is on disk`);
  });

  it('SIGTERM during writes lets them finish and exits 0 with every acknowledged write on disk', async () => {
    const project = await busyProject();
    const server = await serve(['--project', `demo=${project.root}`, '--tokens', project.tokensFile, '--rate-limit', '1000000']);
    started.push(server.child);
    const acknowledged = new Set<string>();
    await writeAll(server.url, project.token, acknowledged, () => acknowledged.size === 100 && server.child.kill('SIGTERM'));
    assert.equal(await server.exited, 0);
    const done = doneSubtasks(await readValidPlan(project.tasksFile));
    for (const id of acknowledged) assert.ok(done.has(id), `acknowledged write ${id} is on disk`);
    assert.ok(acknowledged.size < CLIENTS * WRITES_PER_CLIENT, 'the server stopped taking writes');
    assert.ok(server.log.some((line) => JSON.parse(line).msg === 'stopped'));
  });

  it('a second SIGTERM while a request is still in flight stops at once (exit 130), the plan untouched', async () => {
    const project = await busyProject();
    const before = await fs.readFile(project.tasksFile, 'utf8');
    const server = await serve(['--project', `demo=${project.root}`, '--tokens', project.tokensFile]);
    started.push(server.child);
    // A PUT whose body never ends: the drain would wait for it.
    const stalled = http.request(`${server.url}/plans/demo`, { method: 'PUT', headers: { Authorization: `Bearer ${project.token}`, 'If-Match': '"x"', 'Content-Length': '100' } });
    stalled.on('error', () => undefined);
    await new Promise((resolve) => stalled.write('{', resolve));
    const draining = new Promise<void>((resolve) => server.child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('shutting down') && resolve()));
    // Time for the server to take the request's headers in (it is then in flight).
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.child.kill('SIGTERM');
    await draining;
    assert.equal(server.child.exitCode, null, 'still draining after the first signal');
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 130);
    assert.equal(await fs.readFile(project.tasksFile, 'utf8'), before);
  });
});
