/**
 * The dependency graph's layered layout (Sugiyama-style, without dummy nodes). Pure: the webview
 * may import it too.
 *
 * A node's layer is the length of the longest chain of prerequisites leading to it, so every edge
 * points to a higher layer. Within a layer, a few barycenter sweeps (down, then up, alternating)
 * place each node near the average position of its neighbours, which removes most edge crossings.
 * Each sweep is linear in edges plus a sort per layer: 1,000 tasks take a few milliseconds.
 */

export interface Placement {
  layer: number;
  /** Position within the layer, from 0; unique per layer. */
  order: number;
}

/** `from` must be done before `to`. */
export interface LayoutEdge {
  from: string;
  to: string;
}

const SWEEPS = 4;

export function layoutGraph(ids: readonly string[], edges: readonly LayoutEdge[]): Map<string, Placement> {
  const index = new Map(ids.map((id, i) => [id, i]));
  const predecessors: number[][] = ids.map(() => []);
  const successors: number[][] = ids.map(() => []);
  for (const edge of edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    predecessors[to].push(from);
    successors[from].push(to);
  }
  const layers = groupByLayer(assignLayers(predecessors, successors));
  orderLayers(layers, predecessors, successors);
  const placements = new Map<string, Placement>();
  layers.forEach((nodes, layer) => nodes.forEach((node, order) => placements.set(ids[node], { layer, order })));
  return placements;
}

/**
 * Longest-path layering by Kahn's algorithm. A plan can hold a cycle (the validator reports it):
 * when no node is ready, the earliest remaining one is placed anyway, and its edges still waiting
 * become the only ones that point back.
 */
function assignLayers(predecessors: number[][], successors: number[][]): number[] {
  const count = predecessors.length;
  const waiting = predecessors.map((list) => list.length);
  const layer = new Array<number>(count).fill(0);
  const placed = new Array<boolean>(count).fill(false);
  const queue: number[] = [];
  for (let node = 0; node < count; node++) if (waiting[node] === 0) queue.push(node);
  let head = 0;
  let earliest = 0;
  for (let done = 0; done < count; ) {
    if (head === queue.length) {
      while (placed[earliest]) earliest++;
      queue.push(earliest);
    }
    const node = queue[head++];
    if (placed[node]) continue;
    placed[node] = true;
    done++;
    for (const next of successors[node]) {
      if (placed[next]) continue;
      layer[next] = Math.max(layer[next], layer[node] + 1);
      if (--waiting[next] === 0) queue.push(next);
    }
  }
  return layer;
}

function groupByLayer(layer: number[]): number[][] {
  const layers: number[][] = [];
  layer.forEach((value, node) => (layers[value] ??= []).push(node));
  // Layers are contiguous (each is one more than a predecessor's), so none is left empty.
  return layers;
}

function orderLayers(layers: number[][], predecessors: number[][], successors: number[][]): void {
  const position = new Float64Array(predecessors.length);
  const place = (nodes: number[]) => nodes.forEach((node, i) => (position[node] = (i + 0.5) / nodes.length));
  layers.forEach(place);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const neighbours = down ? predecessors : successors;
    for (let step = 1; step < layers.length; step++) {
      const nodes = layers[down ? step : layers.length - 1 - step];
      const barycenter = new Map(nodes.map((node) => [node, average(neighbours[node], position) ?? position[node]]));
      nodes.sort((a, b) => barycenter.get(a)! - barycenter.get(b)! || position[a] - position[b]);
      place(nodes);
    }
  }
}

function average(nodes: number[], position: Float64Array): number | undefined {
  if (nodes.length === 0) return undefined;
  let sum = 0;
  for (const node of nodes) sum += position[node];
  return sum / nodes.length;
}
