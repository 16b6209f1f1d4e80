import * as path from 'node:path';
import type { AiService } from '../ai/aiService';
import { PLAN_TOOLS, selectPlanTools, TOOLS_ENV } from '../planTools';
import { PlanServer } from '../server/planServer';
import { resolveServerConfig, ServerConfigError } from '../server/serverConfig';
import { addToken, defaultTokensFile, isTokenScope, readTokens, revokeToken, TokenFileError } from '../server/tokens';
import { UsageError } from './commandLine';
import type { Options, Output } from './options';

export function isServerCommand(command: string): boolean {
  return command === 'serve' || command === 'token';
}

export async function runServerCommand(command: string, args: string[], options: Options, out: Output, err: Output, createAi: (projectRoot: string) => Promise<AiService>, version: string): Promise<number> {
  try {
    return command === 'serve' ? await serve(options, out, err, createAi, version) : await token(args, options, out, err);
  } catch (error) {
    if (error instanceof ServerConfigError || error instanceof TokenFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** Serves until SIGTERM or SIGINT, then drains and returns 0. Logs are JSON lines on stdout. */
async function serve(options: Options, out: Output, err: Output, createAi: (projectRoot: string) => Promise<AiService>, version: string): Promise<number> {
  const config = await resolveServerConfig(options);
  const selection = selectPlanTools(process.env[TOOLS_ENV], PLAN_TOOLS);
  for (const warning of selection.warnings) err(`tml serve: ${TOOLS_ENV}: ${warning}`);
  // The handlers are in place before the server listens: a SIGTERM right after "listening" (a
  // quick stop by systemd) must drain, not kill. They stay until the drain is over: a signal with
  // no handler of ours left is re-raised by the lock library's exit hook and would kill the process
  // mid-drain. A second signal (Ctrl-C again) stops at once; every write is atomic, so the file
  // holds the last whole plan.
  let signals = 0;
  let requested!: () => void;
  const stopped = new Promise<void>((resolve) => (requested = resolve));
  const stop = () => {
    if (++signals === 1) return requested();
    err('tml serve: stopped without waiting for the requests in flight.');
    process.exit(130);
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
  try {
    let server: PlanServer;
    try {
      server = await PlanServer.start(config, { createAi, tools: selection.tools, version, write: out });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${config.port} on ${config.host} is in use. Stop what listens there or pick another --port.`);
      if (code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${config.host} is not an address of this machine.`);
      throw error;
    }
    await stopped;
    await server.close();
  } finally {
    process.off('SIGTERM', stop).off('SIGINT', stop);
  }
  return 0;
}

async function token(args: string[], options: Options, out: Output, err: Output): Promise<number> {
  const file = options.tokens ? path.resolve(options.tokens) : defaultTokensFile();
  const [action, name] = args;
  const usage = 'tml token add <name> --scope read|write | tml token revoke <name> | tml token list   [--tokens FILE]';
  switch (action) {
    case 'add': {
      if (!name) throw new UsageError(`missing the token's name. Usage: ${usage}`);
      if (!isTokenScope(options.scope)) throw new UsageError(`--scope must be read or write${options.scope ? `, not "${options.scope}"` : ''}.`);
      out(await addToken(file, name, options.scope));
      err(`tml: token "${name}" (${options.scope}) added to ${file}. It is shown only this once: store it now (a client sends it as "Authorization: Bearer <token>").`);
      return 0;
    }
    case 'revoke': {
      if (!name) throw new UsageError(`missing the token's name. Usage: ${usage}`);
      if (!(await revokeToken(file, name))) {
        err(`tml: no token named "${name}" in ${file}. tml token list shows the names.`);
        return 1;
      }
      err(`tml: token "${name}" revoked; a running server refuses it from now on.`);
      return 0;
    }
    case 'list': {
      const tokens = (await readTokens(file)).map(({ name: tokenName, scope, created }) => ({ name: tokenName, scope, created }));
      if (options.json) out(JSON.stringify(tokens, null, 2));
      else if (tokens.length === 0) out(`No tokens in ${file}. Add one with tml token add <name> --scope read|write.`);
      else for (const entry of tokens) out(`${entry.name.padEnd(20)} ${entry.scope.padEnd(5)} ${entry.created}`);
      return 0;
    }
    default:
      throw new UsageError(`${action ? `unknown token action "${action}"` : 'missing the token action'}. Usage: ${usage}`);
  }
}
