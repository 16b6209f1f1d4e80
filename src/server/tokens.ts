import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../store/atomicWrite';

export type TokenScope = 'read' | 'write';

/** A token as stored: never the token itself, only the sha256 of it. */
export interface StoredToken {
  name: string;
  scope: TokenScope;
  sha256: string;
  created: string;
}

interface TokensFile {
  version: 1;
  tokens: StoredToken[];
}

export class TokenFileError extends Error {}

export function isTokenScope(value: unknown): value is TokenScope {
  return value === 'read' || value === 'write';
}

/** `$XDG_CONFIG_HOME/taskmaster-local/tokens.json`, else `~/.config/taskmaster-local/tokens.json`. */
export function defaultTokensFile(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(configHome, 'taskmaster-local', 'tokens.json');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `tml_` and 32 random bytes in base64url. */
export function generateToken(): string {
  return `tml_${randomBytes(32).toString('base64url')}`;
}

/** The stored tokens; an absent file is an empty list, a damaged one an error that says which file. */
export async function readTokens(file: string): Promise<StoredToken[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TokenFileError(`${file} is not valid JSON (${(error as Error).message}). Fix it or remove it and add the tokens again.`);
  }
  const tokens = (parsed as Partial<TokensFile> | null)?.tokens;
  if (!Array.isArray(tokens) || !tokens.every(isStoredToken)) {
    throw new TokenFileError(`${file} is not a tokens file ({"version":1,"tokens":[{"name","scope","sha256","created"}]}). Fix it or remove it and add the tokens again.`);
  }
  return tokens;
}

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as Partial<StoredToken> | null;
  return typeof token?.name === 'string' && isTokenScope(token.scope) && typeof token.sha256 === 'string' && /^[0-9a-f]{64}$/.test(token.sha256) && typeof token.created === 'string';
}

async function writeTokens(file: string, tokens: StoredToken[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // writeFileAtomic gives the new file the mode of the one it replaces: 0600 first, so the hashes
  // are never readable by others, not even for a moment (a file made by hand is narrowed too).
  await fs.writeFile(file, JSON.stringify({ version: 1, tokens: [] }), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await fs.chmod(file, 0o600);
  const body: TokensFile = { version: 1, tokens };
  await writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n');
}

/** Adds a token and returns its text, the only time it is ever shown. */
export async function addToken(file: string, name: string, scope: TokenScope, now = new Date()): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new TokenFileError(`"${name}" is not a token name: use letters, digits, ".", "_" and "-" (up to 64), starting with a letter or digit.`);
  }
  const tokens = await readTokens(file);
  if (tokens.some((token) => token.name === name)) throw new TokenFileError(`A token named "${name}" exists already. Revoke it first (tml token revoke ${name}) or pick another name.`);
  const token = generateToken();
  await writeTokens(file, [...tokens, { name, scope, sha256: hashToken(token), created: now.toISOString() }]);
  return token;
}

/** Removes a token; false when there was none of that name. */
export async function revokeToken(file: string, name: string): Promise<boolean> {
  const tokens = await readTokens(file);
  const kept = tokens.filter((token) => token.name !== name);
  if (kept.length === tokens.length) return false;
  await writeTokens(file, kept);
  return true;
}

export interface TokenHolder {
  name: string;
  scope: TokenScope;
}

const RELOAD_DEBOUNCE_MS = 50;
const POLL_INTERVAL_MS = 1_000;

/**
 * The tokens a running server accepts, re-read when the file changes (a watcher on its folder, and
 * a poll of its stat under it), so `tml token revoke` takes effect without a restart.
 */
export class TokenRegistry {
  private tokens: StoredToken[] = [];
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private signature = '';

  private constructor(
    readonly file: string,
    private readonly onError: (error: Error) => void,
  ) {}

  static async open(file: string, onError: (error: Error) => void): Promise<TokenRegistry> {
    const registry = new TokenRegistry(file, onError);
    registry.tokens = await readTokens(file);
    registry.signature = await statSignature(file);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    registry.watcher = watch(path.dirname(file), () => registry.scheduleReload());
    registry.poll = setInterval(() => void registry.checkSignature(), POLL_INTERVAL_MS);
    registry.poll.unref();
    return registry;
  }

  get count(): number {
    return this.tokens.length;
  }

  /** Who holds `token`; every stored hash is compared, in constant time each. */
  verify(token: string): TokenHolder | undefined {
    const presented = Buffer.from(hashToken(token), 'hex');
    let holder: TokenHolder | undefined;
    for (const stored of this.tokens) {
      if (timingSafeEqual(presented, Buffer.from(stored.sha256, 'hex')) && !holder) holder = { name: stored.name, scope: stored.scope };
    }
    return holder;
  }

  /** Re-reads the file now; a damaged file keeps the previous tokens and is reported. */
  async reload(): Promise<void> {
    this.signature = await statSignature(this.file);
    try {
      this.tokens = await readTokens(this.file);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private async checkSignature(): Promise<void> {
    if ((await statSignature(this.file)) !== this.signature) await this.reload();
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), RELOAD_DEBOUNCE_MS);
  }

  dispose(): void {
    this.watcher?.close();
    clearInterval(this.poll);
    clearTimeout(this.reloadTimer);
  }
}

async function statSignature(file: string): Promise<string> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
}
