/**
 * A scrolling list that keeps only the items in view (plus a screen's margin each way) in the DOM,
 * so a column of 10,000 cards costs the few dozen on screen. Spacers stand in for the rest and keep
 * the scroll height; heights are measured as items are shown (variable-height cards), estimated
 * until then. Pinned items (the focused card, the one being dragged) stay in the DOM wherever the
 * list is scrolled, so focus and drag-and-drop survive scrolling.
 */
import { el, reconcileChildren } from './dom';

export interface VirtualItem {
  id: string;
}

/** A card's height before it has been measured; the first measurement replaces it. */
const DEFAULT_ESTIMATE = 80;

export class VirtualList<T extends VirtualItem> {
  private items: readonly T[] = [];
  private indexById = new Map<string, number>();
  private readonly heights = new Map<string, number>();
  private estimate = DEFAULT_ESTIMATE;
  private frame = 0;
  /** Spacers are reused in order, so a re-render moves as few elements as it can. */
  private readonly spacers: HTMLElement[] = [];

  /**
   * `list` is the scroll container; `element(item)` gives an item's element (the caller caches
   * them); `pinned()` the ids that stay in the DOM, asked at each render.
   */
  constructor(
    readonly list: HTMLElement,
    private readonly element: (item: T) => HTMLElement,
    private readonly pinned: () => Iterable<string | undefined>,
  ) {
    const later = () => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.update());
    };
    list.addEventListener('scroll', later);
    // Shown after being hidden, or resized: more (or fewer) items are in view.
    new ResizeObserver(later).observe(list);
  }

  /** The items to show, in order; renders the window. */
  setItems(items: readonly T[]): void {
    this.items = items;
    this.indexById = new Map(items.map((item, i) => [item.id, i]));
    this.update();
  }

  indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  get length(): number {
    return this.items.length;
  }

  itemAt(index: number): T | undefined {
    return this.items[index];
  }

  /** Scrolls item `index` into view (as little as needed) and returns its element, now in the DOM. */
  reveal(index: number): HTMLElement | undefined {
    const item = this.items[index];
    if (!item) return undefined;
    const offsets = this.offsets();
    const top = offsets[index];
    const bottom = top + this.heightOf(item);
    const { scrollTop, clientHeight } = this.list;
    if (top < scrollTop) this.list.scrollTop = top;
    else if (bottom > scrollTop + clientHeight) this.list.scrollTop = bottom - clientHeight;
    this.update();
    return this.element(item);
  }

  /** Renders the items in view, the pinned ones and spacers for the rest, then measures what it showed. */
  update(): void {
    const shown = this.render();
    if (this.measure(shown)) this.render();
  }

  private render(): T[] {
    const offsets = this.offsets();
    const gap = this.gap();
    const { scrollTop, clientHeight } = this.list;
    const margin = Math.max(clientHeight, 200);
    const from = scrollTop - margin;
    const to = scrollTop + clientHeight + margin;
    const wanted = new Set<number>();
    for (let i = firstEndingAfter(offsets, this.items, (item) => this.heightOf(item), from); i < this.items.length && offsets[i] < to; i++) wanted.add(i);
    for (const id of this.pinned()) {
      const index = id === undefined ? undefined : this.indexById.get(id);
      if (index !== undefined) wanted.add(index);
    }
    const indices = [...wanted].sort((a, b) => a - b);
    const children: Element[] = [];
    let spacers = 0;
    const spacer = (height: number) => this.spacer(spacers++, height);
    const shown: T[] = [];
    let next = 0;
    const total = offsets[this.items.length];
    for (const index of indices) {
      if (index > next) children.push(spacer(offsets[index] - offsets[next] - gap));
      const item = this.items[index];
      const element = this.element(item);
      element.setAttribute('aria-posinset', String(index + 1));
      element.setAttribute('aria-setsize', String(this.items.length));
      children.push(element);
      shown.push(item);
      next = index + 1;
    }
    if (next < this.items.length) children.push(spacer(total - offsets[next] - gap));
    reconcileChildren(this.list, children);
    return shown;
  }

  /** Records the heights of the items shown; true when any differs from what the layout assumed. */
  private measure(shown: T[]): boolean {
    let changed = false;
    for (const item of shown) {
      const height = this.element(item).offsetHeight;
      if (!height || height === this.heightOf(item)) continue;
      if (!this.heights.has(item.id) && this.heights.size === 0) this.estimate = height;
      this.heights.set(item.id, height);
      changed = true;
    }
    return changed;
  }

  private heightOf(item: T): number {
    return this.heights.get(item.id) ?? this.estimate;
  }

  /** Each item's top, measured from the list's content top, gaps included; one more entry: the total. */
  private offsets(): number[] {
    const gap = this.gap();
    const offsets = new Array<number>(this.items.length + 1);
    let top = 0;
    for (let i = 0; i < this.items.length; i++) {
      offsets[i] = top;
      top += this.heightOf(this.items[i]) + gap;
    }
    offsets[this.items.length] = top;
    return offsets;
  }

  private gap(): number {
    return parseFloat(getComputedStyle(this.list).rowGap) || 0;
  }

  private spacer(position: number, height: number): HTMLElement {
    const spacer = (this.spacers[position] ??= el('div', { class: 'virtual-spacer', 'aria-hidden': 'true' }));
    spacer.style.height = `${Math.max(0, height)}px`;
    return spacer;
  }
}

/** The first index whose item ends after `position` (binary search over the increasing offsets). */
function firstEndingAfter<T>(offsets: number[], items: readonly T[], height: (item: T) => number, position: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle] + height(items[middle]) > position) high = middle;
    else low = middle + 1;
  }
  return low;
}
