import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModelfile } from '../../src/ai/modelfile';
import { benchmarkPrompt } from '../../src/core/prompts';
import { parseHeaders, resolveAiSettings } from '../../src/ai/aiSettings';
import { AiService } from '../../src/ai/aiService';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { SUBTASKS_SCHEMA } from '../../src/core/aiSchemas';
import { OllamaStandIn } from '../support/ollamaStandIn';

describe('model management against an Ollama stand-in', () => {
  let ollama: OllamaStandIn;
  beforeEach(async () => {
    ollama = await OllamaStandIn.start({
      models: [{ name: 'qwen2.5-coder:7b', family: 'qwen2', parameterSize: '7.6B', quantization: 'Q4_K_M', size: 4_700_000_000 }],
      pullable: [{ name: 'llama3.1:8b', size: 4_900_000_000 }],
    });
  });
  afterEach(() => ollama.stop());

  const service = (settings = {}) => new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], ...settings })));

  it('lists installed models with size and family, skipping hosts that are down', async () => {
    const down = await OllamaStandIn.start();
    await down.stop();
    const models = await service().models.listModels([down.url, ollama.url]);
    assert.deepEqual(
      models.map((m) => [m.host, m.name, m.family, m.parameterSize, m.quantization, m.sizeBytes]),
      [[ollama.url, 'qwen2.5-coder:7b', 'qwen2', '7.6B', 'Q4_K_M', 4_700_000_000]],
    );
  });

  it('pulls a model with streamed progress, after which it is installed', async () => {
    const ai = service();
    const progress: Array<{ status: string; fraction?: number }> = [];
    await ai.models.pull(ollama.url, 'llama3.1:8b', (p) => progress.push(p));
    assert.equal(progress.at(-1)?.status, 'success');
    assert.ok(progress.some((p) => p.fraction !== undefined && p.fraction > 0 && p.fraction <= 1));
    assert.ok((await ai.models.listModels([ollama.url])).some((m) => m.name === 'llama3.1:8b'));
    await assert.rejects(ai.models.pull(ollama.url, 'no-such-model:1b', () => undefined));
  });

  it('reports health: version and loaded models, or why not', async () => {
    const ai = service();
    const up = await ai.models.health(ollama.url);
    assert.equal(up.reachable, true);
    assert.equal(up.version, ollama.version);
    await ollama.stop();
    const down = await ai.models.health(ollama.url);
    assert.equal(down.reachable, false);
    assert.ok(down.error);
  });

  it('sends proxy headers with every request', async () => {
    const headers = parseHeaders('Authorization: Bearer s3cret; X-Team: lab')!;
    assert.deepEqual(headers, { Authorization: 'Bearer s3cret', 'X-Team': 'lab' });
    assert.equal(parseHeaders('no colon here'), undefined);
    const ai = service({ model: 'qwen2.5-coder:7b', headers });
    ollama.script({ content: JSON.stringify({ subtasks: [{ id: 1, title: 'x', description: '', details: '', dependencies: [] }] }) });
    await ai.inference.structured('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA);
    assert.equal(ollama.requests[0].headers.authorization, 'Bearer s3cret');
    assert.equal(ollama.requests[0].headers['x-team'], 'lab');
  });

  it('sends proxy headers only to the origins they were given for', async () => {
    const headers = { Authorization: 'Bearer s3cret' };
    const reply = JSON.stringify({ subtasks: [{ id: 1, title: 'x', description: '', details: '', dependencies: [] }] });
    ollama.script({ content: reply }, { content: reply });
    await service({ model: 'qwen2.5-coder:7b', headers, headerOrigins: ['http://ollama.lan:11434'] }).inference.structured('expand-task', [{ role: 'user', content: 'go' }], SUBTASKS_SCHEMA);
    assert.equal(ollama.requests.at(-1)!.headers.authorization, undefined, 'another host never gets them');
    await service({ model: 'qwen2.5-coder:7b', headers, headerOrigins: [new URL(ollama.url).origin] }).inference.structured('expand-task', [{ role: 'user', content: 'again' }], SUBTASKS_SCHEMA);
    assert.equal(ollama.requests.at(-1)!.headers.authorization, 'Bearer s3cret');
  });
});

