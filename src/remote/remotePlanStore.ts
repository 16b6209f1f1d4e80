import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Emitter, type Event } from '../core/event';
import type { PlanOperation } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { decodeUtf8 } from '../store/jsonText';
import { backupsDir, DEFAULT_BACKUPS_TO_KEEP, saveBackup } from '../store/planBackups';
import { applyOperation } from '../store/planEdit';
import type { PlanLocation } from '../store/planLocation';
import { loadedOrThrow, parsePlanBytes, planFingerprint, PlanMissingError, readFrom, type LoadedPlan, type PlanState } from '../store/planReader';
import type { PlanStore } from '../store/planStore';

/** Where a served plan is: the server's base URL and the project's name there. */
export interface PlanServerAddress {
  url: string;
  project: string;
}

/** How the store stands with its server. */
export type PlanServerConnection =
  | { status: 'connecting' }
  | { status: 'connected' }
  /** The server cannot be reached, or failed (5xx). */
  | { status: 'offline'; message: string }
  /** 401: no token, or one the server does not know (revoked). */
  | { status: 'unauthorized'; message: string }
  /** 403: the token may not do this (a read token), or the server refused the request's origin. */
  | { status: 'forbidden'; message: string };

export type PlanServerProblem = Exclude<PlanServerConnection['status'], 'connecting' | 'connected'>;

/** A request to the plan server that failed; the message says what happened and what to do. */
export class PlanServerError extends Error {
  constructor(
    readonly problem: PlanServerProblem | 'refused',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PlanServerError';
  }

  static is(error: unknown): error is PlanServerError {
    return error instanceof PlanServerError;
  }
}

export interface RemotePlanStoreOptions {
  /** The bearer token; undefined when none is stored (every request then gets 401). */
  token: string | undefined;
  /** The local folder the plan is opened for: reports, research and backups are written there. */
  localRoot: string;
  /** How many backups of each tag are kept (read at each backup). */
  backupsToKeep?: () => number;
  /** The name and version the MCP client gives the server. */
  clientVersion?: string;
}

/** Writes that keep meeting a newer plan (412) are retried this many times, then refused. */
const MAX_PUT_ATTEMPTS = 5;
/** Reconnecting after a lost connection waits this long at first, doubling up to the maximum. */
const RECONNECT_INITIAL_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** A host that does not answer (a sleeping box, a firewall dropping packets) counts as offline after this. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Notifications arriving together are one reload. */
const UPDATE_DEBOUNCE_MS = 50;

/**
 * A plan kept by `tml serve`: read with GET (and its ETag), edited by applying the same operation
 * as the local store to the fetched text and writing it back with If-Match (a write that meets a
 * newer plan fetches it again and reapplies the operation), and followed through the MCP
 * resource subscription. An edit that cannot be saved throws and the plan keeps the server's last
 * known state.
 */
