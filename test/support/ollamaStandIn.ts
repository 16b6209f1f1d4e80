import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { closeServer, listenOnFreeLocalPort } from './localServer';

/**
 * A stand-in for the Ollama HTTP API (tests only), listening on 127.0.0.1 on a free port.
 * Shapes, status codes and messages follow Ollama's docs/api.md and server/routes.go: NDJSON
 * when `stream` is true or absent, one JSON object when it is false, {"error": ...} bodies, and
 * an {"error": ...} line when a stream fails after its first byte.
 */

export interface ModelSpec {
  name: string; // "qwen3:8b"; a name without a tag means ":latest", as in Ollama
  digest?: string; // 64 hex characters; derived from the name when absent
  size?: number; // bytes
  family?: string;
  parameterSize?: string; // "8.2B"
  quantization?: string; // "Q4_K_M"
  capabilities?: string[]; // "completion", "tools", "thinking", "vision"...; default ["completion"]
  contextLength?: number; // reported by /api/show as model_info["<family>.context_length"]
  system?: string;
  parameters?: Record<string, unknown>;
  modifiedAt?: string;
}

export interface ScriptedReply {
  content?: string; // the assistant text (default '{}')
  thinking?: string; // streamed as message.thinking before the content, when the request thinks
  thinkPreamble?: string; // "<think>…</think>" put before content, as models without a thinking parser do
  chunkSize?: number; // characters per streamed chunk (default 16)
  delayMs?: number; // before the first byte (a model loading)
  chunkDelayMs?: number; // between chunks
  doneReason?: 'stop' | 'length';
  status?: number; // an HTTP error instead of a reply (default 500 when only error is given)
  error?: string;
  midStreamError?: string; // some chunks, then an {"error"} line (a 500 when stream is false)
  dropConnection?: boolean; // some chunks, then the socket is destroyed
}

/** A /api/chat or /api/generate body as received, with the path and the request headers. */
export interface ChatRequestSeen {
  path: '/api/chat' | '/api/generate';
  headers: http.IncomingHttpHeaders;
  model?: string;
  messages?: Array<{ role: string; content: string; [field: string]: unknown }>;
  prompt?: string;
  format?: unknown;
  options?: Record<string, unknown>;
  think?: boolean | string;
  stream?: boolean;
  keep_alive?: string | number;
  [field: string]: unknown;
}

export interface StandInOptions {
  models?: ModelSpec[]; // default: llama3.2:latest with completion and tools
  pullable?: ModelSpec[]; // what /api/pull can fetch
  version?: string; // what /api/version reports
  progressLineDelayMs?: number; // between the streamed lines of a pull or a create (a long download)
}

type Reply = ScriptedReply | ((request: ChatRequestSeen) => ScriptedReply);
type Body = Record<string, any>;

const FOUR_WEEKS_MS = 28 * 24 * 3600 * 1000;

export class OllamaStandIn {
  models: ModelSpec[];
  /** What /api/pull can fetch: pulling one of these adds it to `models`. */
  pullable: ModelSpec[];
  version: string;
  progressLineDelayMs: number;
  readonly requests: ChatRequestSeen[] = [];
  /** Requests per path, e.g. requestCounts['/api/chat']. */
  readonly requestCounts: Record<string, number> = {};
  private port = 0;
  private abortedCount = 0;
  private readonly queue: Reply[] = [];
  private readonly loadedUntil = new Map<string, number>(); // model name -> expiry (ms), for /api/ps
  private readonly open = new Set<http.ServerResponse>();
  private readonly dropped = new WeakSet<http.ServerResponse>();
  private idleWaiters: Array<() => void> = [];

  private constructor(private readonly server: http.Server, options: StandInOptions) {
    this.models = options.models ?? [{ name: 'llama3.2:latest', capabilities: ['completion', 'tools'] }];
    this.pullable = options.pullable ?? [];
    this.version = options.version ?? '0.12.6';
    this.progressLineDelayMs = options.progressLineDelayMs ?? 0;
  }

