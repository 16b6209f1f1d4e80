/**
 * The dependency graph as SVG: each task is placed on a layer (prerequisites to the
 * left) and a row within it; edges run from prerequisite to dependent. Choosing a task highlights
 * its critical path (see criticalPath) and opens it. Statuses are coloured and also written out.
 */
import { BoardGraphCache } from '../../src/board/boardGraph';
import { criticalPath } from '../../src/board/criticalPath';
import type { GraphNode } from '../../src/board/protocol';
import { plural } from '../../src/core/text';
import { isFilterActive, matchesFilter, type CardFilter } from './cardFilter';
import { closestTo, el, svg } from './dom';
import type { PlanState } from './kanban';
import { STATUS_LABELS, statusIcon } from './labels';

const NODE_WIDTH = 210;
const NODE_HEIGHT = 44;
const LAYER_GAP = 70;
const ROW_GAP = 14;
const MARGIN = 16;
const TITLE_CHARS = 30;

const nodeX = (node: GraphNode) => MARGIN + node.layer * (NODE_WIDTH + LAYER_GAP);
const nodeY = (node: GraphNode) => MARGIN + node.order * (NODE_HEIGHT + ROW_GAP);

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function arrowMarker(id: string): SVGMarkerElement {
  return svg(
    'marker',
    { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9, orient: 'auto' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }),
  );
}

export class GraphView {
  readonly element = el('div', { class: 'graph-view' });
  private readonly caption = el('p', { class: 'critical-path-caption', role: 'status', 'data-critical-path': '' });
  private readonly canvas = el('div', { class: 'graph-canvas' });
  /** Laid out here when the graph is shown, not with every state; again only when dependencies change. */
  private readonly layouts = new BoardGraphCache();

  constructor(choose: (id: string) => void) {
    this.element.append(this.caption, this.canvas);
    this.canvas.addEventListener('click', (event) => {
      const id = closestTo(event, '[data-node-id]')?.dataset.nodeId;
      if (id) choose(id);
    });
    this.canvas.addEventListener('keydown', (event) => {
      const id = closestTo(event, '[data-node-id]')?.dataset.nodeId;
      if (!id || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      choose(id);
    });
  }

  render(state: PlanState, filter: CardFilter, targetId: string | undefined): void {
    const graph = this.layouts.graphOf(state.cards);
    const { nodes, edges } = graph;
    const focusedId = this.canvas.contains(document.activeElement) ? (document.activeElement as HTMLElement | SVGElement).dataset.nodeId : undefined;
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const path = targetId === undefined ? [] : criticalPath(graph, targetId);
    const onPath = new Set(path);
    const pathEdges = new Set(path.slice(1).map((id, index) => `${path[index]}>${id}`));
    const cards = new Map(state.cards.map((card) => [card.id, card]));
    const filtering = isFilterActive(filter);

    const width = MARGIN * 2 + Math.max(1, ...nodes.map((node) => node.layer + 1)) * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP;
    const height = MARGIN * 2 + Math.max(1, ...nodes.map((node) => node.order + 1)) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;

    const edgeElements = edges.flatMap(({ from, to }) => {
      const source = byId.get(from);
      const target = byId.get(to);
      if (!source || !target) return [];
      const x1 = nodeX(source) + NODE_WIDTH;
      const y1 = nodeY(source) + NODE_HEIGHT / 2;
      const x2 = nodeX(target);
      const y2 = nodeY(target) + NODE_HEIGHT / 2;
      const bend = LAYER_GAP / 2;
      const critical = pathEdges.has(`${from}>${to}`);
      return [
        svg('path', {
          class: `edge${critical ? ' is-critical' : ''}`,
          d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
          'marker-end': `url(#${critical ? 'arrow-critical' : 'arrow'})`,
          'data-edge': `${from}>${to}`,
        }),
      ];
    });

    const nodeElements = nodes.map((node) => {
      const card = cards.get(node.id);
      const dimmed = filtering && !(card && matchesFilter(card, filter));
      const classes = ['graph-node', `status-${node.status}`, onPath.has(node.id) && 'is-critical', node.id === targetId && 'is-selected', dimmed && 'is-dimmed'];
      return svg(
        'g',
        {
          class: classes.filter(Boolean).join(' '),
          transform: `translate(${nodeX(node)},${nodeY(node)})`,
          tabindex: 0,
          role: 'button',
          // The visible text first, in its order (speech input users say what they see), then the rest.
          'aria-label': `#${node.id} · ${STATUS_LABELS[node.status]}: ${node.title}.${onPath.has(node.id) ? ' On the critical path.' : ''}`,
          'aria-current': node.id === targetId ? 'true' : undefined,
          'data-node-id': node.id,
          'data-status': node.status,
        },
        svg('title', {}, `#${node.id} ${node.title} (${STATUS_LABELS[node.status]})`),
        svg('rect', { class: 'node-box', width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4 }),
        svg('rect', { class: 'node-stripe', width: 5, height: NODE_HEIGHT, rx: 2 }),
        // The trailing space (SVG does not draw it) keeps the two lines two words apart in the node's text content.
        svg('text', { class: 'node-heading', x: 12, y: 17 }, `${statusIcon(node.status)} #${node.id} · ${STATUS_LABELS[node.status]} `),
        svg('text', { class: 'node-title', x: 12, y: 35 }, shorten(node.title, TITLE_CHARS)),
      );
    });

    this.canvas.replaceChildren(
      nodes.length
        ? svg(
            'svg',
            { class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Dependency graph: ${plural(nodes.length, 'task')}, ${plural(edges.length, 'dependency', 'dependencies')}`, 'data-graph': '' },
            svg('defs', {}, arrowMarker('arrow'), arrowMarker('arrow-critical')),
            svg('g', { class: 'edges' }, ...edgeElements),
            svg('g', { class: 'nodes' }, ...nodeElements),
          )
        : el('p', { class: 'placeholder' }, 'No tasks to draw.'),
    );
    this.caption.textContent = this.describePath(path);
    if (focusedId !== undefined) this.focusNode(focusedId);
  }

  focusNode(id: string): void {
    this.canvas.querySelector<SVGElement>(`[data-node-id="${CSS.escape(id)}"]`)?.focus();
  }

  private describePath(path: string[]): string {
    if (!path.length) return 'Choose a task to see its critical path: the longest chain of unfinished tasks it waits on.';
    const target = path[path.length - 1];
    if (path.length === 1) return `Critical path to #${target}: nothing unfinished stands before it.`;
    return `Critical path to #${target}: ${path.map((id) => `#${id}`).join(' → ')} (${plural(path.length - 1, 'unfinished prerequisite')}).`;
  }
}
