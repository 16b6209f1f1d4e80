import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setStatuses } from '../../src/core/statusChange';
import { updateTask } from '../../src/core/operations';
import { PLAN_TOOLS } from '../../src/planTools';
import { PlanServerError, RemotePlanStore, type PlanServerConnection } from '../../src/remote/remotePlanStore';
import { PlanServer } from '../../src/server/planServer';
import { resolveServerConfig } from '../../src/server/serverConfig';
import { planFingerprint, type PlanState } from '../../src/store/planReader';
import { makeProject, tagged, task, taskMasterText, tempDir } from '../support/planBuilder';
import { tml } from '../support/tmlRunner';

interface Served {
  server: PlanServer;
  tasksFile: string;
  write: string;
  read: string;
  tokensFile: string;
  root: string;
}

const plan = () => tagged({ master: [task({ id: 1, title: 'Write the parser' }), task({ id: 2, title: 'Ship it', dependencies: [1] })] });

async function startServer(root: string, tokensFile: string, port = '0'): Promise<PlanServer> {
  const config = await resolveServerConfig({ projects: [`demo=${root}`], port, tokens: tokensFile, allowedHosts: [], allowedOrigins: [], logLevel: 'warn' });
  return PlanServer.start(config, { createAi: () => Promise.reject(new Error('no model in this test')), tools: PLAN_TOOLS, version: 'test', write: () => undefined });
}

async function serve(): Promise<Served> {
  const { root, tasksFile } = await makeProject(plan());
  const tokensFile = path.join(await tempDir(), 'tokens.json');
  const write = (await tml(['token', 'add', 'editor', '--scope', 'write', '--tokens', tokensFile])).out.trim();
  const read = (await tml(['token', 'add', 'viewer', '--scope', 'read', '--tokens', tokensFile])).out.trim();
  return { server: await startServer(root, tokensFile), tasksFile, write, read, tokensFile, root };
}

/** Another writer on the server's machine (the CLI, git, an editor there) sets a field of a master task. */
async function changeOnServer(tasksFile: string, index: number, field: string, value: string): Promise<void> {
  const data = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
  data.master.tasks[index][field] = value;
  await fs.writeFile(tasksFile, taskMasterText(data));
}

