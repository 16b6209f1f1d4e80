import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir } from './testCache';

/**
 * The real `task-master` CLI (task-master-ai, pinned and installed outside the clone by
 * scripts/install-e2e.sh) as a peer for conformance tests and benchmarks. It runs from an empty folder with an empty HOME: run inside a project it also
 * writes that project's state.json, and with a home of its own it could find a cloud login.
 */
export interface PeerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const TASK_MASTER_VERSION = process.env.TML_TASK_MASTER_VERSION ?? '0.43.1';

export function peerScript(): string {
  return path.join(cacheDir(), `task-master-${TASK_MASTER_VERSION}`, 'node_modules', 'task-master-ai', 'dist', 'task-master.js');
}

export function peerCommand(): PeerCommand | undefined {
  const script = peerScript();
  if (!existsSync(script)) return undefined;
  const home = mkdtempSync(path.join(os.tmpdir(), 'tm-peer-home-'));
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tm-peer-cwd-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TASKMASTER_SKIP_AUTO_UPDATE: '1', CI: 'true', NO_COLOR: '1' };
  return { command: process.execPath, args: [script], env, cwd };
}

export type PeerAnswer = { id: string | null } | { error: string };

/** `task-master next --format json` on a project; its id as Task Master prints it, or its error. */
export async function peerNext(peer: PeerCommand, projectRoot: string, tag: string): Promise<PeerAnswer> {
  const answer = await peerNextTask(peer, projectRoot, tag);
  return 'error' in answer ? answer : { id: answer.task ? String(answer.task.id) : null };
}

/** `task-master next --format json`: the task as Task Master reports it (null: none), or its error. */
export function peerNextTask(peer: PeerCommand, projectRoot: string, tag: string): Promise<{ task: Record<string, unknown> | null } | { error: string }> {
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
      const result = JSON.parse(lines.slice(start, end + 1).join('\n')) as { task: Record<string, unknown> | null };
      resolve({ task: result.task });
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

export interface PeerRun {
  code: number;
  /** Set when the run was stopped (its time ran out on a busy machine). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** Runs `task-master <argv>` inside a project folder, as a user in that project would. */
export function runPeer(peer: PeerCommand, argv: string[], projectRoot: string): Promise<PeerRun> {
  return new Promise((resolve) => {
    execFile(peer.command, [...peer.args, ...argv], { cwd: projectRoot, env: peer.env, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, signal: error?.signal ?? undefined, stdout, stderr });
    });
  });
}
