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