describe('optimized model and benchmark', () => {
  let ollama: OllamaStandIn;
  beforeEach(async () => (ollama = await OllamaStandIn.start({ models: [{ name: 'qwen2.5-coder:7b' }, { name: 'tiny:1b' }] })));
  afterEach(() => ollama.stop());

  it('creates the Taskmaster model from the shipped Modelfile template', async () => {
    const template = parseModelfile(readFileSync(path.join(__dirname, '..', '..', 'resources', 'taskmaster.Modelfile'), 'utf8'));
    assert.equal(template.from, 'qwen2.5-coder:7b');
    assert.equal(template.parameters.num_ctx, 8192);
    assert.match(template.system!, /JSON only/);
    const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url] })));
    const statuses: string[] = [];
    await ai.models.create(ollama.url, 'taskmaster-planner', 'qwen2.5-coder:7b', template, (status) => statuses.push(status));
    assert.equal(statuses.at(-1), 'success');
    const created = (await ai.models.listModels([ollama.url])).map((m) => m.name);
    assert.ok(created.includes('taskmaster-planner:latest'), created.join(', '));
  });

  it('stops a create or a pull when cancelled: the request is closed and no model is left behind', async () => {
    ollama.progressLineDelayMs = 50;
    ollama.pullable = [{ name: 'llama3.1:8b' }];
    const template = parseModelfile(readFileSync(path.join(__dirname, '..', '..', 'resources', 'taskmaster.Modelfile'), 'utf8'));
    const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url] })));
    const creating = new AbortController();
    await assert.rejects(ai.models.create(ollama.url, 'taskmaster-planner', 'qwen2.5-coder:7b', template, () => creating.abort(), creating.signal), (error: unknown) => (error as Error).name === 'AbortError');
    const pulling = new AbortController();
    await assert.rejects(ai.models.pull(ollama.url, 'llama3.1:8b', () => pulling.abort(), pulling.signal), (error: unknown) => (error as Error).name === 'AbortError');
    await ollama.idle();
    assert.equal(ollama.aborted, 2);
    assert.deepEqual((await ai.models.listModels([ollama.url])).map((m) => m.name).sort(), ['qwen2.5-coder:7b', 'tiny:1b']);
  });

  it('a cancelled listing or health check rejects instead of calling the host down', async () => {
    const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url] })));
    const cancelled = AbortSignal.abort();
    await assert.rejects(ai.models.listModels([ollama.url], cancelled));
    await assert.rejects(ai.models.health(ollama.url, cancelled));
    assert.equal((await ai.models.health(ollama.url)).reachable, true);
  });

  it('times the standard planning request per model and checks its output', async () => {
    const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url] }));
    const good = JSON.stringify({ subtasks: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, title: `S${i}`, description: '', details: '', dependencies: [] })) });
    ollama.script({ content: good, delayMs: 30, chunkDelayMs: 2 }, { content: '{"subtasks": "nope"}' });
    const [fast, wrong] = [await inference.measure(ollama.url, 'qwen2.5-coder:7b', benchmarkPrompt(), SUBTASKS_SCHEMA), await inference.measure(ollama.url, 'tiny:1b', benchmarkPrompt(), SUBTASKS_SCHEMA)];
    assert.equal(fast.valid, true);
    assert.ok(fast.firstTokenMs! >= 30 && fast.totalMs >= fast.firstTokenMs!);
    assert.ok(fast.tokensPerSecond! > 0);
    assert.equal(wrong.valid, false);
    const missing = await inference.measure(ollama.url, 'absent:3b', benchmarkPrompt(), SUBTASKS_SCHEMA);
    assert.equal(missing.valid, false);
    assert.match(missing.error!, /not found/);
    assert.match(ollama.requests[0].messages!.at(-1)!.content, /Rate-limit the public API/);
  });
});