  static async start(options: StandInOptions = {}): Promise<OllamaStandIn> {
    const server = http.createServer();
    const standIn = new OllamaStandIn(server, options);
    server.on('request', (req, res) => {
      standIn.handle(req, res).catch((error) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      });
    });
    standIn.port = await listenOnFreeLocalPort(server);
    return standIn;
  }

  /** http://127.0.0.1:<port>; still the same after stop(), when that port refuses connections. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests whose client closed the connection before the reply ended. */
  get aborted(): number {
    return this.abortedCount;
  }

  /** Queue the behaviour of the next chat/generate calls; an empty queue gives `{ content: '{}' }`. */
  script(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  /** Resolves once no request is in flight (an aborted one counts as ended when its socket closes). */
  idle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Close every connection; afterwards the port refuses connections. */
  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    this.requestCounts[path] = (this.requestCounts[path] ?? 0) + 1;
    this.track(res);
    const route = `${req.method} ${path}`;
    if (route === 'GET /' || route === 'HEAD /') return sendText(res, 200, 'Ollama is running');
    if (route === 'GET /api/version') return sendJson(res, 200, { version: this.version });
    if (route === 'GET /api/tags') return sendJson(res, 200, { models: this.models.map((m) => ({ ...modelEntry(m), modified_at: modifiedAt(m) })) });
    if (route === 'GET /api/ps') return sendJson(res, 200, { models: this.running() });
    const post: Record<string, (body: Body) => Promise<void> | void> = {
      'POST /api/chat': (body) => this.complete('/api/chat', body, req, res),
      'POST /api/generate': (body) => this.complete('/api/generate', body, req, res),
      'POST /api/show': (body) => this.show(body, res),
      'POST /api/pull': (body) => this.pull(body, res),
      'POST /api/create': (body) => this.create(body, res),
    };
    const handler = post[route];
    if (!handler) return sendText(res, 404, '404 page not found'); // gin's default, text/plain
    const parsed = await readJson(req);
    if ('error' in parsed) return sendJson(res, 400, parsed);
    await handler(parsed.value);
  }

  private async complete(path: ChatRequestSeen['path'], body: Body, req: http.IncomingMessage, res: http.ServerResponse) {
    const seen: ChatRequestSeen = { ...body, path, headers: req.headers };
    this.requests.push(seen);
    if (!body.model) return sendJson(res, 400, { error: 'model is required' });
    const model = this.find(body.model);
    // Older servers word this "model \"x\" not found, try pulling it first"; newer ones say "model 'x' not found".
    if (!model) return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    const canThink = (model.capabilities ?? ['completion']).includes('thinking');
    if (body.think !== undefined && body.think !== false && !canThink) {
      return sendJson(res, 400, { error: `"${body.model}" does not support thinking` });
    }
    const isChat = path === '/api/chat';
    const text = (content: string, thinking?: string) =>
      isChat ? { message: { role: 'assistant', content, ...(thinking ? { thinking } : {}) } } : { response: content, ...(thinking ? { thinking } : {}) };
    const head = () => ({ model: body.model, created_at: new Date().toISOString() });

    // No messages (or no prompt) only loads the model, or unloads it with keep_alive 0: one object, stream or not.
    if (isChat ? !body.messages?.length : !body.prompt) {
      const unload = keepAliveMs(body.keep_alive) === 0;
      if (unload) this.loadedUntil.delete(model.name);
      else this.markLoaded(model, body.keep_alive);
      return sendJson(res, 200, { ...head(), ...text(''), done: true, done_reason: unload ? 'unload' : 'load' });
    }

    const next = this.queue.shift() ?? {};
    const reply = typeof next === 'function' ? next(seen) : next;
    if (reply.delayMs) await pause(res, reply.delayMs);
    if (!this.open.has(res)) return;
    if (reply.status !== undefined || reply.error !== undefined) {
      return sendJson(res, reply.status ?? 500, { error: reply.error ?? 'internal server error' });
    }
    this.markLoaded(model, body.keep_alive);

    // A thinking model thinks unless told think:false; other models never fill message.thinking.
    const thinking = canThink && body.think !== false ? reply.thinking ?? '' : '';
    const preamble = reply.thinkPreamble !== undefined ? `<think>\n${reply.thinkPreamble}\n</think>\n\n` : '';
    const content = preamble + (reply.content ?? '{}');
    const size = Math.max(1, reply.chunkSize ?? 16);
    const pieces = [...split(thinking, size).map((t) => text('', t)), ...split(content, size).map((c) => text(c))];
    const final = { ...head(), ...text(''), done: true, done_reason: reply.doneReason ?? 'stop', ...(isChat ? {} : { context: [1, 2, 3] }), ...stats(body, pieces.length) };

    if (body.stream === false) {
      if (reply.dropConnection) return this.drop(res);
      if (reply.midStreamError !== undefined) return sendJson(res, 500, { error: reply.midStreamError });
      return sendJson(res, 200, { ...final, ...text(content, thinking || undefined) });
    }
    const failing = reply.midStreamError !== undefined || reply.dropConnection;
    const count = failing ? Math.min(pieces.length, Math.max(1, Math.floor(pieces.length / 2))) : pieces.length;
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' }); // headers leave with the first chunk, as with gin
    for (let i = 0; i < count; i++) {
      if (i > 0 && reply.chunkDelayMs) await pause(res, reply.chunkDelayMs);
      if (!this.open.has(res)) return;
      writeLine(res, { ...head(), ...pieces[i], done: false });
    }
    if (reply.dropConnection) return this.drop(res);
    if (reply.midStreamError !== undefined) writeLine(res, { error: reply.midStreamError });
    else writeLine(res, final);
    res.end();
  }

  private show(body: Body, res: http.ServerResponse) {
    const name = body.model ?? body.name;
    if (!name) return sendJson(res, 400, { error: 'model is required' });
    const model = this.find(name);
    if (!model) return sendJson(res, 404, { error: `model '${name}' not found` });
    const family = model.family ?? 'llama';
    const parameters = Object.entries(model.parameters ?? {})
      .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key.padEnd(30)} ${JSON.stringify(v)}`))
      .join('\n');
    sendJson(res, 200, {
      modelfile: `# Modelfile generated by "ollama show"\nFROM ${fullName(model.name)}\nTEMPLATE {{ .Prompt }}\n${model.system ? `SYSTEM ${model.system}\n` : ''}`,
      ...(parameters ? { parameters } : {}),
      template: '{{ .Prompt }}',
      ...(model.system ? { system: model.system } : {}),
      details: details(model),
      model_info: {
        'general.architecture': family,
        'general.parameter_count': 8_030_261_248,
        [`${family}.context_length`]: model.contextLength ?? 8192,
      },
      capabilities: model.capabilities ?? ['completion'],
      modified_at: modifiedAt(model),
    });
  }

  /** As Ollama does, a pull or a create the client abandons leaves no model behind. */
  private async pull(body: Body, res: http.ServerResponse) {
    const name = body.model ?? body.name; // ollama-js sends the deprecated "name"
    if (!name) return sendJson(res, 400, { error: 'invalid model name' });
    const wanted = fullName(name);
    const spec = this.pullable.find((m) => fullName(m.name) === wanted) ?? this.find(name);
    const lines: Body[] = [{ status: 'pulling manifest' }];
    if (!spec) lines.push({ error: 'pull model manifest: file does not exist' });
    else {
      const hex = digestOf(spec);
      const total = spec.size ?? 2_019_393_189;
      const layer = { status: `pulling ${hex.slice(0, 12)}`, digest: `sha256:${hex}`, total };
      lines.push(layer, { ...layer, completed: Math.floor(total / 2) }, { ...layer, completed: total });
      lines.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' });
    }
    const sent = await sendProgress(res, body.stream, lines, this.progressLineDelayMs);
    if (sent && spec && !this.find(name)) this.models.push({ ...spec, name: wanted, modifiedAt: new Date().toISOString() });
  }

  private async create(body: Body, res: http.ServerResponse) {
    const name = body.model ?? body.name;
    if (!name) return sendJson(res, 400, { error: 'invalid model name' });
    if (!body.from) return sendJson(res, 400, { error: "neither 'from' or 'files' was specified" });
    const base = this.find(body.from);
    if (!base) {
      await sendProgress(res, body.stream, [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }]);
      return;
    }
    const created: ModelSpec = {
      ...base,
      name: fullName(name),
      system: body.system ?? base.system,
      parameters: { ...base.parameters, ...body.parameters },
      modifiedAt: new Date().toISOString(),
    };
    created.digest = sha256(JSON.stringify(created));
    const lines: Body[] = [{ status: `using existing layer sha256:${digestOf(base)}` }];
    if (body.system) lines.push({ status: `creating new layer sha256:${sha256(body.system)}` });
    if (body.parameters) lines.push({ status: `creating new layer sha256:${sha256(JSON.stringify(body.parameters))}` });
    lines.push({ status: 'writing manifest' }, { status: 'success' });
    if (await sendProgress(res, body.stream, lines, this.progressLineDelayMs)) this.models = [...this.models.filter((m) => fullName(m.name) !== created.name), created];
  }

  private find(name: string): ModelSpec | undefined {
    return this.models.find((m) => fullName(m.name) === fullName(name));
  }

  private markLoaded(model: ModelSpec, keepAlive: unknown) {
    this.loadedUntil.set(model.name, Date.now() + (keepAliveMs(keepAlive) ?? 5 * 60_000));
  }

  private running() {
    const now = Date.now();
    return [...this.loadedUntil]
      .filter(([name, until]) => until > now && this.find(name))
      .sort((a, b) => b[1] - a[1]) // longest time left first, as Ollama sorts
      .map(([name, until]) => {
        const model = this.find(name)!;
        const entry = modelEntry(model);
        return { ...entry, expires_at: new Date(until).toISOString(), size_vram: entry.size, context_length: model.contextLength ?? 4096 };
      });
  }

  /** Count a reply as aborted when its connection closes before res.end() (and we did not drop it). */
  private track(res: http.ServerResponse) {
    this.open.add(res);
    res.on('close', () => {
      if (!res.writableFinished && !this.dropped.has(res)) this.abortedCount++;
      this.open.delete(res);
      if (this.open.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /** Close the socket as a crashed server would: what was written still arrives, the reply never ends. */
  private drop(res: http.ServerResponse) {
    this.dropped.add(res);
    const socket = res.socket;
    socket?.end(() => socket.destroy());
  }
}

function fullName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function digestOf(model: ModelSpec): string {
  return model.digest ?? sha256(fullName(model.name));
}

function details(model: ModelSpec) {
  const family = model.family ?? 'llama';
  return { parent_model: '', format: 'gguf', family, families: [family], parameter_size: model.parameterSize ?? '3.2B', quantization_level: model.quantization ?? 'Q4_K_M' };
}

/** The fields /api/tags and /api/ps share. */
function modelEntry(model: ModelSpec) {
  const name = fullName(model.name);
  return { name, model: name, size: model.size ?? 2_019_393_189, digest: digestOf(model), details: details(model) };
}

function modifiedAt(model: ModelSpec): string {
  return model.modifiedAt ?? '2025-05-04T17:37:44.706015396-07:00';
}

/** keep_alive as Ollama reads it: a number of seconds or a duration ("5m", "1h30m"); negative keeps it loaded. */
function keepAliveMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 0 ? FOUR_WEEKS_MS : value * 1000;
  if (typeof value !== 'string') return undefined;
  if (value.trim().startsWith('-')) return FOUR_WEEKS_MS;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, u] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * unit[u];
  return total;
}

/** Plausible final-chunk statistics; Ollama omits zero values, so none are zero. Durations in nanoseconds. */
function stats(body: Body, pieces: number) {
  const promptTokens = Math.max(1, Math.ceil((body.prompt ?? JSON.stringify(body.messages ?? [])).length / 4));
  const evalTokens = Math.max(1, pieces);
  const [load, promptEval, evalDuration] = [12_000_000, promptTokens * 1_000_000, evalTokens * 20_000_000];
  const total_duration = load + promptEval + evalDuration + 1_000_000;
  return { total_duration, load_duration: load, prompt_eval_count: promptTokens, prompt_eval_duration: promptEval, eval_count: evalTokens, eval_duration: evalDuration };
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** Wait, but stop early when the client goes away, so an aborted request does not hold stop() up. */
function pause(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

async function readJson(req: http.IncomingMessage): Promise<{ value: Body } | { error: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { error: 'missing request body' };
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'json: cannot unmarshal into a request object' };
    return { value };
  } catch (error) {
    return { error: `invalid character in request body: ${(error as Error).message}` };
  }
}

function writeLine(res: http.ServerResponse, value: unknown) {
  res.write(`${JSON.stringify(value)}\n`);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown) {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function sendText(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Progress lines for pull/create: NDJSON, or with stream:false the last status alone (an error becomes a 500). */
/** Sends the lines (streamed, `delayMs` apart, unless stream is false); true when all of them reached an open connection. */
async function sendProgress(res: http.ServerResponse, stream: unknown, lines: Body[], delayMs = 0): Promise<boolean> {
  if (stream === false) {
    const failure = lines.find((line) => 'error' in line);
    if (failure) sendJson(res, 500, failure);
    else sendJson(res, 200, lines[lines.length - 1]);
    return !failure;
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  for (const [index, line] of lines.entries()) {
    if (index > 0 && delayMs) await pause(res, delayMs);
    if (res.destroyed || !res.socket || res.socket.destroyed) return false;
    writeLine(res, line);
  }
  res.end();
  return !lines.some((line) => 'error' in line);
}
