import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { revokeToken } from '../../../src/server/tokens';
import { mcpClient, startPlanServer, type RunningPlanServer } from '../../support/planServerHarness';
import { tagged, task, taskMasterText } from '../../support/planBuilder';

const plan = () => tagged({ master: [task({ id: 1, title: 'Design' }), task({ id: 2, title: 'Build', dependencies: [1] })] });
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so Host, Origin and the body size are exactly as a test sets them. */
function request(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(options.path, url), { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe('tml serve: who may use the plan server', () => {
  let running: RunningPlanServer;
  afterEach(() => running?.close());

  it('answers /healthz without a token; everything else needs a known bearer token (401 with WWW-Authenticate)', async () => {
    running = await startPlanServer(plan());
    const health = await request(running.url, { path: '/healthz' });
    assert.deepEqual([health.status, JSON.parse(health.body)], [200, { status: 'ok', projects: 1 }]);
    for (const path of ['/plans', '/plans/demo', '/metrics', '/mcp/demo']) {
      const none = await request(running.url, { path });
      assert.equal(none.status, 401, path);
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      assert.equal(JSON.parse(none.body).error, 'unauthorized');
      const unknown = await request(running.url, { path, headers: bearer('tml_' + 'A'.repeat(43)) });
      assert.equal(unknown.status, 401, path);
      assert.match(JSON.parse(unknown.body).message, /Unknown or revoked token/);
    }
    assert.equal((await request(running.url, { path: '/plans', headers: bearer(running.readToken) })).status, 200);
  });

  it('refuses a revoked token without a restart', async () => {
    running = await startPlanServer(plan());
    assert.equal((await request(running.url, { path: '/plans', headers: bearer(running.readToken) })).status, 200);
    await revokeToken(running.tokensFile, 'reader');
    let status = 200;
    while (status === 200) status = (await request(running.url, { path: '/plans', headers: bearer(running.readToken) })).status;
    assert.equal(status, 401);
    assert.equal((await request(running.url, { path: '/plans', headers: bearer(running.writeToken) })).status, 200, 'the other token still works');
  });

  it('refuses a Host or Origin it does not serve (DNS rebinding), and takes the allowed ones', async () => {
    running = await startPlanServer(plan(), { allowedHosts: ['plans.lan'], allowedOrigins: ['https://editor.lan'] });
    const port = new URL(running.url).port;
    const get = (headers: Record<string, string>) => request(running.url, { path: '/plans', headers: { ...bearer(running.readToken), ...headers } });
    const wrongHost = await get({ Host: `evil.example:${port}` });
    assert.equal(wrongHost.status, 421);
    assert.equal(JSON.parse(wrongHost.body).error, 'host-not-allowed');
    assert.equal((await get({ Host: `localhost:${port}` })).status, 200);
    assert.equal((await get({ Host: 'plans.lan' })).status, 200, 'an allowed host without a port, as a reverse proxy sends it');
    const wrongOrigin = await get({ Origin: 'http://evil.example' });
    assert.equal(wrongOrigin.status, 403);
    assert.equal(JSON.parse(wrongOrigin.body).error, 'origin-not-allowed');
    assert.equal((await get({ Origin: 'https://editor.lan' })).status, 200);
    assert.equal((await get({ Origin: `http://127.0.0.1:${port}` })).status, 200, 'same host');
  });

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    running = await startPlanServer(plan(), { maxBodyBytes: 1024 });
    const before = await fs.readFile(running.tasksFile, 'utf8');
    const big = taskMasterText(tagged({ master: Array.from({ length: 40 }, (_, i) => task({ id: i + 1, title: 'x'.repeat(40) })) }));
    const reply = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...bearer(running.writeToken), 'If-Match': `"${sha256(before)}"` }, body: big });
    assert.equal(reply.status, 413);
    assert.equal(JSON.parse(reply.body).error, 'body-too-large');
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), before);
  });

  it('limits requests per token: 429 with Retry-After once the minute\'s share is used, other tokens unaffected', async () => {
    running = await startPlanServer(plan(), { rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await request(running.url, { path: '/plans', headers: bearer(running.readToken) })).status, 200);
    const limited = await request(running.url, { path: '/plans', headers: bearer(running.readToken) });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(JSON.parse(limited.body).error, 'rate-limited');
    assert.equal((await request(running.url, { path: '/plans', headers: bearer(running.writeToken) })).status, 200);
  });

  it('gives a read token 403 on every write: PUT /plans, PUT state and a mutating MCP tool; reading tools still work', async () => {
    running = await startPlanServer(plan());
    const before = await fs.readFile(running.tasksFile, 'utf8');
    const put = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...bearer(running.readToken), 'If-Match': `"${sha256(before)}"` }, body: before });
    assert.equal(put.status, 403);
    assert.equal(JSON.parse(put.body).error, 'read-only-token');
    const state = await request(running.url, { method: 'PUT', path: '/plans/demo/state', headers: bearer(running.readToken), body: '{"currentTag":"x"}' });
    assert.equal(state.status, 403);
    const client = await mcpClient(`${running.url}/mcp/demo`, running.readToken);
    try {
      const tasks = (await client.callTool({ name: 'get_tasks', arguments: {} })) as ToolResult;
      assert.ok(!tasks.isError, tasks.content[0].text);
      await assert.rejects(client.callTool({ name: 'set_task_status', arguments: { id: '1', status: 'done' } }), /403|read scope/);
    } finally {
      await client.close();
    }
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), before);
  });
});

