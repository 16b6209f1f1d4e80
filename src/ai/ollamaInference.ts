import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { ChatResponse, Ollama } from 'ollama';
import { estimateTokens, inResponseLanguage, promptBudget, type ChatMessage } from '../core/prompts';
import { CancelledError, InvalidReplyError, ModelNotFoundError, OllamaUnreachableError, PromptTooLargeError } from './aiErrors';
import { headersFor, type AiSettings, type ComplexityBand } from './aiSettings';
import { InferenceCache } from './inferenceCache';

export interface InferenceProgress {
  model: string;
  host: string;
  /** Streamed chunks so far: a good proxy for tokens. */
  tokens: number;
  elapsedMs: number;
}

export interface InferenceOptions {
  signal?: AbortSignal;
  onProgress?: (progress: InferenceProgress) => void;
  /** Where raw replies that failed validation are written, for the user to read. */
  log?: (line: string) => void;
  /** A host to try first (work spread across hosts); the others remain fallbacks. */
  preferredHost?: string;
  /** How hard the work is, for the settings' model-by-complexity routing. */
  band?: ComplexityBand;
  /** Ask the model again even if an identical request is cached (the answer is still cached). */
  fresh?: boolean;
  /** Answer with this model instead of Ollama: the model the user picked in Copilot Chat. */
  model?: ExternalChatModel;
}

export interface InferenceResult<T> {
  value: T;
  model: string;
  host: string;
  cached: boolean;
  latencyMs: number;
}

export interface InferenceRecord {
  operation: string;
  model: string;
  host: string;
  latencyMs: number;
  tokens: number;
  cached: boolean;
  ok: boolean;
}

/** How many times a reply that is not valid JSON for the schema is sent back for repair. */
const REPAIR_ATTEMPTS = 2;
/** How long a host's model digests are trusted (the cache lives as long). */
const DIGEST_TTL_MS = 5 * 60_000;
/** How long the model list (for digests) may take before a request goes ahead without one. */
const DIGEST_LOOKUP_MS = 5_000;
/** How far a truncated reply's retry may grow num_ctx (never below the setting): larger windows cost memory. */
const NUM_CTX_CEILING = 32_768;
/** A host that failed is skipped this long before it is tried again. */
const HOST_RETRY_AFTER_MS = 30_000;
/** How long a host that answered counts as up without asking again (the status bar checks every minute). */
const HOST_KNOWN_UP_MS = 90_000;

// Loaded on the first AI call, not when the extension starts (activation loads only what the tree needs).
let loadedAjv: Ajv | undefined;
function ajv(): Ajv {
  return (loadedAjv ??= new (require('ajv') as typeof import('ajv')).default({ allErrors: true, strict: false }));
}
function ollamaClient(...options: ConstructorParameters<typeof Ollama>): Ollama {
  return new (require('ollama') as typeof import('ollama')).Ollama(...options);
}
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv().compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** The JSON in a reply: reasoning in <think> tags and markdown fences are not part of it. */
export function extractJson(content: string): string {
  const withoutThinking = content.replace(/<think>[\s\S]*?(<\/think>|$)/g, '');
  const start = withoutThinking.search(/[[{]/);
  const end = Math.max(withoutThinking.lastIndexOf('}'), withoutThinking.lastIndexOf(']'));
  return start >= 0 && end > start ? withoutThinking.slice(start, end + 1) : withoutThinking.trim();
}

/**
 * Streamed text without <think>…</think> blocks, even when a tag is split across chunks. `emitted`
 * says whether anything reached the screen.
 */
function withoutThinking(onText: (text: string) => void): { push: (chunk: string) => void; flush: () => void; emitted: boolean } {
  let pending = '';
  let thinking = false;
  const state = {
    emitted: false,
    push(chunk: string) {
      pending += chunk;
      for (;;) {
        const tag = thinking ? '</think>' : '<think>';
        const at = pending.indexOf(tag);
        if (at >= 0) {
          if (!thinking) emit(pending.slice(0, at));
          pending = pending.slice(at + tag.length);
          thinking = !thinking;
          continue;
        }
        // Hold back what could be the start of a tag split across chunks.
        const keep = partialTagLength(pending, tag);
        if (!thinking) emit(pending.slice(0, pending.length - keep));
        pending = pending.slice(pending.length - keep);
        return;
      }
    },
    flush() {
      if (!thinking) emit(pending);
      pending = '';
    },
  };
  const emit = (text: string) => {
    if (!text) return;
    state.emitted = true;
    onText(text);
  };
  return state;
}

function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) if (text.endsWith(tag.slice(0, length))) return length;
  return 0;
}

