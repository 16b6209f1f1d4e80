import * as assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import type { LoadedPlan } from '../../src/store/planReader';

/** Small builders for Task Master plans, so each test states only what matters to it. */
export interface TaskSpec {
  id: number | string;
  title?: string;
  description?: string;
  status?: string;
  priority?: string;
  dependencies?: Array<number | string>;
  subtasks?: SubtaskSpec[];
  [key: string]: unknown;
}

export interface SubtaskSpec {
  id: number | string;
  title?: string;
  status?: string;
  dependencies?: Array<number | string>;
  [key: string]: unknown;
}

export function task(spec: TaskSpec): Record<string, unknown> {
  const { id, subtasks, ...rest } = spec;
  return {
    id,
    title: `Task ${id}`,
    description: `Description of ${id}`,
    details: '',
    testStrategy: '',
    status: 'pending',
    dependencies: [],
    priority: 'medium',
    ...rest,
    subtasks: (subtasks ?? []).map((sub) => ({ title: `Subtask ${sub.id}`, description: '', details: '', status: 'pending', dependencies: [], ...sub })),
  };
}

export function tagged(tags: Record<string, Array<Record<string, unknown>>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, tasks] of Object.entries(tags)) {
    out[name] = { tasks, metadata: { created: '2025-01-01T00:00:00.000Z', updated: '2025-01-01T00:00:00.000Z', description: `Tasks for ${name} context` } };
  }
  return out;
}

/** Task Master writes its files with JSON.stringify(data, null, 2). */
export function taskMasterText(data: unknown): string {
  return JSON.stringify(data, null, 2);
}

const created: string[] = [];

// tml keeps its answers in the user's cache folder (src/cli/answerCache.ts); the tests, and the tml
// processes they start, keep theirs in a folder of their own.
process.env.XDG_CACHE_HOME = mkdtempSync(path.join(os.tmpdir(), 'tml-test-cache-'));
created.push(process.env.XDG_CACHE_HOME);

/** A fresh folder under the system temp dir, removed when the test run ends. */
export async function tempDir(prefix = 'tml-test-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Mocha root hook (registered in .mocharc.json): remove every folder tempDir made. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
  },
};

/** A project folder with .taskmaster/tasks/tasks.json (given as text or data) and optional state.json. */
export async function makeProject(content: string | unknown, state?: Record<string, unknown>): Promise<{ root: string; tasksFile: string }> {
  const root = await tempDir();
  const tasksFile = path.join(root, '.taskmaster', 'tasks', 'tasks.json');
  await fs.mkdir(path.dirname(tasksFile), { recursive: true });
  await fs.writeFile(tasksFile, typeof content === 'string' ? content : taskMasterText(content));
  if (state) await fs.writeFile(path.join(root, '.taskmaster', 'state.json'), JSON.stringify(state, null, 2));
  return { root, tasksFile };
}

/** A project on disk with its store loaded, and a reader for the file's text as it is now. */
export async function openStore(content: unknown, state?: Record<string, unknown>) {
  const project = await makeProject(content, state);
  const store = new TaskStore(locatePlan(project.root));
  await store.reload();
  return { ...project, store, read: () => fs.readFile(project.tasksFile, 'utf8') };
}

/** The store's plan, which the test expects to be loaded. */
export function loadedPlan(store: TaskStore): LoadedPlan {
  assert.equal(store.state.kind, 'loaded');
  return store.state as LoadedPlan;
}
