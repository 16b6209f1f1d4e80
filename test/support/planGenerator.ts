import { task } from './planBuilder';

/** A deterministic pseudo-random source, so generated plans are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A large plan shaped like what task-master writes after parse-prd and expand: each task has
 * details, a test strategy, a few subtasks and dependencies on earlier tasks.
 */
export function generateLargePlan(taskCount: number, seed = 1): Record<string, unknown> {
  const random = seededRandom(seed);
  const statuses = ['pending', 'pending', 'pending', 'done', 'in-progress', 'review', 'deferred'];
  const priorities = ['low', 'medium', 'medium', 'high'];
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const tasks = Array.from({ length: taskCount }, (_, i) => {
    const id = i + 1;
    const dependencies = id > 1 ? Array.from({ length: Math.floor(random() * 3) }, () => 1 + Math.floor(random() * (id - 1))) : [];
    return task({
      id,
      title: `Implement component ${id} of the service layer`,
      description: `Build and wire component ${id}, with its configuration and error handling.`,
      details: `Create module ${id}. Follow the existing patterns, add configuration keys, handle failure modes, and document the public interface. `.repeat(3),
      testStrategy: `Unit tests for component ${id}; an integration test against the real dependencies.`,
      status: pick(statuses),
      priority: pick(priorities),
      dependencies: [...new Set(dependencies)],
      subtasks: Array.from({ length: 3 }, (_, j) => ({
        id: j + 1,
        title: `Step ${j + 1} of component ${id}`,
        description: `Do step ${j + 1}.`,
        details: `Details of step ${j + 1} for component ${id}.`,
        status: pick(statuses),
        dependencies: j > 0 ? [j] : [],
      })),
    });
  });
  return { master: { tasks, metadata: { created: '2025-01-01T00:00:00.000Z', updated: '2025-01-01T00:00:00.000Z', description: 'Tasks for master context' } } };
}

/**
 * A small random plan that Task Master accepts (valid top-level fields) but that exercises every
 * corner of next-task selection: all statuses, string and numeric ids, subtasks with odd statuses
 * and priorities, sibling, dotted and top-level-looking subtask dependencies, missing lists.
 */
export function generateConformanceTasks(random: () => number): Array<Record<string, unknown>> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p;
  const statuses = ['pending', 'pending', 'in-progress', 'in-progress', 'done', 'done', 'done', 'deferred', 'cancelled', 'blocked', 'review'] as const;
  const subStatuses = [...statuses, 'completed', undefined, 'Pending', 'DONE', 'in-progress'] as const;
  const priorities = ['low', 'medium', 'high', 'critical'] as const;
  const subPriorities = [undefined, undefined, undefined, 'low', 'medium', 'high', 'critical', 'urgent', ''] as const;
  const count = 1 + Math.floor(random() * 9);
  let ids = Array.from({ length: count }, (_, i) => i + 1);
  if (chance(0.3)) ids = [...new Set(ids.map((id) => id * (1 + Math.floor(random() * 3))))];
  if (chance(0.4)) ids.sort(() => random() - 0.5);
  return ids.map((id) => {
    const deps: Array<number | string> = [];
    for (const other of ids) if (other !== id && chance(0.2)) deps.push(chance(0.3) ? String(other) : other);
    if (chance(0.15)) deps.push(`${pick(ids)}.${1 + Math.floor(random() * 3)}`);
    const subCount = chance(0.55) ? Math.floor(random() * 5) : 0;
    const subtasks = Array.from({ length: subCount }, (_, s) => {
      const subId = s + 1;
      const sub: Record<string, unknown> = { id: chance(0.2) ? String(subId) : subId, title: `Step ${subId}`, description: '' };
      const status = pick(subStatuses);
      if (status !== undefined) sub.status = status;
      const priority = pick(subPriorities);
      if (priority !== undefined) sub.priority = priority;
      const subDeps: Array<number | string> = [];
      for (let other = 1; other <= subCount; other++) if (other !== subId && chance(0.25)) subDeps.push(chance(0.3) ? String(other) : other);
      if (chance(0.15)) subDeps.push(`${pick(ids)}.${1 + Math.floor(random() * 3)}`);
      if (chance(0.05)) subDeps.push(pick(ids));
      if (!chance(0.1)) sub.dependencies = subDeps;
      return sub;
    });
    const entry: Record<string, unknown> = {
      id: chance(0.3) ? String(id) : id,
      title: `Task ${id}`,
      description: `Work item ${id}`,
      status: pick(statuses),
      priority: pick(priorities),
      details: '',
      testStrategy: '',
      subtasks,
    };
    if (!chance(0.1)) entry.dependencies = deps;
    return entry;
  });
}
