/**
 * The memory the 10,000-task plan holds in a real VS Code's extension host (code-server): its heap
 * and external memory with that plan shown in the Tasks tree, less the same with a 10-task plan
 * shown the same way, against what its JSON.parse holds. SIGUSR1 starts Node's inspector in the extension host
 * (127.0.0.1:9229); each reading follows two full garbage collections.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { packageExtension } from '../test/e2e/stagedExtension';
import { eventually, extensionHostPid, launchVSCode, openViewContainer, waitForRows } from '../test/e2e/vscodeHarness';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';
import { logLine } from './boardRender';

/** How long after the first rows the first plan's check and its markers are surely done. */
const SETTLE_MS = 3000;
const INSPECTOR = 'http://127.0.0.1:9229';
const CALL_TIMEOUT_MS = 60_000;

export async function extensionHostHeapRows(dir: string, largePlanText: string, parseHeap: number, mb: (bytes: number) => string): Promise<string[][]> {
  const extensionRoot = path.join(dir, 'heap-extension');
  await fs.mkdir(extensionRoot, { recursive: true });
  const { extensionDir } = packageExtension(extensionRoot);
  const small = await heapWithPlan(extensionDir, path.join(dir, 'heap-small'), taskMasterText(generateLargePlan(10)));
  const large = await heapWithPlan(extensionDir, path.join(dir, 'heap-large'), largePlanText);
  const held = large - small;
  return [
    [
      'extension-host memory (heap + external) held by the 10,000-task plan (Tasks tree shown, features loaded; less the same with 10 tasks)',
      mb(held),
      `JSON.parse ${mb(parseHeap)}`,
      `${(held / parseHeap).toFixed(2)}× (goal ≤ 2×); in all ${mb(large)} against ${mb(small)}`,
    ],
  ];
}

async function heapWithPlan(extensionDir: string, workspace: string, text: string): Promise<number> {
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), text);
  const session = await launchVSCode({ extensionDevPath: extensionDir, workspace });
  try {
    await logLine(session.logsDir, 'the features to load', /Features loaded in/, 120_000);
    await openViewContainer(session.page, 'Taskmaster', 60_000);
    await waitForRows(session.page, 'the first task rows', (rows) => rows.some((row) => /^\d+ /.test(row)), 60_000);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const pid = extensionHostPid(session.userDataDir);
    if (pid === undefined) throw new Error('The extension host log names no pid.');
    return await heapUsedAfterGc(pid);
  } finally {
    await session.close();
  }
}

/** The heap and external memory process `pid` uses after two full collections, over the inspector protocol. */
async function heapUsedAfterGc(pid: number): Promise<number> {
  if (typeof WebSocket === 'undefined') throw new Error('This Node has no WebSocket: run the bench with node --experimental-websocket (npm run bench does).');
  process.kill(pid, 'SIGUSR1');
  const target = await eventually('the extension host\'s inspector', async () => {
    const response = await fetch(`${INSPECTOR}/json/list`).catch(() => undefined);
    const targets = response?.ok ? ((await response.json()) as Array<{ webSocketDebuggerUrl: string }>) : [];
    return targets[0];
  }, 15_000);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`Cannot connect to ${target.webSocketDebuggerUrl}`));
  });
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const call = message.id === undefined ? undefined : waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id!);
    if (message.error) call.reject(new Error(message.error.message));
    else call.resolve(message.result);
  };
  socket.onclose = () => {
    for (const call of waiting.values()) call.reject(new Error('The inspector closed the connection.'));
    waiting.clear();
  };
  let lastId = 0;
  const send = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = ++lastId;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      const settle = (work: () => void) => {
        clearTimeout(timer);
        work();
      };
      waiting.set(id, { resolve: (result) => settle(() => resolve(result as T)), reject: (error) => settle(() => reject(new Error(`${method}: ${error.message}`))) });
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    // Port 9229 may belong to another process: read from the extension host only.
    const { result } = await send<{ result: { value: number } }>('Runtime.evaluate', { expression: 'process.pid' });
    if (result.value !== pid) throw new Error(`The inspector on ${INSPECTOR} is process ${result.value}'s, not the extension host's (${pid}): free the port and run again.`);
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    // The heap and what lives outside it: a large decoded file is an external string, not on the heap.
    const { result: held } = await send<{ result: { value: number } }>('Runtime.evaluate', { expression: '(() => { const m = process.memoryUsage(); return m.heapUsed + m.external; })()', returnByValue: true });
    return held.value;
  } finally {
    socket.close();
  }
}
