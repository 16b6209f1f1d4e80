import * as assert from 'node:assert/strict';
import { criticalPath } from '../../src/board/criticalPath';
import type { BoardGraph, GraphNode } from '../../src/board/protocol';
import type { TaskStatus } from '../../src/core/task';

/** A graph from `"to<-from"` pairs; every task is pending unless `statuses` says otherwise. */
function graph(dependencies: string[], statuses: Record<string, TaskStatus> = {}): BoardGraph {
  const edges = dependencies.map((pair) => {
    const [to, from] = pair.split('<-');
    return { from, to };
  });
  const ids = new Set(edges.flatMap(({ from, to }) => [from, to]).concat(Object.keys(statuses)));
  const nodes: GraphNode[] = [...ids].map((id, order) => ({ id, title: `Task ${id}`, status: statuses[id] ?? 'pending', layer: 0, order }));
  return { nodes, edges };
}

describe('criticalPath', () => {
  it('follows the longest chain of prerequisites, first prerequisite first', () => {
    // 5 needs 4 and 2; 4 needs 3, which needs 1: the chain through 4 is the longer one.
    const plan = graph(['5<-4', '5<-2', '4<-3', '3<-1', '2<-1']);
    assert.deepEqual(criticalPath(plan, '5'), ['1', '3', '4', '5']);
    assert.deepEqual(criticalPath(plan, '2'), ['1', '2']);
  });

  it('leaves out done prerequisites, so the path can change side', () => {
    const plan = graph(['5<-4', '5<-2', '4<-3', '3<-1', '2<-6', '6<-7'], { '3': 'done', '1': 'done' });
    assert.deepEqual(criticalPath(plan, '5'), ['7', '6', '2', '5']);
  });

  it('keeps a cancelled or deferred prerequisite on the path, as "blocked by" and the next task do', () => {
    const plan = graph(['3<-2', '2<-1'], { '1': 'cancelled', '2': 'deferred' });
    assert.deepEqual(criticalPath(plan, '3'), ['1', '2', '3']);
  });

  it('is the task alone when nothing unfinished stands before it, and empty for an unknown id', () => {
    assert.deepEqual(criticalPath(graph(['2<-1'], { '1': 'done' }), '2'), ['2']);
    assert.deepEqual(criticalPath(graph(['2<-1']), '1'), ['1']);
    assert.deepEqual(criticalPath(graph(['2<-1']), '99'), []);
  });

  it('breaks ties by the lower id, numerically', () => {
    assert.deepEqual(criticalPath(graph(['20<-10', '20<-9']), '20'), ['9', '20']);
  });

  it('ends on a cycle in a hand-edited file instead of looping', () => {
    const plan = graph(['3<-2', '2<-1', '1<-2']);
    assert.deepEqual(criticalPath(plan, '3'), ['1', '2', '3']);
  });

  it('measures a long chain once per task', () => {
    const chain = Array.from({ length: 2000 }, (_, i) => `${i + 2}<-${i + 1}`);
    const path = criticalPath(graph(chain), '2001');
    assert.equal(path.length, 2001);
    assert.equal(path[0], '1');
  });
});
