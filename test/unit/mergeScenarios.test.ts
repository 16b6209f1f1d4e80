import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { canonicalId } from '../../src/core/ids';
import { readPlan } from '../../src/core/plan';
import { STATUS_PRECEDENCE } from '../../src/core/planMerge';
import { sameJson } from '../../src/core/sameJson';
import { TASK_PRIORITIES } from '../../src/core/task';
import { validatePlan } from '../../src/core/validation';
import { installMergeDriver } from '../../src/store/mergeDriverSetup';
import { locatePlan } from '../../src/store/planLocation';
import { cliBundle } from '../support/cliBundle';
import { gitRepository } from '../support/gitRepository';
import { PLAN_FILE, run } from '../support/planBranches';
import { task, tagged, taskMasterText } from '../support/planBuilder';
import { seededRandom } from '../support/planGenerator';
import { tml } from '../support/tmlRunner';

/**
 * Generated merges: a seeded generator makes random edits on two branches of one base plan (add,
 * edit, note, reprioritise, complete, depend, delete, add subtasks, reorder), git merges them with
 * the driver and without it (then `tml resolve-conflict`), and the result is checked against what
 * the rules promise. Every task carries a `key` field (unknown fields survive a merge), so it is
 * followed through renumbering.
 */

type Data = Record<string, any>;
type Side = 'ours' | 'theirs';

const STATUSES = ['pending', 'in-progress', 'review', 'done', 'done', 'deferred', 'cancelled', 'blocked'];
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function basePlan(): Data {
  const random = seededRandom(99);
  const tasks = Array.from({ length: 8 }, (_, i) =>
    task({
      id: i + 1,
      key: `b${i + 1}`,
      title: `Base task ${i + 1}`,
      details: `Details of ${i + 1}.`,
      dependencies: i > 0 && random() < 0.6 ? [1 + Math.floor(random() * i)] : [],
      subtasks: Array.from({ length: Math.floor(random() * 3) }, (_, j) => ({ id: j + 1, key: `b${i + 1}.${j + 1}`, title: `Base step ${i + 1}.${j + 1}`, parentTaskId: i + 1 })),
    }),
  );
  return tagged({ master: tasks, feature: [task({ id: 1, key: 'f1', title: 'Feature one' })] });
}

/** Applies `count` random edits for one side, the way Task Master's commands change the file. */
function editSide(data: Data, side: Side, random: () => number, count: number): void {
  const tasks: Data[] = data.master.tasks;
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const maxId = (list: Data[]) => Math.max(0, ...list.map((entry) => Number(entry.id)));
  for (let n = 1; n <= count; n++) {
    if (tasks.length === 0) break;
    const target = pick(tasks);
    const stamp = `2026-0${side === 'ours' ? 1 : 2}-01T00:00:0${n % 10}.000Z`;
    switch (Math.floor(random() * 10)) {
      case 0: {
        const id = maxId(tasks) + 1;
        const earlier = tasks.filter(() => random() < 0.3).map((entry) => entry.id);
        tasks.push(task({ id, key: `${side}-${n}`, title: `${side} adds task ${n}`, dependencies: earlier, priority: pick([...TASK_PRIORITIES]) }));
        break;
      }
      case 1:
        target.status = pick(STATUSES);
        break;
      case 2:
        target.title = `${target.title} (${side} ${n})`;
        break;
      case 3:
        target.description = `${side} rewrote it (${n})`;
        break;
      case 4:
        target.details = `${target.details}\n\n<info added on ${stamp}>\n${side} note ${n}\n</info added on ${stamp}>`;
        break;
      case 5:
        target.priority = pick([...TASK_PRIORITIES]);
        break;
      case 6: {
        // Only on a task with a lower id: each side's graph stays acyclic, and so does the merge.
        const lower = tasks.filter((entry) => entry.id < target.id && !target.dependencies.includes(entry.id));
        if (lower.length) target.dependencies.push(pick(lower).id);
        break;
      }
      case 7: {
        // remove-task: the task and its subtasks go, and so does every dependency on them.
        tasks.splice(tasks.indexOf(target), 1);
        const gone = (dep: unknown, parent?: number) => {
          const id = canonicalId(dep);
          return id === String(target.id) || id.startsWith(`${target.id}.`) || (parent === target.id && !id.includes('.'));
        };
        for (const entry of tasks) {
          entry.dependencies = entry.dependencies.filter((dep: unknown) => !gone(dep));
          for (const sub of entry.subtasks) sub.dependencies = sub.dependencies.filter((dep: unknown) => !gone(dep));
        }
        break;
      }
      case 8: {
        const subs: Data[] = target.subtasks;
        const id = maxId(subs) + 1;
        subs.push({ id, key: `${side}-${n}`, title: `${side} adds step ${n}`, description: '', details: '', status: 'pending', dependencies: subs.length && random() < 0.5 ? [id - 1] : [], parentTaskId: target.id });
        break;
      }
      default: {
        tasks.splice(tasks.indexOf(target), 1);
        tasks.splice(Math.floor(random() * (tasks.length + 1)), 0, target);
      }
    }
  }
  if (random() < 0.3) data.feature.tasks.push(task({ id: 2, key: `${side}-f`, title: `${side} feature task` }));
}