/**
 * A model outside Ollama, used only when every Ollama host and model failed and the user allowed
 * it (plan text then leaves the machine). The schema travels in the prompt.
 */
export interface ExternalChatModel {
  readonly name: string;
  /** Its context window, when known: how much plan a question may carry. */
  readonly maxInputTokens?: number;
  /** The reply's text; with `schema`, JSON for it is asked for; with `onText`, streamed there as it comes. */
  reply(messages: ChatMessage[], schema: object | undefined, signal?: AbortSignal, onText?: (text: string) => void): Promise<string>;
}

/** Request options a retry of a truncated reply grows. */
interface ReplyRoom {
  num_predict?: number;
  num_ctx?: number;
}

interface StreamedReply {
  content: string;
  doneReason?: string;
  tokens: number;
  firstTokenMs?: number;
  /** Ollama's own generation time, for tokens per second. */
  evalDurationNs?: number;
}

/** One model's answer to the standard planning request, timed. */
export interface BenchmarkResult {
  host: string;
  model: string;
  firstTokenMs?: number;
  tokensPerSecond?: number;
  totalMs: number;
  valid: boolean;
  error?: string;
}

type Failure = 'unreachable' | 'missing-model' | 'server';

function classify(error: unknown): Failure | undefined {
  const status = (error as { status_code?: number })?.status_code;
  if (status === 404) return 'missing-model';
  if (typeof status === 'number' && status >= 500) return 'server';
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  const message = String((error as Error)?.message ?? '');
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(code ?? '') || /fetch failed|socket hang up|terminated/i.test(message)) return 'unreachable';
  return undefined;
}

/**
 * The one way the extension talks to a model: structured chat through the `ollama` client, with
 * the schema sent as `format` and checked on return, repairs fed back to the model, hosts and
 * fallback models tried in order, streaming progress, cancellation and a cache.
 */
export class OllamaInference {
  private readonly clients = new Map<string, Ollama>();
  private readonly downUntil = new Map<string, number>();
  /** When each host last answered (a request or a health check). */
  private readonly answeredAt = new Map<string, number>();
  private readonly cache = new InferenceCache<unknown>();
  private readonly records: InferenceRecord[] = [];
  private readonly digests = new Map<string, { byModel: Map<string, string>; expires: number }>();

  /** Told about every call, for the activity ledger. */
  onRecord?: (record: InferenceRecord) => void;

  /** Set by the editor: Copilot through vscode.lm, when the user allows it. */
  externalFallback?: () => Promise<ExternalChatModel | undefined>;

  constructor(private settings: AiSettings) {}

  updateSettings(settings: AiSettings): void {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    this.settings = settings;
    this.clients.clear();
  }

  get endpoints(): readonly string[] {
    return this.settings.endpoints;
  }

  get model(): string {
    return this.settings.model;
  }

  /** The context window requested from Ollama, in tokens. */
  get numCtx(): number {
    return this.settings.numCtx;
  }

  get cacheStats() {
    return this.cache.stats;
  }

  clearCache(): void {
    this.cache.clear();
    this.digests.clear();
  }

  /** The latest calls, newest last, for status output and the activity ledger. */
  get recentCalls(): readonly InferenceRecord[] {
    return this.records;
  }

