import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpErrors';
import type { TokenHolder, TokenRegistry } from './tokens';

/**
 * The checks every request passes before a route sees it: Host and Origin allow-lists (DNS
 * rebinding), the bearer token, the per-token rate and the body size.
 */
export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly hostNames: Set<string>;
  private readonly origins: Set<string>;
  private readonly limiter: RateLimiter;

  constructor(
    private readonly registry: TokenRegistry,
    options: { host: string; port: number; allowedHosts: string[]; allowedOrigins: string[]; rateLimitPerMinute: number; maxBodyBytes: number },
  ) {
    const bracketed = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    const local = ['127.0.0.1', 'localhost', '[::1]', bracketed(options.host)];
    const withPort = options.allowedHosts.filter((host) => /:\d+$/.test(host));
    this.hosts = new Set([...local.map((host) => `${host}:${options.port}`.toLowerCase()), ...withPort.map((host) => host.toLowerCase())]);
    // An allowed host given without a port (a reverse proxy's name) is allowed on any port.
    this.hostNames = new Set(options.allowedHosts.filter((host) => !/:\d+$/.test(host)).map((host) => host.toLowerCase()));
    this.origins = new Set(options.allowedOrigins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
    this.limiter = new RateLimiter(options.rateLimitPerMinute);
    this.maxBodyBytes = options.maxBodyBytes;
  }

  readonly maxBodyBytes: number;

  checkHost(req: IncomingMessage): void {
    const host = (req.headers.host ?? '').toLowerCase();
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
    if (!this.hosts.has(host) && !this.hostNames.has(name)) {
      throw new HttpError(421, 'host-not-allowed', `Host "${req.headers.host ?? ''}" is not served here. Reach the server by an allowed name, or start it with --allowed-host ${name || '<name>'}.`);
    }
    const origin = req.headers.origin?.replace(/\/+$/, '').toLowerCase();
    if (origin === undefined) return;
    if (this.origins.has(origin) || origin === `http://${host}` || origin === `https://${host}`) return;
    throw new HttpError(403, 'origin-not-allowed', `Origin "${req.headers.origin}" may not use this server. Start it with --allowed-origin ${req.headers.origin} if that page should.`);
  }

  /** The token's holder; 401 for a request without one or with one the server does not know. */
  authenticate(req: IncomingMessage): TokenHolder {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="tml"' };
    if (!match) throw new HttpError(401, 'unauthorized', 'This server needs "Authorization: Bearer <token>". Create a token with tml token add <name> --scope read|write.', challenge);
    const holder = this.registry.verify(match[1]);
    if (!holder) throw new HttpError(401, 'unauthorized', 'Unknown or revoked token. Create a new one with tml token add <name> --scope read|write.', challenge);
    return holder;
  }

  limitRate(holder: TokenHolder): void {
    const waitSeconds = this.limiter.take(holder.name);
    if (waitSeconds > 0) {
      throw new HttpError(429, 'rate-limited', `Token "${holder.name}" made more requests than the server allows per minute. Wait ${waitSeconds} s and try again.`, { 'Retry-After': String(waitSeconds) });
    }
  }

  requireWrite(holder: TokenHolder, what: string): void {
    if (holder.scope !== 'write') throw new HttpError(403, 'read-only-token', `Token "${holder.name}" has read scope and cannot ${what}. Use a token made with --scope write.`);
  }

  /** The whole body, or 413 as soon as it is known to be larger than allowed. */
  readBody(req: IncomingMessage): Promise<Buffer> {
    const tooLarge = () => new HttpError(413, 'body-too-large', `The request body is larger than ${this.maxBodyBytes} bytes. Start the server with a larger --max-body-bytes if this plan needs it.`, { Connection: 'close' });
    if (Number(req.headers['content-length'] ?? 0) > this.maxBodyBytes) {
      // Drained, not cut: the client gets the 413 instead of a reset connection.
      req.resume();
      return Promise.reject(tooLarge());
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          chunks.length = 0;
          reject(tooLarge());
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }
}

/** A token bucket per key: `perMinute` requests a minute on average, bursts up to that many. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** 0 when the request may go ahead, else the seconds until it may. */
  take(key: string, now = Date.now()): number {
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
  }
}