/** Resolves with the first value `event` fires that `accept` takes. */
function next<T>(event: (listener: (value: T) => void) => { dispose(): void }, accept: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!accept(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}

function statusOf(state: PlanState, id: string): string | undefined {
  assert.equal(state.kind, 'loaded');
  return state.kind === 'loaded' ? state.plan.tags.get('master')?.tasks.find((candidate) => candidate.id === id)?.status : undefined;
}

describe('RemotePlanStore: a plan kept by tml serve', () => {
  let served: Served;
  const stores: RemotePlanStore[] = [];
  const open = async (token: string | undefined, url = served.server.url) => {
    const store = new RemotePlanStore({ url, project: 'demo' }, { token, localRoot: await tempDir() });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    served = await serve();
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) store.dispose();
    await served.server.close();
  });

  it('loads the served tasks.json and its current tag', async () => {
    const store = await open(served.write);
    const loaded = await store.load();
    assert.equal(await store.loadedText(), await fs.readFile(served.tasksFile, 'utf8'));
    assert.equal(loaded.fingerprint, planFingerprint(await fs.readFile(served.tasksFile)));
    assert.equal(loaded.currentTag, 'master');
    assert.deepEqual(loaded.plan.tags.get('master')?.tasks.map((candidate) => candidate.title), ['Write the parser', 'Ship it']);
    assert.equal(store.connection.status, 'connected');
  });

  it('writes an edit into the server\'s file, changing only what the edit changes', async () => {
    const store = await open(served.write);
    await store.load();
    const before = await fs.readFile(served.tasksFile, 'utf8');
    await store.edit(setStatuses(['1'], 'done'));
    const after = await fs.readFile(served.tasksFile, 'utf8');
    assert.equal(JSON.parse(after).master.tasks[0].status, 'done');
    assert.equal(await store.loadedText(), after);
    assert.equal(store.state.kind === 'loaded' && store.state.fingerprint, planFingerprint(Buffer.from(after)));
    // The status and the times it touches changed; everything else is as it was.
    const strip = (text: string) => {
      const data = JSON.parse(text);
      delete data.master.tasks[0].status;
      delete data.master.tasks[0].updatedAt;
      delete data.master.metadata.updated;
      return data;
    };
    assert.deepEqual(strip(after), strip(before));
  });

  it('re-fetches and applies the edit again when another writer changed the plan (412), keeping both changes', async () => {
    const store = await open(served.write);
    await store.load();
    await changeOnServer(served.tasksFile, 1, 'title', 'Ship it on Friday');
    await store.edit(setStatuses(['1'], 'in-progress'));
    const written = JSON.parse(await fs.readFile(served.tasksFile, 'utf8'));
    assert.equal(written.master.tasks[0].status, 'in-progress');
    assert.equal(written.master.tasks[1].title, 'Ship it on Friday');
    assert.equal(statusOf(store.state, '1'), 'in-progress');
  });

  it('follows a change made on the server by someone else through the MCP resource subscription', async () => {
    const store = await open(served.write);
    await store.load();
    const following = next(store.onDidSubscribe, () => true);
    store.startWatching();
    await following;
    const changed = next(store.onDidChange, (state) => state.kind === 'loaded' && statusOf(state, '2') === 'review');
    await changeOnServer(served.tasksFile, 1, 'status', 'review');
    await changed;
  });

  it('follows a tag switched on the server (tml use-tag there writes state.json)', async () => {
    const data = JSON.parse(await fs.readFile(served.tasksFile, 'utf8'));
    data.feature = { tasks: [{ id: 1, title: 'Other work', description: '', details: '', testStrategy: '', status: 'pending', dependencies: [], priority: 'medium', subtasks: [] }], metadata: {} };
    await fs.writeFile(served.tasksFile, taskMasterText(data));
    const store = await open(served.write);
    await store.load();
    const following = next(store.onDidSubscribe, () => true);
    store.startWatching();
    await following;
    const switched = next(store.onDidChange, (state) => state.kind === 'loaded' && state.currentTag === 'feature');
    await tml(['use-tag', 'feature', '--project', served.root]);
    await switched;
  });

  it('says a missing or unknown token is refused (401) and what to do, with nothing loaded', async () => {
    for (const token of [undefined, 'tml_not-a-token']) {
      const store = await open(token);
      const error = await store.load().then(
        () => assert.fail('loaded without a valid token'),
        (caught: unknown) => caught,
      );
      assert.ok(PlanServerError.is(error));
      assert.equal(error.problem, 'unauthorized');
      assert.match(error.message, /401.*Connect to Plan Server/);
      assert.equal(store.connection.status, 'unauthorized');
      assert.equal(store.state.kind, 'missing');
    }
  });

  it('reads with a read token but refuses its edit (403): the edit throws, nothing is written, the plan stays as the server has it', async () => {
    const store = await open(served.read);
    await store.load();
    const before = await fs.readFile(served.tasksFile, 'utf8');
    await assert.rejects(store.edit(setStatuses(['1'], 'done')), (error: unknown) => PlanServerError.is(error) && error.problem === 'forbidden' && /write token/.test(error.message));
    assert.equal(await fs.readFile(served.tasksFile, 'utf8'), before);
    assert.equal(statusOf(store.state, '1'), 'pending');
    assert.equal(store.connection.status, 'connected', 'reading still works');
  });

  it('offline: an edit throws and is not shown as made; the last known plan stays; back online it reconnects and follows again', async () => {
    const store = await open(served.write);
    await store.load();
    store.startWatching();
    const port = new URL(served.server.url).port;
    const offline = next(store.onDidChangeConnection, (connection) => connection.status === 'offline');
    await served.server.close();
    await offline;
    await assert.rejects(store.edit(updateTask('1', { title: 'Lost?' })), (error: unknown) => PlanServerError.is(error) && error.problem === 'offline' && /Cannot reach the plan server.*Retry/.test(error.message));
    assert.equal(store.state.kind === 'loaded' && store.state.plan.tags.get('master')?.tasks[0].title, 'Write the parser');
    assert.equal(JSON.parse(await fs.readFile(served.tasksFile, 'utf8')).master.tasks[0].title, 'Write the parser');

    const back = next(store.onDidChangeConnection, (connection: PlanServerConnection) => connection.status === 'connected');
    const following = next(store.onDidSubscribe, () => true);
    served.server = await startServer(served.root, served.tokensFile, port);
    await store.retry();
    await back;
    await following;
    const changed = next(store.onDidChange, (state) => state.kind === 'loaded' && statusOf(state, '1') === 'blocked');
    await changeOnServer(served.tasksFile, 0, 'status', 'blocked');
    await changed;
  });
});