  /** A client for status and model calls; with a signal, one whose requests that signal can end. */
  client(host: string, signal?: AbortSignal): Ollama {
    if (signal) return this.abortableClient(host, signal);
    let client = this.clients.get(host);
    if (!client) {
      client = ollamaClient({ host, headers: headersFor(this.settings, host) });
      this.clients.set(host, client);
    }
    return client;
  }

  /**
   * A client whose every request carries `signal`. The client's own abort only reaches streams
   * whose headers have arrived; this also ends a request while the model is still loading.
   */
  private abortableClient(host: string, signal: AbortSignal): Ollama {
    return ollamaClient({
      host,
      headers: headersFor(this.settings, host),
      fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
    });
  }

  /** Hosts in preference order, those that failed recently last (all are tried if all failed). */
  private hostsInOrder(preferred?: string): string[] {
    const now = Date.now();
    const endpoints = preferred && this.settings.endpoints.includes(preferred) ? [preferred, ...this.settings.endpoints.filter((host) => host !== preferred)] : this.settings.endpoints;
    const up = endpoints.filter((host) => (this.downUntil.get(host) ?? 0) <= now);
    return [...up, ...endpoints.filter((host) => !up.includes(host))];
  }

  /** What a health check saw: a host back up is used again at once; one down is skipped. */
  noteHealth(host: string, reachable: boolean): void {
    if (reachable) this.noteAnswered(host);
    else this.noteDown(host);
  }

  /** What the last request or health check said of a host, while that is fresh; undefined when nothing recent is known. */
  knownReachable(host: string): boolean | undefined {
    const now = Date.now();
    if ((this.downUntil.get(host) ?? 0) > now) return false;
    const answered = this.answeredAt.get(host);
    return answered !== undefined && now - answered < HOST_KNOWN_UP_MS ? true : undefined;
  }

  private noteAnswered(host: string): void {
    this.downUntil.delete(host);
    this.answeredAt.set(host, Date.now());
  }

  private noteDown(host: string): void {
    this.downUntil.set(host, Date.now() + HOST_RETRY_AFTER_MS);
    this.answeredAt.delete(host);
  }

  /** Hosts that answered their last request (or were never tried), in preference order. */
  get healthyHosts(): string[] {
    const now = Date.now();
    return this.settings.endpoints.filter((host) => (this.downUntil.get(host) ?? 0) <= now);
  }

  async structured<T>(operation: string, prompt: ChatMessage[], schema: object, options: InferenceOptions = {}): Promise<InferenceResult<T>> {
    const messages = inResponseLanguage(prompt, this.settings.responseLanguage);
    if (options.model) return this.askExternal<T>(options.model, operation, messages, schema, options);
    const promptTokens = estimateTokens(messages);
    if (promptTokens > promptBudget(this.settings.numCtx)) throw new PromptTooLargeError(promptTokens, this.settings.numCtx);
    const answer = await this.firstAnswering(operation, options, (host, model) => this.ask<T>(operation, host, model, messages, schema, options));
    if (answer.ok) return answer.value;
    const external = await this.externalFallback?.();
    if (external) {
      options.log?.(`${operation}: no Ollama option worked; falling back to ${external.name}.`);
      return this.askExternal<T>(external, operation, messages, schema, options);
    }
    throw answer.error;
  }

