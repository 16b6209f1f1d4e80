/**
 * `npm run bench`: speed and memory against peers measured in the same run, printed as ratios.
 * Figures go into the README by hand, with the machine they came from; nothing here asserts time.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ollama } from 'ollama';
import { resolveAiSettings } from '../src/ai/aiSettings';
import { OllamaInference } from '../src/ai/ollamaInference';
import { SUBTASKS_SCHEMA } from '../src/core/aiSchemas';
import { findNextTask } from '../src/core/nextTask';
import { readPlan } from '../src/core/plan';
import { setStatuses } from '../src/core/statusChange';
import { parseJson } from '../src/store/jsonText';
import { locatePlan } from '../src/store/planLocation';
import { TaskStore } from '../src/store/taskStore';
import { generateLargePlan } from '../test/support/planGenerator';
import { taskMasterText } from '../test/support/planBuilder';
import { OllamaStandIn } from '../test/support/ollamaStandIn';
import { peerCommand } from '../test/support/taskMasterPeer';
import { isolatedActivationRows } from './activation';
import { boardRenderRows, treeRenderRows } from './boardRender';
import { extensionHostHeapRows } from './extensionHostHeap';
import { gitSaveRows } from './gitSaves';
import { ledgerRows } from './ledger';
import { planServerRows } from './planServer';
import { time, timeAsync, timeInTurns } from './timing';
import { treeRowPassRows } from './treeRows';

/** The memory `work`'s result holds: V8's heap and what lives outside it (large decoded strings, buffers). */
function heapAfter(work: () => unknown): number {
  const held = () => {
    // Twice: buffers freed by the first collection (the file written at start) go with the second.
    global.gc?.();
    global.gc?.();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.external;
  };
  const before = held();
  const kept = work();
  const used = held() - before;
  if (kept === undefined) throw new Error('nothing kept');
  return used;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;

type Section = (context: { dir: string; largePlanText: string; largeProject: string }) => Promise<string[][]>;

/** Sections in run order; `npm run bench -- next views` runs only the named ones. */
const SECTIONS: Record<string, Section> = {
  // Load + index of a 10,000-task plan, against a bare JSON.parse of the same text.
  async load({ largePlanText: text }) {
    const parseMs = time(7, () => JSON.parse(text));
    const loadMs = time(7, () => {
      const plan = readPlan(parseJson(text));
      findNextTask(plan.tags.get('master')!);
    });
    const parseHeap = heapAfter(() => JSON.parse(text));
    const loadHeap = heapAfter(() => readPlan(parseJson(text)));
    return [
      ['load + index + next of 10,000 tasks (' + mb(text.length) + ')', ms(loadMs), `JSON.parse ${ms(parseMs)}`, `${(loadMs / parseMs).toFixed(2)}× (goal ≤ 3×)`],
      ['heap held by the loaded plan', mb(loadHeap), `JSON.parse ${mb(parseHeap)}`, `${(loadHeap / parseHeap).toFixed(2)}×`],
    ];
  },

  // The Tasks tree's row pass after an outside edit of one task, with the view shown and hidden.
  rows: ({ dir }) => treeRowPassRows(dir, ms),

  // An atomic, locked save of that plan (set one status), against a plain fs.writeFile.
  async save({ dir, largeProject }) {
    const store = new TaskStore(locatePlan(largeProject));
    let flip = false;
    const saveMs = await timeAsync(5, async () => {
      flip = !flip;
      await store.edit(setStatuses(['5000'], flip ? 'review' : 'pending'));
    });
    const text = await fs.readFile(path.join(largeProject, '.taskmaster', 'tasks', 'tasks.json'), 'utf8');
    const writeMs = await timeAsync(5, () => fs.writeFile(path.join(dir, 'plain.json'), text));
    store.dispose();
    return [['atomic save of the 10,000-task plan (re-read, edit, fsync, rename)', ms(saveMs), `fs.writeFile ${ms(writeMs)}`, `${(saveMs / writeMs).toFixed(1)}×`]];
  },

  // `tml next` against a bare `node` that reads and parses the same file (what any Node CLI pays
  // at least), and against `task-master next`: whole processes, on a generated 50-task plan, the
  // 10,000-task plan and the repository's task-master-written fixture (the only real plan at hand).
  // tml is timed twice: answering from its answer cache (the plan unchanged since the last run) and
  // with TML_NO_CACHE=1 (reading and parsing the plan, as after every change).
  async next({ dir, largeProject }) {
    const rows: string[][] = [];
    const peer = peerCommand();
    const project = async (name: string, text: string) => {
      const root = path.join(dir, name);
      await fs.mkdir(path.join(root, '.taskmaster', 'tasks'), { recursive: true });
      await fs.writeFile(path.join(root, '.taskmaster', 'tasks', 'tasks.json'), text);
      return root;
    };
    const small = await project('small', taskMasterText(generateLargePlan(50, 7)));
    const real = await project('real', await fs.readFile(path.join(__dirname, '..', 'test', 'fixtures', 'task-master-written', 'tasks.json'), 'utf8'));
    // The cache keeps an answer only for a plan unchanged for 2 s (see src/cli/answerCache.ts).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    const cached: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), TML_NO_CACHE: undefined };
    const uncached = { ...process.env, TML_NO_CACHE: '1' };
    // tml and bare node cost a tenth of a second: many runs, so a noisy machine moves their medians
    // little; task-master costs seconds, so fewer (its figure is large enough to read from few).
    const plans = [
      ['real plan (test/fixtures/task-master-written)', real, 15, 5, '≥ 25×'],
      ['50-task plan', small, 15, 5, '≥ 20×'],
      ['10,000-task plan', largeProject, 9, 3, '≥ 20×'],
    ] as const;
    for (const [label, root, runs, peerRuns, goal] of plans) {
      const file = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
      const bytes = (await fs.stat(file)).size;
      const size = bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : mb(bytes);
      const tmlNext = (env: NodeJS.ProcessEnv) => () => execFileSync(process.execPath, [cli, 'next', '--json', '--file', file], { cwd: peer?.cwd, env });
      // The first run fills the cache.
      tmlNext(cached)();
      // Taken in turns, so a change in the machine's load falls on each alike; task-master after them.
      const [hit, read, bare] = timeInTurns(runs, [
        tmlNext(cached),
        tmlNext(uncached),
        () => execFileSync(process.execPath, ['-e', 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))', file]),
      ]);
      const theirs = peer && time(peerRuns, () => execFileSync(peer.command, [...peer.args, 'next', '--project', root, '--format', 'json'], { cwd: peer.cwd, env: peer.env, stdio: 'pipe' }));
      rows.push([`tml next, answer cache hit, vs bare node read + JSON.parse, ${label}, ${size} (median of ${runs})`, ms(hit), `node ${ms(bare)}`, `${(hit / bare).toFixed(2)}× (goal ≤ 1.5×)`]);
      rows.push([`tml next, TML_NO_CACHE=1 (plan read), vs bare node read + JSON.parse, ${label}`, ms(read), `node ${ms(bare)}`, `${(read / bare).toFixed(2)}× (goal ≤ 1.5×)`]);
      rows.push(
        theirs === undefined
          ? [`tml next vs task-master next, ${label}`, ms(hit), 'task-master not installed (scripts/install-e2e.sh)', '-']
          : [`tml next vs task-master next, ${label} (task-master: median of ${peerRuns})`, `${ms(hit)} hit, ${ms(read)} read`, `task-master ${ms(theirs)}`, `${(theirs / hit).toFixed(1)}× / ${(theirs / read).toFixed(1)}× faster (goal ${goal})`],
      );
    }
    return rows;
  },

  // The AI path (prompt, structured call, repair loop, validation) against a bare ollama client
  // call, on the same stand-in reply; and a cache hit.
  async ai() {
    const ollama = await OllamaStandIn.start({ models: [{ name: 'bench:7b' }] });
    try {
      const reply = JSON.stringify({ subtasks: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, title: `Step ${i + 1}`, description: 'd', details: 'x'.repeat(200), dependencies: [] })) });
      const scripted = { content: reply, chunkSize: 24, chunkDelayMs: 1 };
      const messages = [{ role: 'user' as const, content: 'Break the task into 5 subtasks.' }];
      const inference = new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model: 'bench:7b' }));
      const bare = new Ollama({ host: ollama.url });
      const aiRuns = 15;
      const bareMs = await timeAsync(aiRuns, async () => {
        ollama.script(scripted);
        let text = '';
        for await (const chunk of await bare.chat({ model: 'bench:7b', messages, format: SUBTASKS_SCHEMA, stream: true })) text += chunk.message.content;
        JSON.parse(text);
      });
      const aiMs = await timeAsync(aiRuns, async () => {
        ollama.script(scripted);
        inference.clearCache();
        await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
      });
      const hitMs = await timeAsync(aiRuns, async () => {
        await inference.structured('expand-task', messages, SUBTASKS_SCHEMA);
      });
      return [
        ['AI structured call vs bare ollama client, same stand-in reply', ms(aiMs), `ollama.chat ${ms(bareMs)}`, `${(((aiMs - bareMs) / bareMs) * 100).toFixed(1)}% overhead (goal ≤ 5%)`],
        ['AI cache hit (identical request)', ms(hitMs), `uncached ${ms(aiMs)}`, `${(aiMs / hitMs).toFixed(0)}× faster`],
      ];
    } finally {
      await ollama.stop();
    }
  },

  // The activity ledger at 100,000 events: inserts, report queries, flush (see ledgerRows).
  ledger: ({ dir }) => ledgerRows(dir, ms, mb),

  // Git work per save: a 100,000-file repository against a small one.
  git: ({ dir }) => gitSaveRows(dir, ms),

  // tml serve over HTTP against tml mcp over stdio: requests/s and p99 of a read and a write tool, and a subscriber's wait.
  serve: ({ dir }) => planServerRows(dir, ms),

  // The board webview's and the Tasks tree's first render in a real VS Code, the tree's expansion, activation at startup and on its own.
  views: async ({ dir }) => [...(await treeRenderRows(dir, ms)), ...(await isolatedActivationRows(dir, ms)), ...(await boardRenderRows(dir, ms))],

  // The extension host's memory with the 10,000-task plan shown, against what its JSON.parse holds.
  heap: ({ dir, largePlanText }) => extensionHostHeapRows(dir, largePlanText, heapAfter(() => JSON.parse(largePlanText)), mb),
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`Unknown bench section ${unknown.join(', ')}; the sections are ${Object.keys(SECTIONS).join(', ')}.`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tml-bench-'));
  console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${mb(os.totalmem())} RAM, Node ${process.version}`);
  const largePlanText = taskMasterText(generateLargePlan(10_000));
  const largeProject = path.join(dir, 'large');
  await fs.mkdir(path.join(largeProject, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(largeProject, '.taskmaster', 'tasks', 'tasks.json'), largePlanText);
  const rows: string[][] = [];
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (chosen.length === 0 || chosen.includes(name)) rows.push(...(await section({ dir, largePlanText, largeProject })));
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  |  '));
  await fs.rm(dir, { recursive: true, force: true });
}

void main();