describe('tml serve: the plan over plain HTTP (the editor\'s remote mode)', () => {
  let running: RunningPlanServer;
  afterEach(() => running?.close());

  it('GET gives the bytes with their sha256 as ETag; PUT needs If-Match, refuses a stale one (412 with the current ETag) and a non-plan (422)', async () => {
    running = await startPlanServer(plan());
    const headers = bearer(running.writeToken);
    const got = await request(running.url, { path: '/plans/demo', headers });
    assert.equal(got.status, 200);
    assert.equal(got.body, await fs.readFile(running.tasksFile, 'utf8'));
    assert.equal(got.headers.etag, `"${sha256(got.body)}"`);
    const listed = JSON.parse((await request(running.url, { path: '/plans', headers })).body);
    assert.deepEqual(listed, { projects: [{ name: 'demo', etag: sha256(got.body) }] });

    const edited = got.body.replace('"Design"', '"Design the API"');
    assert.equal((await request(running.url, { method: 'PUT', path: '/plans/demo', headers, body: edited })).status, 428);
    const invalid = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...headers, 'If-Match': got.headers.etag! }, body: '{"master": [' });
    assert.equal(invalid.status, 422);
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), got.body, 'nothing written');

    // Someone else writes first: the PUT made from the older read is refused.
    const theirs = got.body.replace('"Build"', '"Build it"');
    await fs.writeFile(running.tasksFile, theirs);
    const stale = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...headers, 'If-Match': got.headers.etag! }, body: edited });
    assert.equal(stale.status, 412);
    assert.deepEqual(JSON.parse(stale.body), { error: 'stale', message: JSON.parse(stale.body).message, etag: sha256(theirs) });
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), theirs);

    // Re-fetch, re-apply, retry: written whole, and the new ETag is the new bytes'.
    const again = await request(running.url, { path: '/plans/demo', headers });
    const merged = again.body.replace('"Design"', '"Design the API"');
    const written = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...headers, 'If-Match': again.headers.etag! }, body: merged });
    assert.equal(written.status, 200, written.body);
    assert.deepEqual(JSON.parse(written.body), { etag: sha256(merged) });
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), merged);
    assert.ok(running.logs.some((line) => line.msg === 'plan written' && line.token === 'writer'));
  });

  it('never overwrites a tasks.json that does not parse, even with its ETag', async () => {
    running = await startPlanServer(plan());
    const broken = '{"master": {"tasks": [';
    await fs.writeFile(running.tasksFile, broken);
    const reply = await request(running.url, { method: 'PUT', path: '/plans/demo', headers: { ...bearer(running.writeToken), 'If-Match': `"${sha256(broken)}"` }, body: taskMasterText(plan()) });
    assert.equal(reply.status, 409);
    assert.equal(await fs.readFile(running.tasksFile, 'utf8'), broken);
  });

  it('reads and switches the current tag through /state', async () => {
    running = await startPlanServer(tagged({ master: [task({ id: 1 })], feature: [task({ id: 1 })] }));
    const headers = bearer(running.writeToken);
    assert.deepEqual(JSON.parse((await request(running.url, { path: '/plans/demo/state', headers })).body), { currentTag: 'master' });
    assert.equal((await request(running.url, { method: 'PUT', path: '/plans/demo/state', headers, body: '{"currentTag":"feature"}' })).status, 200);
    assert.deepEqual(JSON.parse((await request(running.url, { path: '/plans/demo/state', headers })).body), { currentTag: 'feature' });
    assert.equal((await request(running.url, { method: 'PUT', path: '/plans/demo/state', headers, body: '{}' })).status, 422);
    assert.equal((await request(running.url, { path: '/plans/nope', headers })).status, 404);
  });
});