  /**
   * A plain-text answer (a chat reply, not JSON), streamed to `onText` as it comes, from the chat's
   * model when given, else the first Ollama model and host that answers. Reasoning in <think>
   * tags is left out. Never cached: questions are about the plan as it is now.
   */
  async prose(operation: string, prompt: ChatMessage[], onText: (text: string) => void, options: InferenceOptions = {}): Promise<{ model: string; host: string }> {
    const messages = inResponseLanguage(prompt, this.settings.responseLanguage);
    const started = Date.now();
    if (options.model) {
      let streamed = false;
      const text = await options.model.reply(messages, undefined, options.signal, (chunk) => {
        streamed = true;
        onText(chunk);
      });
      if (options.signal?.aborted) throw new CancelledError();
      if (!streamed) onText(text);
      this.record({ operation, model: options.model.name, host: 'external', latencyMs: Date.now() - started, tokens: 0, cached: false, ok: true });
      return { model: options.model.name, host: 'external' };
    }
    const requestOptions = { num_ctx: this.settings.numCtx, temperature: this.settings.temperature };
    const answer = await this.firstAnswering(operation, options, async (host, model) => {
      const shown = withoutThinking(onText);
      let reply: StreamedReply;
      try {
        reply = await this.stream(host, model, messages, undefined, requestOptions, { ...options, onText: shown.push }, started);
      } catch (error) {
        // Part of the answer is on screen: another host's answer after it would repeat it.
        if (shown.emitted && !CancelledError.is(error)) throw new Error(`The answer from ${model} stopped midway (${(error as Error).name}). Ask again.`);
        throw error;
      }
      shown.flush();
      if (reply.doneReason === 'length') onText('\n\n*(The answer was cut off at the length limit.)*');
      this.record({ operation, model, host, latencyMs: Date.now() - started, tokens: reply.tokens, cached: false, ok: true });
      return { model, host };
    });
    if (answer.ok) return answer.value;
    throw answer.error;
  }

  /**
   * Tries each model (routed, configured, fallbacks) on each host (preferred and healthy first)
   * until one answers; a host that fails is skipped for a while, and a model whose replies never
   * fit the schema gives way to the next model. The error, when none answers, says the most
   * useful thing: a model that answered badly, a missing model where hosts were up, else
   * unreachable hosts.
   */
  private async firstAnswering<R>(operation: string, options: InferenceOptions, attempt: (host: string, model: string) => Promise<R>): Promise<{ ok: true; value: R } | { ok: false; error: unknown }> {
    const routed = options.band ? this.settings.modelByComplexity?.[options.band] : undefined;
    const models = [...new Set([routed ?? this.settings.model, this.settings.model, ...this.settings.fallbackModels])];
    const unreachable = new Set<string>();
    const missing = new Set<string>();
    let lastServerError: unknown;
    let lastInvalidReply: InvalidReplyError | undefined;
    models: for (const model of models) {
      for (const host of this.hostsInOrder(options.preferredHost)) {
        if (options.signal?.aborted) throw new CancelledError();
        try {
          const value = await attempt(host, model);
          this.noteAnswered(host);
          return { ok: true, value };
        } catch (error) {
          if (InvalidReplyError.is(error)) {
            // The host is fine; this model cannot produce the answer (the same model elsewhere would not either).
            lastInvalidReply = error;
            options.log?.(`${operation}: ${model} gave no usable answer (${error.reason}); trying the next model.`);
            continue models;
          }
          const failure = classify(error);
          if (!failure || CancelledError.is(error)) throw error;
          if (failure === 'missing-model') missing.add(model);
          else {
            this.noteDown(host);
            if (failure === 'unreachable') unreachable.add(host);
            else lastServerError = error;
          }
          options.log?.(`${operation}: ${model} on ${host} failed (${(error as Error).message}); trying the next option.`);
        }
      }
    }
    if (lastInvalidReply) return { ok: false, error: lastInvalidReply };
    if (missing.size > 0 && unreachable.size < this.settings.endpoints.length) return { ok: false, error: new ModelNotFoundError([...missing], this.settings.endpoints[0]) };
    return { ok: false, error: lastServerError ?? new OllamaUnreachableError(this.settings.endpoints) };
  }

  private async ask<T>(operation: string, host: string, model: string, base: ChatMessage[], schema: object, options: InferenceOptions): Promise<InferenceResult<T>> {
    const requestOptions = { num_ctx: this.settings.numCtx, temperature: this.settings.temperature };
    const digest = await this.digestOf(host, model, options.signal);
    const key = InferenceCache.key({ host, model, digest, messages: base, schema, options: requestOptions, think: false });
    return this.solve<T>(operation, host, model, key, base, schema, options, (messages, room, started) =>
      this.stream(host, model, messages, schema, { ...requestOptions, ...room }, options, started),
    );
  }

