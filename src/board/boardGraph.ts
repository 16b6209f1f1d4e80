/**
 * The dependency graph of a board's cards, laid out in layers. Pure and built from the cards alone,
 * so the webview builds it when the graph is first shown rather than the extension on every state:
 * a 10,000-task board opens without waiting for a layout nobody looks at.
 */
import { layoutGraph, type LayoutEdge } from './graphLayout';
import type { BoardCard, BoardGraph } from './protocol';

type GraphCard = Pick<BoardCard, 'id' | 'title' | 'status' | 'dependencies'>;

/** The task a dependency points at: a subtask id ("3.2") stands for its parent task ("3"). */
function prerequisiteId(dependency: string): string {
  const dot = dependency.indexOf('.');
  return dot < 0 ? dependency : dependency.slice(0, dot);
}

/** Each card's prerequisites among the cards, each once; missing tasks and self-references are left out. */
export function graphEdges(cards: readonly GraphCard[]): LayoutEdge[] {
  const ids = new Set(cards.map((card) => card.id));
  const edges: LayoutEdge[] = [];
  for (const card of cards) {
    const prerequisites = new Set(card.dependencies.map(prerequisiteId).filter((id) => id !== card.id && ids.has(id)));
    for (const from of prerequisites) edges.push({ from, to: card.id });
  }
  return edges;
}

/**
 * The graph's shape as text: the layout depends on nothing else, so a change of title or status
 * reuses the last layout.
 */
function graphShape(cards: readonly GraphCard[]): string {
  return cards.map((card) => `${card.id}<${card.dependencies.join(',')}`).join(';');
}

export function buildBoardGraph(cards: readonly GraphCard[]): BoardGraph {
  const edges = graphEdges(cards);
  const placements = layoutGraph(
    cards.map((card) => card.id),
    edges,
  );
  return {
    nodes: cards.map((card) => ({ id: card.id, title: card.title, status: card.status, ...placements.get(card.id)! })),
    edges,
  };
}

/** The last layout, reused while the graph's shape stays the same: only titles and statuses are refreshed. */
export class BoardGraphCache {
  private shape: string | undefined;
  private graph: BoardGraph | undefined;

  graphOf(cards: readonly GraphCard[]): BoardGraph {
    const shape = graphShape(cards);
    if (shape !== this.shape || !this.graph) {
      this.shape = shape;
      this.graph = buildBoardGraph(cards);
      return this.graph;
    }
    // The same shape means the same ids in the same order.
    return { nodes: this.graph.nodes.map((node, i) => ({ ...node, title: cards[i].title, status: cards[i].status })), edges: this.graph.edges };
  }
}