describe('tml serve: MCP over Streamable HTTP', () => {
  let running: RunningPlanServer;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await running?.close();
  });

  it('serves the plan tools bound to the project, and counts each call, its latency and its errors per token in /metrics', async () => {
    running = await startPlanServer(plan());
    const client = await mcpClient(`${running.url}/mcp`, running.writeToken);
    clients.push(client);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('get_tasks') && names.includes('set_task_status'));
    const set = (await client.callTool({ name: 'set_task_status', arguments: { id: '1', status: 'done' } })) as ToolResult;
    assert.ok(!set.isError, set.content[0].text);
    assert.equal(JSON.parse(await fs.readFile(running.tasksFile, 'utf8')).master.tasks[0].status, 'done');
    const outside = (await client.callTool({ name: 'get_tasks', arguments: { projectRoot: '/' } })) as ToolResult;
    assert.ok(outside.isError);
    assert.match(outside.content[0].text, /outside/);
    const metrics = await request(running.url, { path: '/metrics', headers: bearer(running.readToken) });
    assert.match(metrics.body, /^tml_tool_calls_total\{tool="set_task_status",token="writer",outcome="ok"\} 1$/m);
    assert.match(metrics.body, /^tml_plan_writes_total\{project="demo"\} 1$/m);
    assert.match(metrics.body, /^tml_http_request_duration_seconds_bucket\{route="mcp",token="writer",le="\+Inf"\} [1-9]\d*$/m);
    const refused = await request(running.url, { path: '/plans/nope', headers: bearer(running.readToken) });
    assert.equal(refused.status, 404);
    const after = await request(running.url, { path: '/metrics', headers: bearer(running.readToken) });
    assert.match(after.body, /^tml_errors_total\{kind="no-project",token="reader"\} 1$/m);
    assert.match(after.body, /^tml_http_request_duration_seconds_count\{route="plans",token="reader"\} 1$/m);
  });

  it('offers the plan as a resource and tells subscribers when anyone changes the file (here a plain fs write)', async () => {
    running = await startPlanServer(plan());
    const client = await mcpClient(`${running.url}/mcp/demo`, running.readToken);
    clients.push(client);
    const uri = 'taskmaster://demo/tasks.json';
    assert.deepEqual((await client.listResources()).resources.map((resource) => [resource.uri, resource.mimeType]), [[uri, 'application/json']]);
    const read = await client.readResource({ uri });
    assert.equal((read.contents[0] as { text: string }).text, await fs.readFile(running.tasksFile, 'utf8'));
    const updates: string[] = [];
    const updated = new Promise<void>((resolve) =>
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
        updates.push(notification.params.uri);
        resolve();
      }),
    );
    await client.subscribeResource({ uri });
    await fs.writeFile(running.tasksFile, taskMasterText(tagged({ master: [task({ id: 1, title: 'Changed outside' })] })));
    await updated;
    assert.deepEqual(updates, [uri]);
    assert.match((((await client.readResource({ uri })).contents[0]) as { text: string }).text, /Changed outside/);
  });

  it('keeps a session to the token that opened it', async () => {
    running = await startPlanServer(plan());
    const client = await mcpClient(`${running.url}/mcp/demo`, running.writeToken);
    clients.push(client);
    const sessionId = (client.transport as { sessionId?: string }).sessionId!;
    const hijack = await request(running.url, {
      method: 'POST',
      path: '/mcp/demo',
      headers: { ...bearer(running.readToken), 'Mcp-Session-Id': sessionId, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    assert.equal(hijack.status, 404);
  });
});