  /**
   * The answer of one model: from the cache, or asked with `send` until the reply parses and fits
   * the schema (errors fed back), or until the attempts run out.
   */
  private async solve<T>(
    operation: string,
    host: string,
    model: string,
    key: string,
    base: ChatMessage[],
    schema: object,
    options: InferenceOptions,
    send: (messages: ChatMessage[], room: ReplyRoom, started: number) => Promise<StreamedReply>,
  ): Promise<InferenceResult<T>> {
    const validate = validatorFor(schema);
    const started = Date.now();
    const cached = options.fresh ? undefined : (this.cache.get(key) as T | undefined);
    if (cached !== undefined) {
      this.record({ operation, model, host, latencyMs: Date.now() - started, tokens: 0, cached: true, ok: true });
      return { value: cached, model, host, cached: true, latencyMs: Date.now() - started };
    }
    const messages = [...base];
    let raw = '';
    let reason = '';
    const room: ReplyRoom = {};
    for (let attempt = 0; attempt <= REPAIR_ATTEMPTS; attempt++) {
      const reply = await send(messages, room, started);
      raw = reply.content;
      if (reply.doneReason === 'length') {
        // Cut off: a repair prompt would be cut off too. Ask again with room to finish: more tokens
        // to write, and a larger window to hold them (the model reloads with it, once).
        reason = 'the reply was cut off at the length limit';
        room.num_predict = Math.max(4096, (room.num_predict ?? 2048) * 2);
        room.num_ctx = Math.min(Math.max(NUM_CTX_CEILING, this.settings.numCtx), (room.num_ctx ?? this.settings.numCtx) * 2);
        options.log?.(`${operation}: the reply from ${model} was cut off; asking again with num_predict ${room.num_predict} and num_ctx ${room.num_ctx}.`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(extractJson(raw));
      } catch (error) {
        reason = `not valid JSON: ${(error as Error).message}`;
      }
      if (value !== undefined) {
        if (validate(value)) {
          this.cache.set(key, value);
          this.record({ operation, model, host, latencyMs: Date.now() - started, tokens: reply.tokens, cached: false, ok: true });
          return { value: value as T, model, host, cached: false, latencyMs: Date.now() - started };
        }
        reason = `does not match the schema: ${ajv().errorsText(validate.errors)}`;
      }
      options.log?.(`${operation}: reply from ${model} ${reason}. Raw reply:\n${raw}`);
      messages.push(
        { role: 'assistant', content: raw },
        { role: 'user', content: `That reply is ${reason}. Answer again with only the JSON object, exactly matching the requested schema.` },
      );
    }
    this.record({ operation, model, host, latencyMs: Date.now() - started, tokens: 0, cached: false, ok: false });
    options.log?.(`${operation}: giving up on ${model}. Last raw reply:\n${raw}`);
    throw new InvalidReplyError(model, reason, raw);
  }

  /**
   * The installed model's digest, so a re-pulled model does not answer from the old one's cache.
   * Looked up once per host and cache lifetime; unknown when the host cannot list its models.
   */
  private async digestOf(host: string, model: string, signal?: AbortSignal): Promise<string | undefined> {
    const known = this.digests.get(host);
    if (known && known.expires > Date.now()) return known.byModel.get(model) ?? known.byModel.get(`${model}:latest`);
    try {
      // A host that does not answer must not hold the request, nor a Cancel, for long.
      const limit = AbortSignal.timeout(DIGEST_LOOKUP_MS);
      const { models } = await this.client(host, signal ? AbortSignal.any([signal, limit]) : limit).list();
      const byModel = new Map(models.map((entry) => [entry.name, entry.digest]));
      this.digests.set(host, { byModel, expires: Date.now() + DIGEST_TTL_MS });
      return byModel.get(model) ?? byModel.get(`${model}:latest`);
    } catch {
      return undefined;
    }
  }

  /** Asks a model outside Ollama: the one picked in the chat, or Copilot as the allowed fallback. */
  private askExternal<T>(external: ExternalChatModel, operation: string, base: ChatMessage[], schema: object, options: InferenceOptions): Promise<InferenceResult<T>> {
    const key = InferenceCache.key({ host: 'external', model: external.name, messages: base, schema });
    return this.solve<T>(operation, 'external', external.name, key, base, schema, options, async (messages) => {
      const content = await external.reply(messages, schema, options.signal);
      if (options.signal?.aborted) throw new CancelledError();
      return { content, tokens: 0 };
    });
  }

  private async stream(
    host: string,
    model: string,
    messages: ChatMessage[],
    schema: object | undefined,
    requestOptions: Record<string, number>,
    options: InferenceOptions & { onText?: (text: string) => void },
    started: number,
  ): Promise<StreamedReply> {
    if (options.signal?.aborted) throw new CancelledError();
    const controller = new AbortController();
    let timedOut = false;
    const abort = () => controller.abort();
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.requestTimeoutMs);
    options.signal?.addEventListener('abort', abort, { once: true });
    let content = '';
    let tokens = 0;
    let last: ChatResponse | undefined;
    let streaming = false;
    let firstTokenMs: number | undefined;
    try {
      const response = await this.abortableClient(host, controller.signal).chat({
        model,
        messages,
        format: schema,
        stream: true,
        think: false,
        keep_alive: this.settings.keepAlive,
        options: requestOptions,
      });
      streaming = true;
      for await (const chunk of response) {
        if (firstTokenMs === undefined && chunk.message?.content) firstTokenMs = Date.now() - started;
        content += chunk.message?.content ?? '';
        if (chunk.message?.content) options.onText?.(chunk.message.content);
        tokens++;
        last = chunk;
        options.onProgress?.({ model, host, tokens, elapsedMs: Date.now() - started });
      }
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError();
      if (timedOut) throw Object.assign(new Error(`no complete answer within ${this.settings.requestTimeoutMs / 1000} s`), { status_code: 504 });
      // An {"error": …} line in the middle of a stream, or a stream that ends early: the server failed.
      if (streaming && classify(error) === undefined) throw Object.assign(new Error((error as Error).message), { status_code: 502 });
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    }
    if (options.signal?.aborted) throw new CancelledError();
    return { content, doneReason: last?.done_reason, tokens: last?.eval_count ?? tokens, firstTokenMs, evalDurationNs: last?.eval_duration };
  }