export class RemotePlanStore implements PlanStore {
  readonly kind = 'remote';
  readonly location: PlanLocation;
  private _state: PlanState;
  /** The plan's bytes as last fetched or written: what an edit applies to and a backup keeps. */
  private planBytes: Uint8Array | undefined;
  private etag: string | undefined;
  private currentTag: string | undefined;
  private _connection: PlanServerConnection = { status: 'connecting' };
  private readonly _onDidChange = new Emitter<PlanState>();
  readonly onDidChange: Event<PlanState> = this._onDidChange.event;
  private readonly _onDidChangeConnection = new Emitter<PlanServerConnection>();
  /** Fires when the connection to the server changes: connected, offline, refused. */
  readonly onDidChangeConnection: Event<PlanServerConnection> = this._onDidChangeConnection.event;
  private readonly _onDidSubscribe = new Emitter<void>();
  /** Fires each time updates are followed live again: subscribed after connecting or reconnecting. */
  readonly onDidSubscribe: Event<void> = this._onDidSubscribe.event;
  private queue: Promise<unknown> = Promise.resolve();
  private watching = false;
  private disposed = false;
  /** The MCP client while connected, closed on dispose. */
  private client: { close(): Promise<void> } | undefined;
  private wake: (() => void) | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly address: PlanServerAddress,
    private readonly options: RemotePlanStoreOptions,
  ) {
    const base = address.url.replace(/\/+$/, '');
    this.address = { url: base, project: address.project };
    const taskmasterDir = path.join(options.localRoot, '.taskmaster');
    this.location = { root: options.localRoot, taskmasterDir, tasksFile: this.planUrl, stateFile: `${this.planUrl}/state` };
    this._state = { kind: 'missing', location: this.location };
  }

  get state(): PlanState {
    return this._state;
  }

  get connection(): PlanServerConnection {
    return this._connection;
  }

  private get planUrl(): string {
    return `${this.address.url}/plans/${encodeURIComponent(this.address.project)}`;
  }

  /** The MCP endpoint of the project: the plan tools and the resource this store follows. */
  get mcpUrl(): string {
    return `${this.address.url}/mcp/${encodeURIComponent(this.address.project)}`;
  }

  get resourceUri(): string {
    return `taskmaster://${this.address.project}/tasks.json`;
  }

  /** The headers every request carries. */
  get headers(): Record<string, string> {
    return this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {};
  }

  /**
   * Fetches the plan and the current tag. When the server cannot be reached or refuses, the state
   * stays the last one known and `connection` says why.
   */
  async reload(): Promise<PlanState> {
    try {
      await this.fetchPlan();
    } catch (error) {
      if (!PlanServerError.is(error)) throw error;
    }
    return this._state;
  }

  async load(): Promise<LoadedPlan> {
    const state = await this.reload();
    // Never reached: a missing plan would be the wrong thing to say.
    if (state.kind === 'missing' && this._connection.status !== 'connected') throw this.connectionError();
    return loadedOrThrow(state);
  }

  async loadedText(): Promise<string | undefined> {
    return this._state.kind === 'loaded' && this.planBytes ? decodeUtf8(this.planBytes) : undefined;
  }

  /** GET the plan and its state; throws PlanServerError (and records it) when that fails. */
  private async fetchPlan(): Promise<PlanState> {
    const [plan, state] = await Promise.all([this.request('GET', this.planUrl), this.request('GET', `${this.planUrl}/state`)]);
    const tagBody = state.ok ? ((await state.json().catch(() => undefined)) as { currentTag?: unknown } | undefined) : undefined;
    const currentTag = typeof tagBody?.currentTag === 'string' && tagBody.currentTag ? tagBody.currentTag : undefined;
    if (plan.status === 404) {
      const body = await errorBody(plan);
      // A project the server does not serve (renamed, removed) is a refusal to fix in the settings.
      if (body.error !== 'no-plan') throw this.fail(new PlanServerError('refused', `${this.planUrl}: ${body.message ?? 'not found'}`, 404));
      this.connected();
      this.etag = undefined;
      this.planBytes = undefined;
      this.setState({ kind: 'missing', location: this.location });
      return this._state;
    }
    if (!plan.ok) throw this.fail(await responseError(plan, this.planUrl));
    const bytes = new Uint8Array(await plan.arrayBuffer());
    this.connected();
    this.etag = plan.headers.get('etag') ?? undefined;
    this.planBytes = bytes;
    const previous = this._state;
    if (readFrom(previous, planFingerprint(bytes)) && currentTag === this.currentTag) return previous;
    this.currentTag = currentTag;
    this.setState(parsePlanBytes(this.location, bytes, currentTag));
    return this._state;
  }

  edit(operation: PlanOperation, tag?: string): Promise<void> {
    const run = () => this.put(operation, tag);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async put(operation: PlanOperation, tag: string | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // The plan as last fetched is the usual case; the server's If-Match check catches a newer one.
      if (!(this._state.kind === 'loaded' && this.etag && this.planBytes)) await this.fetchPlan();
      // Taken together, with no await between: a fetch finishing meanwhile sets all three at once.
      const [current, bytes, etag] = [loadedOrThrow(this._state), this.planBytes, this.etag];
      if (!bytes) throw new Error('Internal error: a plan fetched without its bytes.');
      const updated = applyOperation(current, decodeUtf8(bytes), operation, tag ?? current.currentTag ?? DEFAULT_TAG);
      if (!updated) return;
      const response = await this.request('PUT', this.planUrl, { body: updated.bytes, headers: { 'If-Match': etag ?? '""', 'Content-Type': 'application/json' } });
      if (response.status === 412) {
        await response.body?.cancel();
        if (attempt === MAX_PUT_ATTEMPTS) {
          throw new PlanServerError('refused', `The plan on ${this.address.url} kept changing while this edit was saved (${MAX_PUT_ATTEMPTS} tries); nothing was changed. Try again in a moment.`, 412);
        }
        await this.fetchPlan();
        continue;
      }
      if (!response.ok) throw this.failWrite(await responseError(response, this.planUrl));
      const body = (await response.json().catch(() => ({}))) as { etag?: unknown };
      this.etag = typeof body.etag === 'string' ? `"${body.etag}"` : (response.headers.get('etag') ?? undefined);
      this.connected();
      this.planBytes = updated.bytes;
      this.setState(updated.state);
      return;
    }
  }

  async setCurrentTag(tag: string): Promise<void> {
    const response = await this.request('PUT', `${this.planUrl}/state`, { body: JSON.stringify({ currentTag: tag }), headers: { 'Content-Type': 'application/json' } });
    if (!response.ok) throw this.failWrite(await responseError(response, `${this.planUrl}/state`));
    await response.body?.cancel();
    this.currentTag = tag;
    if (this._state.kind === 'loaded') this.setState({ ...this._state, currentTag: tag });
  }

  /** Branch mappings follow git branches where the plan's files are, not here. */
  async tagForBranch(): Promise<string | undefined> {
    return undefined;
  }

  /** Nothing to record: a branch here is not one of the server's folder (see tagForBranch). */
  async mapBranchToTag(): Promise<void> {}

  /** Keeps the plan as last fetched in the local folder's .taskmaster/backups. */
  async backup(tag: string): Promise<string> {
    await this.load();
    const bytes = this.planBytes;
    if (!bytes) throw new PlanMissingError(this.location.tasksFile);
    const keep = this.options.backupsToKeep?.() ?? DEFAULT_BACKUPS_TO_KEEP;
    return saveBackup(backupsDir(this.location.taskmasterDir), tag, keep, (file) => fs.writeFile(file, bytes, { flag: 'wx' }));
  }

  /**
   * Follows the plan: subscribes to its MCP resource and fetches it again on every update. A lost
   * connection is retried with growing pauses; a refused token waits for `retry()`.
   */
  startWatching(): void {
    if (this.watching) return;
    this.watching = true;
    void this.watchLoop();
  }

  /** Tries the server again now (after a new token, or the server is back). */
  async retry(): Promise<PlanState> {
    this.setConnection({ status: 'connecting' });
    this.wake?.();
    return this.reload();
  }

  private async watchLoop(): Promise<void> {
    let pause = RECONNECT_INITIAL_MS;
    while (!this.disposed) {
      try {
        await this.fetchPlan();
        await this.follow();
        pause = RECONNECT_INITIAL_MS;
      } catch (error) {
        if (!PlanServerError.is(error) && !this.disposed) this.fail(new PlanServerError('offline', `Lost the connection to ${this.address.url}: ${(error as Error).message}`));
      }
      if (this.disposed) return;
      // A refused token or project does not get better by asking again: wait for retry().
      const refused = this._connection.status === 'unauthorized' || this._connection.status === 'forbidden';
      await this.sleep(refused ? undefined : pause);
      pause = Math.min(pause * 2, RECONNECT_MAX_MS);
    }
  }

  /** Connects the MCP client, subscribes, and resolves once the connection is lost. */
  private async follow(): Promise<void> {
    const { Client, StreamableHTTPClientTransport, ResourceUpdatedNotificationSchema } = require('./mcpClientSdk') as typeof import('./mcpClientSdk');
    const transport = new StreamableHTTPClientTransport(new URL(this.mcpUrl), { requestInit: { headers: this.headers } });
    const client = new Client({ name: 'taskmaster-local-editor', version: this.options.clientVersion ?? '0' });
    const lost = new Promise<void>((resolve) => {
      client.onclose = () => resolve();
      // The transport reports a stream it could not get back this way; starting over is the fix.
      client.onerror = () => resolve();
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      if (notification.params.uri === this.resourceUri) this.scheduleReload();
    });
    this.client = client;
    try {
      await client.connect(transport);
      await client.subscribeResource({ uri: this.resourceUri });
      // Anything written between the fetch and the subscription.
      await this.fetchPlan();
      if (this.disposed) return;
      this._onDidSubscribe.fire();
      await lost;
    } finally {
      this.client = undefined;
      await client.close().catch(() => undefined);
    }
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload().catch(() => undefined), UPDATE_DEBOUNCE_MS);
  }

  /** Waits `ms` (forever when undefined) or until retry() or dispose(). */
  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private async request(method: string, url: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Response> {
    try {
      return await fetch(url, { method, body: init.body, headers: { ...this.headers, ...init.headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw this.fail(new PlanServerError('offline', `Cannot reach the plan server at ${this.address.url} (${why}). Check that tml serve runs there and the URL in taskmaster.planServer.url, then Retry.`));
    }
  }

  /** Records what a failed request says of the connection, and returns the error to throw. */
  private fail(error: PlanServerError): PlanServerError {
    if (error.problem !== 'refused') this.setConnection({ status: error.problem, message: error.message });
    return error;
  }

  /** A write refused for its token's scope says nothing of reading: the connection stands. */
  private failWrite(error: PlanServerError): PlanServerError {
    return error.problem === 'forbidden' ? error : this.fail(error);
  }

  private connected(): void {
    if (this._connection.status !== 'connected') this.setConnection({ status: 'connected' });
  }

  private connectionError(): PlanServerError {
    const connection = this._connection;
    if (connection.status === 'connected') return new PlanServerError('refused', `${this.planUrl}: no plan`);
    if (connection.status === 'connecting') return new PlanServerError('offline', `Still connecting to the plan server at ${this.address.url}; try again in a moment.`);
    return new PlanServerError(connection.status, connection.message);
  }

  private setConnection(connection: PlanServerConnection): void {
    const before = this._connection;
    this._connection = connection;
    if (before.status !== connection.status || ('message' in before && 'message' in connection && before.message !== connection.message)) {
      this._onDidChangeConnection.fire(connection);
    }
  }

  private setState(state: PlanState): void {
    const previous = this._state;
    this._state = state;
    if (previous.kind !== state.kind || previous.kind !== 'missing') this._onDidChange.fire(state);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reloadTimer);
    this.wake?.();
    void this.client?.close().catch(() => undefined);
    this._onDidChange.dispose();
    this._onDidChangeConnection.dispose();
    this._onDidSubscribe.dispose();
  }
}

async function errorBody(response: Response): Promise<{ error?: string; message?: string }> {
  const body = (await response.json().catch(() => undefined)) as { error?: unknown; message?: unknown } | undefined;
  return { error: typeof body?.error === 'string' ? body.error : undefined, message: typeof body?.message === 'string' ? body.message : undefined };
}

/** The error a refused request means, with what to do about it. */
async function responseError(response: Response, url: string): Promise<PlanServerError> {
  const { message } = await errorBody(response);
  const said = message ? ` The server said: ${message}` : '';
  switch (response.status) {
    case 401:
      return new PlanServerError('unauthorized', `The plan server refused the token (401).${said} Run "Taskmaster: Connect to Plan Server…" with a token from tml token add on the server.`, 401);
    case 403:
      return new PlanServerError('forbidden', `The plan server does not allow this (403).${said} A read token can only read: connect with a write token (tml token add <name> --scope write).`, 403);
    case 421:
      return new PlanServerError('forbidden', `The plan server does not answer to this host name (421).${said} Start it with --allowed-host for the name in taskmaster.planServer.url.`, 421);
    default:
      if (response.status >= 500) return new PlanServerError('offline', `The plan server failed (${response.status}).${said} See its log, then Retry.`, response.status);
      return new PlanServerError('refused', `${url}: ${response.status} ${response.statusText}.${said}`, response.status);
  }
}
