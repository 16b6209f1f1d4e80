import { spawn, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';

export interface ServeProcess {
  child: ChildProcess;
  /** Where it listens, from its `listening` log line. */
  url: string;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Its JSON log lines so far. */
  log: string[];
}

/** `node <cli> serve <args>` as its own process; resolves once it logs that it listens. */
export async function startServeProcess(cli: string, args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(line);
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'listening' && entry.url) resolve(entry.url);
    });
    void exited.then((code) => reject(new Error(`tml serve exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url, exited, log };
}