/** Every task and subtask of a plan by its key, with where it is and what it depends on (as keys). */
function byKey(data: Data): Map<string, { entry: Data; tag: string; deps: string[]; parent?: string }> {
  const out = new Map<string, { entry: Data; tag: string; deps: string[]; parent?: string }>();
  for (const [tag, block] of Object.entries(data)) {
    const keyOf = new Map<string, string>();
    for (const entry of block.tasks as Data[]) {
      keyOf.set(canonicalId(entry.id), entry.key);
      for (const sub of entry.subtasks ?? []) keyOf.set(`${canonicalId(entry.id)}.${canonicalId(sub.id)}`, sub.key);
    }
    for (const entry of block.tasks as Data[]) {
      const depKeys = (deps: unknown[], parent?: string) =>
        deps.map((dep) => keyOf.get(parent !== undefined && !canonicalId(dep).includes('.') ? `${parent}.${canonicalId(dep)}` : canonicalId(dep)) ?? `missing ${String(dep)}`);
      out.set(entry.key, { entry, tag, deps: depKeys(entry.dependencies) });
      for (const sub of entry.subtasks ?? []) out.set(sub.key, { entry: sub, tag, deps: depKeys(sub.dependencies, canonicalId(entry.id)), parent: entry.key });
    }
  }
  return out;
}

const rank = (order: readonly string[], value?: string) => (value === undefined ? -1 : order.indexOf(value));

/** What the rules promise for one merge: checked field by field, task by task. */
function checkMerge(base: Data, ours: Data, theirs: Data, merged: Data, report: string): void {
  const problems = validatePlan(readPlan(merged)).problems.filter((problem) => problem.severity === 'error');
  assert.deepEqual(problems.map((problem) => problem.message), [], 'the merged plan validates');
  const [b, o, t, m] = [byKey(base), byKey(ours), byKey(theirs), byKey(merged)];
  for (const key of new Set([...o.keys(), ...t.keys()])) {
    const [bv, ov, tv, mv]: Array<Data | undefined> = [b.get(key)?.entry, o.get(key)?.entry, t.get(key)?.entry, m.get(key)?.entry];
    assert.equal(m.has(key), expectedPresent(key, b, o, t, m), `${key} ("${(ov ?? tv)!.title}"): kept when on both sides, added, or changed where the other side deleted it`);
    if (!mv) continue;
    if (!(ov && tv)) continue;
    for (const field of ['status', 'priority', 'title', 'description']) {
      const [x, y, z] = [bv?.[field], ov[field], tv[field]] as Array<string | undefined>;
      let want: string | undefined = sameJson(y, z) || sameJson(x, y) ? z : sameJson(x, z) ? y : undefined;
      if (want === undefined) want = field === 'status' ? (rank(STATUS_PRECEDENCE, z) > rank(STATUS_PRECEDENCE, y) ? z : y) : field === 'priority' ? (rank(TASK_PRIORITIES, z) > rank(TASK_PRIORITIES, y) ? z : y) : y;
      assert.equal(mv[field], want, `${key}.${field}: base ${x}, ours ${y}, theirs ${z}`);
    }
    for (const side of [ov, tv]) if (!sameJson(side.details, bv?.details)) for (const note of notesOf(side.details)) assert.ok(mv.details.includes(note), `${key}: a note of one side is kept`);
    for (const [sideMap, label] of [
      [o, 'ours'],
      [t, 'theirs'],
    ] as const) {
      const added = sideMap.get(key)!.deps.filter((dep) => !(b.get(key)?.deps ?? []).includes(dep));
      for (const dep of added) if (m.has(dep)) assert.ok(m.get(key)!.deps.includes(dep), `${key}: the dependency on ${dep} ${label} added is kept (${report})`);
    }
  }
  for (const { deps } of m.values()) for (const dep of deps) assert.ok(!dep.startsWith('missing'), `no dangling dependency (${dep})`);
}

type Keyed = ReturnType<typeof byKey>;

