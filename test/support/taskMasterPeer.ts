import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The real `task-master` CLI (task-master-ai, a devDependency) as a peer for conformance tests
 * and benchmarks. It runs from an empty folder with an empty HOME: run inside a project it also
 * writes that project's state.json, and with a home of its own it could find a cloud login.
 */
export interface PeerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function peerCommand(): PeerCommand | undefined {
  const script = path.join(__dirname, '..', '..', 'node_modules', 'task-master-ai', 'dist', 'task-master.js');
  if (!existsSync(script)) return undefined;
  const home = mkdtempSync(path.join(os.tmpdir(), 'tm-peer-home-'));
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tm-peer-cwd-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TASKMASTER_SKIP_AUTO_UPDATE: '1', CI: 'true', NO_COLOR: '1' };
  return { command: process.execPath, args: [script], env, cwd };
}

export type PeerAnswer = { id: string | null } | { error: string };

/** `task-master next --format json` on a project; its id as Task Master prints it, or its error. */
export function peerNext(peer: PeerCommand, projectRoot: string, tag: string): Promise<PeerAnswer> {
  const args = [...peer.args, 'next', '--project', projectRoot, '--format', 'json', '--tag', tag];
  return new Promise((resolve) => {
    execFile(peer.command, args, { cwd: peer.cwd, env: peer.env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ error: stderr.trim() || error.message });
        return;
      }
      // The JSON document is the block from a line "{" to the next line "}"; notices may surround it.
      const lines = stdout.split('\n');
      const start = lines.indexOf('{');
      const end = lines.indexOf('}', start);
      const result = JSON.parse(lines.slice(start, end + 1).join('\n')) as { task: { id: string } | null };
      resolve({ id: result.task ? String(result.task.id) : null });
    });
  });
}

/** Runs async jobs with at most `limit` at once, keeping their order in the results. */
export async function mapWithLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
