import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Ollama } from 'ollama';
import type { ChatResponse, GenerateResponse, ProgressResponse } from 'ollama';
import { OllamaStandIn, type ModelSpec } from '../support/ollamaStandIn';

// The stand-in is driven through the real `ollama` npm client, so these tests also pin down how
// that client talks: what it sends, how it streams, and how failures reach the caller.

const MODELS: ModelSpec[] = [
  { name: 'llama3.2', family: 'llama', parameterSize: '3.2B', capabilities: ['completion', 'tools'], contextLength: 131072 },
  { name: 'qwen3:8b', family: 'qwen3', parameterSize: '8.2B', capabilities: ['completion', 'tools', 'thinking'], size: 5_225_388_164 },
];
const PULLABLE: ModelSpec[] = [{ name: 'gemma3:1b', family: 'gemma3', parameterSize: '999.89M', size: 815_319_791 }];
const ASK = [{ role: 'user', content: 'Split the plan into tasks' }];

interface ClientError {
  name: string;
  message: string;
  status_code?: number;
  cause?: { code?: string };
}

/** The client's ResponseError is not exported: it is recognised by name and status_code. */
function responseError(status: number, message: RegExp) {
  return (error: unknown) => {
    const e = error as ClientError;
    assert.equal(e.name, 'ResponseError');
    assert.equal(e.status_code, status);
    assert.match(e.message, message);
    return true;
  };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('OllamaStandIn, driven by the ollama npm client', () => {
  let standIn: OllamaStandIn;
  let ollama: Ollama;

  beforeEach(async () => {
    standIn = await OllamaStandIn.start({ models: MODELS.map((m) => ({ ...m })), pullable: PULLABLE, version: '0.12.6' });
    ollama = new Ollama({ host: standIn.url });
  });

  afterEach(async () => {
    await standIn.stop();
  });

  describe('chat', () => {
    it('streams NDJSON chunks that join into the scripted reply, then a done chunk with statistics', async () => {
      const content = '{"tasks":[{"title":"Write the parser"}]}';
      standIn.script({ content, chunkSize: 7 });
      const chunks = await collect(await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true }));

      assert.equal(chunks.length, Math.ceil(content.length / 7) + 1);
      assert.equal(chunks.map((c) => c.message.content).join(''), content);
      assert.ok(chunks.slice(0, -1).every((c) => !c.done && c.message.role === 'assistant'));
      const last = chunks[chunks.length - 1];
      assert.equal(last.done, true);
      assert.equal(last.done_reason, 'stop');
      for (const field of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const) {
        assert.ok(Number.isInteger(last[field]) && last[field] > 0, field);
      }
      assert.equal(standIn.requests[0].stream, true);
      assert.deepEqual(standIn.requests[0].messages, ASK);
    });

    it('answers stream:false with one object holding the whole reply', async () => {
      standIn.script({ content: '{"ok":true}' });
      const reply = await ollama.chat({ model: 'llama3.2', messages: ASK, stream: false });
      assert.equal(reply.message.content, '{"ok":true}');
      assert.equal(reply.done, true);
      assert.equal(reply.done_reason, 'stop');
      assert.ok(reply.eval_count > 0);
    });

    it('gets stream:false from the client when stream is left out (the server alone would stream)', async () => {
      const reply = await ollama.chat({ model: 'llama3.2', messages: ASK });
      assert.equal(standIn.requests[0].stream, false);
      assert.equal(reply.message.content, '{}'); // the default reply when nothing is scripted
    });

    it('records format (a JSON schema object or "json"), options and keep_alive as sent', async () => {
      const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
      await ollama.chat({ model: 'llama3.2', messages: ASK, format: schema, options: { num_ctx: 8192, temperature: 0 }, keep_alive: '10m' });
      await ollama.chat({ model: 'llama3.2', messages: ASK, format: 'json', keep_alive: 0 });
      assert.deepEqual(standIn.requests[0].format, schema);
      assert.deepEqual(standIn.requests[0].options, { num_ctx: 8192, temperature: 0 });
      assert.equal(standIn.requests[0].keep_alive, '10m');
      assert.equal(standIn.requests[1].format, 'json');
      assert.equal(standIn.requests[1].keep_alive, 0);
    });

    it('takes scripted replies in order, and a function sees the request', async () => {
      standIn.script({ content: 'first' }, (request) => ({ content: `echo: ${request.messages?.[0].content}` }));
      const first = await ollama.chat({ model: 'llama3.2', messages: ASK });
      const second = await ollama.chat({ model: 'llama3.2', messages: ASK });
      const third = await ollama.chat({ model: 'llama3.2', messages: ASK });
      assert.deepEqual([first, second, third].map((r) => r.message.content), ['first', `echo: ${ASK[0].content}`, '{}']);
    });

    it('streams message.thinking before the content when a thinking model is asked to think', async () => {
      standIn.script({ thinking: 'The plan has three parts.', content: '{"tasks":[]}', chunkSize: 6 });
      const chunks = await collect(await ollama.chat({ model: 'qwen3:8b', messages: ASK, think: true, stream: true }));
      const firstContent = chunks.findIndex((c) => c.message.content !== '');
      const lastThinking = chunks.map((c) => Boolean(c.message.thinking)).lastIndexOf(true);
      assert.ok(lastThinking >= 0 && lastThinking < firstContent);
      assert.equal(chunks.map((c) => c.message.thinking ?? '').join(''), 'The plan has three parts.');
      assert.equal(chunks.map((c) => c.message.content).join(''), '{"tasks":[]}');

      standIn.script({ thinking: 'Short.', content: '{}' });
      const whole = await ollama.chat({ model: 'qwen3:8b', messages: ASK, think: true, stream: false });
      assert.equal(whole.message.thinking, 'Short.');
    });

    it('sends think:false, and then a thinking model does not think', async () => {
      standIn.script({ thinking: 'hidden', content: '{}' });
      const reply = await ollama.chat({ model: 'qwen3:8b', messages: ASK, think: false });
      assert.equal(standIn.requests[0].think, false);
      assert.equal(reply.message.thinking, undefined);
    });

    it('refuses think:true for a model without the thinking capability (400)', async () => {
      await assert.rejects(ollama.chat({ model: 'llama3.2', messages: ASK, think: true }), responseError(400, /"llama3.2" does not support thinking/));
    });

    it('puts a <think> preamble in the content for models that do not separate thinking', async () => {
      standIn.script({ thinkPreamble: 'Let me see.', content: '{"a":1}' });
      const reply = await ollama.chat({ model: 'llama3.2', messages: ASK });
      assert.equal(reply.message.content, '<think>\nLet me see.\n</think>\n\n{"a":1}');
    });

    it('reports a truncated reply with done_reason "length"', async () => {
      standIn.script({ content: '{"tasks":[{"tit', doneReason: 'length' });
      const chunks = await collect(await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true }));
      assert.equal(chunks[chunks.length - 1].done_reason, 'length');
    });

    it('loads a model for an empty message list and unloads it with keep_alive 0', async () => {
      const load = await ollama.chat({ model: 'llama3.2', messages: [] });
      assert.equal(load.done_reason, 'load');
      assert.deepEqual((await ollama.ps()).models.map((m) => m.name), ['llama3.2:latest']);
      const unload = await ollama.chat({ model: 'llama3.2', messages: [], keep_alive: 0 });
      assert.equal(unload.done_reason, 'unload');
      assert.deepEqual((await ollama.ps()).models, []);
    });
  });

  describe('generate', () => {
    it('streams "response" pieces and ends with done and a context', async () => {
      standIn.script({ content: 'one two three', chunkSize: 4 });
      const chunks: GenerateResponse[] = await collect(await ollama.generate({ model: 'llama3.2', prompt: 'count', stream: true }));
      assert.equal(chunks.map((c) => c.response).join(''), 'one two three');
      assert.equal(chunks[chunks.length - 1].done, true);
      assert.deepEqual(chunks[chunks.length - 1].context, [1, 2, 3]);
      assert.equal(standIn.requests[0].path, '/api/generate');
      assert.equal(standIn.requests[0].prompt, 'count');
    });

    it('answers stream:false with the whole response, and thinking at the top level', async () => {
      standIn.script({ content: '42', thinking: 'six times seven' });
      const reply = await ollama.generate({ model: 'qwen3:8b', prompt: 'answer', think: true });
      assert.equal(reply.response, '42');
      assert.equal(reply.thinking, 'six times seven');
    });
  });

  describe('errors', () => {
    it('answers an unknown model with 404, which the client raises as ResponseError, leaving the script queued', async () => {
      standIn.script({ content: 'kept for later' });
      await assert.rejects(ollama.chat({ model: 'mistral', messages: ASK }), responseError(404, /^model "mistral" not found, try pulling it first$/));
      // With stream:true the failure comes from chat() itself, before any iterator exists.
      await assert.rejects(ollama.chat({ model: 'mistral', messages: ASK, stream: true }), responseError(404, /not found/));
      await assert.rejects(ollama.generate({ model: 'mistral', prompt: 'x' }), responseError(404, /not found/));
      assert.equal((await ollama.chat({ model: 'llama3.2', messages: ASK })).message.content, 'kept for later');
    });

    it('sends a scripted 500 or 503 with an {"error"} body', async () => {
      standIn.script({ status: 500, error: 'llama runner process has terminated: exit status 2' });
      standIn.script({ status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' });
      await assert.rejects(ollama.chat({ model: 'llama3.2', messages: ASK, stream: true }), responseError(500, /llama runner process has terminated/));
      await assert.rejects(ollama.chat({ model: 'llama3.2', messages: ASK }), responseError(503, /server busy/));
    });

    it('raises a mid-stream {"error"} line from the iterator as a plain Error, after some content', async () => {
      standIn.script({ content: 'abcdefghijklmnop', chunkSize: 4, midStreamError: 'an error was encountered while running the model' });
      const stream = await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const chunk of stream) seen.push(chunk.message.content);
        })(),
        (error: unknown) => {
          const e = error as ClientError;
          assert.equal(e.name, 'Error'); // not a ResponseError: no status_code
          assert.equal(e.status_code, undefined);
          assert.equal(e.message, 'an error was encountered while running the model');
          return true;
        },
      );
      assert.deepEqual(seen, ['abcd', 'efgh']);
    });

    it('turns a mid-stream error into a 500 when stream is false', async () => {
      standIn.script({ midStreamError: 'out of memory' });
      await assert.rejects(ollama.chat({ model: 'llama3.2', messages: ASK, stream: false }), responseError(500, /^out of memory$/));
    });

    it('drops the connection mid-stream: the iterator fails with "terminated", and it is not counted as a client abort', async () => {
      standIn.script({ content: 'abcdefghijkl', chunkSize: 3, chunkDelayMs: 5, dropConnection: true });
      const stream = await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const chunk of stream) seen.push(chunk.message.content);
        })(),
        (error: unknown) => {
          const e = error as ClientError;
          assert.equal(e.name, 'TypeError');
          assert.equal(e.message, 'terminated');
          assert.equal(e.cause?.code, 'UND_ERR_SOCKET');
          return true;
        },
      );
      assert.deepEqual(seen, ['abc', 'def']);
      await standIn.idle();
      assert.equal(standIn.aborted, 0);
    });

    it('answers a body that is not JSON, or no body, with 400 {"error"}', async () => {
      const notJson = await fetch(`${standIn.url}/api/chat`, { method: 'POST', body: 'model=llama3.2' });
      assert.equal(notJson.status, 400);
      assert.match(((await notJson.json()) as { error: string }).error, /invalid character/);
      const empty = await fetch(`${standIn.url}/api/chat`, { method: 'POST' });
      assert.equal(empty.status, 400);
      assert.deepEqual(await empty.json(), { error: 'missing request body' });
    });

    it('answers an unknown path with gin\'s plain-text 404', async () => {
      const response = await fetch(`${standIn.url}/api/nothing`);
      assert.equal(response.status, 404);
      assert.equal(await response.text(), '404 page not found');
    });
  });

  describe('aborting', () => {
    it('sees the iterator\'s abort() as a closed connection; the loop throws an AbortError', async () => {
      standIn.script({ content: 'a'.repeat(64), chunkSize: 4, chunkDelayMs: 20 });
      const stream = await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const chunk of stream) {
            seen.push(chunk.message.content);
            stream.abort();
          }
        })(),
        { name: 'AbortError' },
      );
      assert.equal(seen.length, 1);
      await standIn.idle();
      assert.equal(standIn.aborted, 1);
    });

    it('sees Ollama#abort() close every stream that has started', async () => {
      standIn.script({ content: 'x'.repeat(40), chunkSize: 4, chunkDelayMs: 20 }, { content: 'y'.repeat(40), chunkSize: 4, chunkDelayMs: 20 });
      const first = await ollama.chat({ model: 'llama3.2', messages: ASK, stream: true });
      const second = await ollama.generate({ model: 'llama3.2', prompt: 'p', stream: true });
      ollama.abort();
      await assert.rejects(collect(first), { name: 'AbortError' });
      await assert.rejects(collect(second), { name: 'AbortError' });
      await standIn.idle();
      assert.equal(standIn.aborted, 2);
    });

    it('shows that Ollama#abort() cannot stop a request whose headers have not arrived yet', async () => {
      standIn.script({ content: 'loaded at last', delayMs: 150 });
      const pending = ollama.chat({ model: 'llama3.2', messages: ASK, stream: true });
      ollama.abort(); // nothing to abort: the iterator does not exist before the first byte
      const chunks: ChatResponse[] = await collect(await pending);
      assert.equal(chunks.map((c) => c.message.content).join(''), 'loaded at last');
      assert.equal(standIn.aborted, 0);
    });

    it('sees an AbortSignal passed through a custom fetch, even before the first byte and with stream:false', async () => {
      const controller = new AbortController();
      const client = new Ollama({
        host: standIn.url,
        fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal }),
      });
      // Abort once the stand-in holds the request (a model still loading), so the abort is mid-request.
      standIn.script(() => {
        controller.abort();
        return { delayMs: 10_000 };
      });
      await assert.rejects(client.chat({ model: 'llama3.2', messages: ASK, stream: false }), { name: 'AbortError' });
      await standIn.idle();
      assert.equal(standIn.aborted, 1);
    });
  });

  describe('models and server', () => {
    it('lists models with Ollama\'s fields, tags filled in', async () => {
      const { models } = await ollama.list();
      assert.deepEqual(models.map((m) => m.name), ['llama3.2:latest', 'qwen3:8b']);
      const qwen = models[1];
      assert.equal(qwen.model, 'qwen3:8b');
      assert.equal(qwen.size, 5_225_388_164);
      assert.match(qwen.digest, /^[0-9a-f]{64}$/);
      assert.equal(typeof qwen.modified_at, 'string'); // typed Date by the client, but never converted
      assert.deepEqual(qwen.details, { parent_model: '', format: 'gguf', family: 'qwen3', families: ['qwen3'], parameter_size: '8.2B', quantization_level: 'Q4_K_M' });
    });

    it('shows capabilities, details and the context length in model_info', async () => {
      const shown = await ollama.show({ model: 'llama3.2' });
      assert.deepEqual(shown.capabilities, ['completion', 'tools']);
      assert.equal((shown.model_info as unknown as Record<string, unknown>)['llama.context_length'], 131072);
      assert.equal(shown.details.family, 'llama');
      assert.match(shown.modelfile, /FROM llama3.2:latest/);
      await assert.rejects(ollama.show({ model: 'nope' }), responseError(404, /^model 'nope' not found$/));
    });

    it('answers /api/version and GET / like Ollama', async () => {
      assert.deepEqual(await ollama.version(), { version: '0.12.6' });
      const root = await fetch(standIn.url);
      assert.equal(await root.text(), 'Ollama is running');
    });

    it('lists recently used models in /api/ps with expires_at and size_vram', async () => {
      await ollama.chat({ model: 'qwen3:8b', messages: ASK, keep_alive: '1h' });
      const before = Date.now();
      const { models } = await ollama.ps();
      assert.equal(models.length, 1);
      assert.equal(models[0].name, 'qwen3:8b');
      assert.equal(models[0].size_vram, 5_225_388_164);
      const expiresIn = Date.parse(String(models[0].expires_at)) - before;
      assert.ok(expiresIn > 59 * 60_000 && expiresIn <= 60 * 60_000, String(expiresIn));
    });

    it('streams pull progress, then lists the pulled model', async () => {
      const progress: ProgressResponse[] = await collect(await ollama.pull({ model: 'gemma3:1b', stream: true }));
      const statuses = progress.map((p) => p.status);
      assert.equal(statuses[0], 'pulling manifest');
      assert.deepEqual(statuses.slice(-3), ['verifying sha256 digest', 'writing manifest', 'success']);
      const downloads = progress.filter((p) => p.digest);
      assert.match(downloads[0].digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(downloads[0].status, `pulling ${downloads[0].digest.slice(7, 19)}`);
      assert.equal(downloads[downloads.length - 1].completed, 815_319_791);
      assert.equal(downloads[downloads.length - 1].total, 815_319_791);
      assert.ok((await ollama.list()).models.some((m) => m.name === 'gemma3:1b'));
      assert.equal(standIn.requestCounts['/api/pull'], 1);
    });

    it('pulls with stream:false as one {"status":"success"}, and fails an unknown pull inside the stream', async () => {
      assert.deepEqual(await ollama.pull({ model: 'gemma3:1b' }), { status: 'success' });
      const stream = await ollama.pull({ model: 'no-such-model', stream: true });
      const statuses: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const p of stream) statuses.push(p.status);
        })(),
        /^Error: pull model manifest: file does not exist$/,
      );
      assert.deepEqual(statuses, ['pulling manifest']);
      await assert.rejects(ollama.pull({ model: 'no-such-model' }), responseError(500, /file does not exist/));
    });

    it('creates a model from another with a system prompt and parameters', async () => {
      const progress = await collect(
        await ollama.create({ model: 'planner', from: 'qwen3:8b', system: 'You plan tasks.', parameters: { num_ctx: 16384 }, stream: true }),
      );
      const statuses = progress.map((p) => p.status);
      assert.match(statuses[0], /^using existing layer sha256:[0-9a-f]{64}$/);
      assert.deepEqual(statuses.slice(-2), ['writing manifest', 'success']);
      const shown = await ollama.show({ model: 'planner' });
      assert.equal(shown.system, 'You plan tasks.');
      assert.match(shown.parameters, /^num_ctx {24}16384$/);
      assert.deepEqual(shown.capabilities, ['completion', 'tools', 'thinking']);
      assert.ok((await ollama.list()).models.some((m) => m.name === 'planner:latest'));
      await assert.rejects(ollama.create({ model: 'other', from: 'missing' }), responseError(500, /file does not exist/));
    });

    it('counts requests per path', async () => {
      await ollama.list();
      await ollama.list();
      await ollama.chat({ model: 'llama3.2', messages: ASK });
      assert.equal(standIn.requestCounts['/api/tags'], 2);
      assert.equal(standIn.requestCounts['/api/chat'], 1);
      assert.equal(standIn.requestCounts['/api/generate'], undefined);
    });
  });

  describe('what the client does with its configuration', () => {
    it('appends /api itself: a host ending in /api reaches /api/api/...', async () => {
      const doubled = new Ollama({ host: `${standIn.url}/api` });
      await assert.rejects(doubled.list(), responseError(404, /404 page not found/));
      assert.equal(standIn.requestCounts['/api/api/tags'], 1);
    });

    it('takes a host without a scheme (then http and, without a port, 11434)', async () => {
      const bare = new Ollama({ host: standIn.url.replace('http://', '') });
      assert.equal((await bare.version()).version, '0.12.6');
    });

    it('sends custom headers on every request, but keeps its own User-Agent', async () => {
      const client = new Ollama({ host: standIn.url, headers: { 'X-Request-Source': 'taskmaster', 'User-Agent': 'taskmaster-local' } });
      await client.chat({ model: 'llama3.2', messages: ASK });
      const headers = standIn.requests[0].headers;
      assert.equal(headers['x-request-source'], 'taskmaster');
      assert.match(String(headers['user-agent']), /^ollama-js\/0\.6\.4 /);
      assert.equal(headers['content-type'], 'application/json');
    });

    it('is refused after stop(): not listening at all', async () => {
      await ollama.list(); // leaves a kept-alive socket in fetch's pool
      await standIn.stop();
      await assert.rejects(ollama.list(), (error: unknown) => {
        const e = error as ClientError;
        assert.equal(e.name, 'TypeError');
        assert.equal(e.message, 'fetch failed');
        assert.equal(e.cause?.code, 'ECONNREFUSED');
        return true;
      });
      const rawError = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
        http.get(standIn.url, () => reject(new Error('answered after stop()'))).on('error', resolve);
      });
      assert.equal(rawError.code, 'ECONNREFUSED');
    });
  });
});
