/**
 * DOM builders for the board. Text always goes in as text nodes, never as HTML, so nothing from the
 * plan can become markup. They never write a `style` attribute: the webview's CSP (no
 * 'unsafe-inline' styles) refuses those. The few computed sizes and positions (a progress bar's
 * width, the move menu's place) are set through `element.style`, the CSSOM, which the CSP allows.
 */
export type Child = Node | string | number | false | null | undefined;
/** Attributes by name; `false`/`undefined` leave one out, `true` sets it empty. */
export type Attributes = Record<string, string | number | boolean | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(element: E, attributes: Attributes, children: Child[]): E {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

export function button(label: Child | Child[], onClick: (event: MouseEvent) => void, attributes: Attributes = {}): HTMLButtonElement {
  const element = el('button', { type: 'button', ...attributes }, ...(Array.isArray(label) ? label : [label]));
  element.addEventListener('click', onClick);
  return element;
}

/**
 * Makes `parent`'s element children exactly `wanted`, in order, moving only what is out of place
 * (so unchanged cards keep their DOM, and the focus and scroll that go with it). What is not wanted
 * goes first: what stays is then mostly in order already, and a moved element would lose focus.
 */
export function reconcileChildren(parent: Element, wanted: readonly Element[]): void {
  const keep = new Set(wanted);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  let cursor = parent.firstElementChild;
  for (const element of wanted) {
    if (element === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(element, cursor);
  }
}

/** The nearest element at or above the event's target that carries `selector`. */
export function closestTo(event: Event, selector: string): HTMLElement | undefined {
  const target = event.target;
  return target instanceof Element ? ((target.closest(selector) as HTMLElement | null) ?? undefined) : undefined;
}
