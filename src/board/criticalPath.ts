/**
 * The critical path of the dependency graph: what the board highlights when a task is chosen.
 * Pure (no DOM, no `vscode`) so the webview bundles it and unit tests run it in plain Node.
 */
import { compareIds } from '../core/ids';
import type { BoardGraph } from './protocol';

/**
 * The longest chain of unfinished prerequisites that leads to `targetId`, first prerequisite first
 * and `targetId` last; `[targetId]` when nothing unfinished stands before it, `[]` for an unknown id.
 * Only a done task is finished: it neither lengthens a chain nor appears in one. That is the rule
 * of a card's "blocked by" and of the next task, so a cancelled or deferred prerequisite stands in
 * the way here as it does there. Between equally long chains the one through the lower id wins, so
 * the highlight does not flicker between renders. A cycle (only a hand-edited file has one) is cut
 * where the walk meets it again.
 */
export function criticalPath(graph: Pick<BoardGraph, 'nodes' | 'edges'>, targetId: string): string[] {
  const statusById = new Map(graph.nodes.map((node) => [node.id, node.status]));
  if (!statusById.has(targetId)) return [];

  const unfinishedPrerequisites = new Map<string, string[]>();
  for (const { from, to } of graph.edges) {
    const status = statusById.get(from);
    if (status === undefined || status === 'done') continue;
    const list = unfinishedPrerequisites.get(to) ?? [];
    list.push(from);
    unfinishedPrerequisites.set(to, list);
  }
  for (const list of unfinishedPrerequisites.values()) list.sort(compareIds);

  // For each task reached: how many tasks its longest chain holds, and the task before it there.
  const chainLength = new Map<string, number>();
  const previous = new Map<string, string>();
  const onWalk = new Set<string>();
  const measure = (id: string): number => {
    const known = chainLength.get(id);
    if (known !== undefined) return known;
    onWalk.add(id);
    let longest = 0;
    for (const before of unfinishedPrerequisites.get(id) ?? []) {
      if (onWalk.has(before)) continue;
      const length = measure(before);
      if (length > longest) {
        longest = length;
        previous.set(id, before);
      }
    }
    onWalk.delete(id);
    chainLength.set(id, longest + 1);
    return longest + 1;
  };
  measure(targetId);

  // Each `previous` finished measuring before the task it precedes, so this walk ends.
  const path = [targetId];
  for (let id = previous.get(targetId); id !== undefined; id = previous.get(id)) path.push(id);
  return path.reverse();
}