  /**
   * One uncached, unrepaired request to one model on one host, timed: time to first token,
   * tokens per second, total time, and whether the reply fits the schema. Sent as given, in no
   * response language: the benchmark is the same request everywhere, so results compare.
   */
  async measure(host: string, model: string, messages: ChatMessage[], schema: object, signal?: AbortSignal): Promise<BenchmarkResult> {
    const started = Date.now();
    const requestOptions = { num_ctx: this.settings.numCtx, temperature: this.settings.temperature };
    try {
      const reply = await this.stream(host, model, messages, schema, requestOptions, { signal }, started);
      let valid = reply.doneReason !== 'length';
      try {
        valid = valid && validatorFor(schema)(JSON.parse(extractJson(reply.content)));
      } catch {
        valid = false;
      }
      const seconds = reply.evalDurationNs ? reply.evalDurationNs / 1e9 : (Date.now() - started - (reply.firstTokenMs ?? 0)) / 1000;
      return { host, model, firstTokenMs: reply.firstTokenMs, tokensPerSecond: seconds > 0 ? reply.tokens / seconds : undefined, totalMs: Date.now() - started, valid };
    } catch (error) {
      if (CancelledError.is(error)) throw error;
      return { host, model, totalMs: Date.now() - started, valid: false, error: (error as Error).message };
    }
  }

  private record(entry: InferenceRecord): void {
    this.onRecord?.(entry);
    this.records.push(entry);
    if (this.records.length > 50) this.records.shift();
  }
}
