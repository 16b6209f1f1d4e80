/**
 * `tml serve` against `tml mcp` (stdio) as the baseline: the same bundled CLI, the same plan, the
 * official MCP client on each; requests per second and p99 latency of get_tasks and set_task_status,
 * and how long a subscriber waits for an outside change of tasks.json.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { addToken } from '../src/server/tokens';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';
import { startServeProcess } from '../test/support/serveProcess';
import { median } from './timing';

const CALLS = 300;
const CLI = path.join(__dirname, '..', 'dist', 'cli.js');

interface CallFigures {
  perSecond: number;
  p99: number;
}

/** Calls `call` CALLS times one after another (as one agent does), after a few warm-up calls. */
async function measure(call: (i: number) => Promise<unknown>): Promise<CallFigures> {
  for (let i = 0; i < 10; i++) await call(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    await call(i);
    samples.push(performance.now() - start);
  }
  const elapsed = performance.now() - started;
  samples.sort((a, b) => a - b);
  return { perSecond: (CALLS / elapsed) * 1000, p99: samples[Math.ceil(samples.length * 0.99) - 1] };
}

/** The two tools each transport is measured on; set_task_status flips one task so every call writes. */
async function toolFigures(client: Client): Promise<Record<'get_tasks' | 'set_task_status', CallFigures>> {
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: Array<{ text: string }> };
    if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
  };
  return {
    get_tasks: await measure(() => call('get_tasks', {})),
    set_task_status: await measure((i) => call('set_task_status', { id: '20', status: i % 2 ? 'pending' : 'in-progress' })),
  };
}

/** Median wait from an outside write of tasks.json to the subscriber's notifications/resources/updated. */
async function subscriptionDelay(client: Client, tasksFile: string, text: string): Promise<number> {
  const uri = 'taskmaster://demo/tasks.json';
  let notified: () => void = () => undefined;
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, () => notified());
  await client.subscribeResource({ uri });
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const arrived = new Promise<void>((resolve) => (notified = resolve));
    const start = performance.now();
    await fs.writeFile(tasksFile, text.replace('component 1 of the service layer', `component 1 (outside edit ${i})`));
    await arrived;
    delays.push(performance.now() - start);
    // Let the server's watcher settle before the next change.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return median(delays);
}

export async function planServerRows(dir: string, ms: (value: number) => string): Promise<string[][]> {
  const root = path.join(dir, 'served');
  const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  await fs.mkdir(path.dirname(tasksFile), { recursive: true });
  const text = taskMasterText(generateLargePlan(200, 3));
  await fs.writeFile(tasksFile, text);
  const tokensFile = path.join(dir, 'tokens.json');
  const token = await addToken(tokensFile, 'bench', 'write');

  const stdio = new Client({ name: 'tml-bench', version: '1.0.0' });
  await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--project', root], stderr: 'ignore' }));
  const baseline = await toolFigures(stdio).finally(() => stdio.close());

  const served = await startServeProcess(CLI, ['--project', `demo=${root}`, '--port', '0', '--tokens', tokensFile, '--rate-limit', '1000000']);
  const http = new Client({ name: 'tml-bench', version: '1.0.0' });
  try {
    await http.connect(new StreamableHTTPClientTransport(new URL(`${served.url}/mcp/demo`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const figures = await toolFigures(http);
    const delay = await subscriptionDelay(http, tasksFile, text);
    const rows: string[][] = [];
    for (const tool of ['get_tasks', 'set_task_status'] as const) {
      const ours = figures[tool];
      const base = baseline[tool];
      rows.push([`tml serve ${tool}, 200-task plan, one client: requests/s`, `${ours.perSecond.toFixed(0)}/s`, `tml mcp (stdio) ${base.perSecond.toFixed(0)}/s`, `${(ours.perSecond / base.perSecond).toFixed(2)}×`]);
      rows.push([`tml serve ${tool}: p99 latency`, ms(ours.p99), `tml mcp (stdio) ${ms(base.p99)}`, `${(ours.p99 / base.p99).toFixed(2)}×`]);
    }
    rows.push(['tml serve: outside edit of tasks.json to a subscriber’s notification (median of 7)', ms(delay), '-', `${delay <= 1000 ? 'within' : 'over'} 1 s (goal ≤ 1 s)`]);
    return rows;
  } finally {
    await http.close().catch(() => undefined);
    served.child.kill('SIGTERM');
  }
}