/**
 * Whether the rules keep an entry: on both sides, or added, or changed on the side that kept it
 * while the other deleted it. A subtask whose parent the other side deleted follows its parent.
 */
function expectedPresent(key: string, b: Keyed, o: Keyed, t: Keyed, m: Keyed): boolean {
  if (o.has(key) && t.has(key)) return true;
  const [side, other] = o.has(key) ? [o, t] : [t, o];
  const parent = side.get(key)!.parent;
  if (parent !== undefined && !other.has(parent)) return m.has(parent);
  return !b.has(key) || !sameJson(b.get(key)!.entry, side.get(key)!.entry);
}

function notesOf(details: string): string[] {
  return [...details.matchAll(/<info added on [^>]+>[\s\S]*?<\/info added on [^>]+>/g)].map((match) => match[0]);
}

async function scenarioRepository(driver: boolean): Promise<string> {
  const repo = await gitRepository();
  if (driver) await installMergeDriver(locatePlan(repo.root), [process.execPath, await cliBundle()]);
  await repo.commit('base plan', { [PLAN_FILE]: taskMasterText(basePlan()) });
  await repo.git.raw(['branch', '-M', 'base']);
  return repo.root;
}

/** Commits one side on its own branch from base; returns to nothing in particular. */
async function commitSide(root: string, branch: string, data: Data): Promise<void> {
  await git(root, ['checkout', '-q', '-B', branch, 'base']);
  await fs.writeFile(path.join(root, PLAN_FILE), taskMasterText(data));
  await git(root, ['commit', '-q', '-am', branch]);
}

async function git(root: string, args: string[]): Promise<string> {
  const result = await run(root, args);
  assert.equal(result.code, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe('merge driver: generated branch edits (seeded, real git)', function () {
  this.timeout(600_000);
  let withDriver: string;
  let withoutDriver: string;
  let conflicted = 0;
  let withoutDriverRuns = 0;

  before(async () => {
    [withDriver, withoutDriver] = await Promise.all([scenarioRepository(true), scenarioRepository(false)]);
  });

  for (const seed of SEEDS) {
    const sides = () => {
      const random = seededRandom(seed);
      const ours = basePlan();
      const theirs = basePlan();
      editSide(ours, 'ours', random, 2 + Math.floor(random() * 6));
      editSide(theirs, 'theirs', random, 2 + Math.floor(random() * 6));
      return { ours, theirs };
    };

    it(`seed ${seed}: merged by the driver, the rules hold`, async () => {
      const { ours, theirs } = sides();
      await commitSide(withDriver, `ours-${seed}`, ours);
      await commitSide(withDriver, `theirs-${seed}`, theirs);
      await git(withDriver, ['checkout', '-q', `ours-${seed}`]);
      const merge = await run(withDriver, ['merge', '--no-edit', `theirs-${seed}`]);
      assert.equal(merge.code, 0, merge.stderr);
      const merged = JSON.parse(await fs.readFile(path.join(withDriver, PLAN_FILE), 'utf8'));
      checkMerge(basePlan(), ours, theirs, merged, merge.stderr);
    });

    it(`seed ${seed}: merged by git alone, a conflict resolves by the same rules`, async () => {
      const { ours, theirs } = sides();
      await commitSide(withoutDriver, `ours-${seed}`, ours);
      await commitSide(withoutDriver, `theirs-${seed}`, theirs);
      await git(withoutDriver, ['checkout', '-q', `ours-${seed}`]);
      const merge = await run(withoutDriver, ['merge', '--no-edit', `theirs-${seed}`]);
      withoutDriverRuns++;
      try {
        // A clean line-by-line merge is git's own result, not ours to judge.
        if (merge.code === 0) return;
        conflicted++;
        const resolved = await tml(['resolve-conflict', '--project', withoutDriver]);
        assert.equal(resolved.code, 0, resolved.err);
        const merged = JSON.parse(await fs.readFile(path.join(withoutDriver, PLAN_FILE), 'utf8'));
        checkMerge(basePlan(), ours, theirs, merged, resolved.out);
      } finally {
        if (merge.code !== 0) await git(withoutDriver, ['merge', '--abort']);
        await fs.rm(path.join(withoutDriver, '.taskmaster', 'backups'), { recursive: true, force: true });
      }
    });
  }

  after(() => {
    // The resolve path must have been exercised, not skipped by clean line merges.
    if (withoutDriverRuns === SEEDS.length) assert.ok(conflicted >= SEEDS.length / 2, `only ${conflicted} of ${SEEDS.length} merges without the driver conflicted`);
  });
});
