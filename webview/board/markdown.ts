/**
 * A small, safe markdown renderer for task details and test strategies: paragraphs, headings,
 * lists (nested, with [ ] / [x] items), block quotes, rules, fenced code, code spans, bold, italic
 * and links. It builds DOM nodes and puts every piece of the source in as a text node, so HTML in
 * a task (`<img onerror>`, `<script>`) stays visible text. Links and images never load or navigate:
 * a link is its text with the address as a tooltip, an image is its alt text.
 */
import { el, type Child } from './dom';

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const CHECKBOX = /^\[([ xX])\]\s+/;

export function renderMarkdown(source: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(...renderBlocks(source.replace(/\r\n?/g, '\n').split('\n')));
  return fragment;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function renderBlocks(lines: string[]): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
    } else if (FENCE.test(line)) {
      const fence = FENCE.exec(line)![1];
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) code.push(lines[i]);
      i++; // the closing fence (or the end)
      blocks.push(el('pre', {}, el('code', {}, code.join('\n'))));
    } else if (HEADING.test(line)) {
      const [, hashes, text] = HEADING.exec(line)!;
      // Inside the editor a task's "# Title" sits below the editor's own headings.
      const tag = hashes.length === 1 ? 'h4' : hashes.length === 2 ? 'h5' : 'h6';
      blocks.push(el(tag, {}, ...renderInline(text)));
      i++;
    } else if (RULE.test(line)) {
      blocks.push(el('hr'));
      i++;
    } else if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) quoted.push(QUOTE.exec(lines[i])![1]);
      blocks.push(el('blockquote', {}, ...renderBlocks(quoted)));
    } else if (LIST_ITEM.test(line)) {
      const list = readList(lines, i);
      blocks.push(list.element);
      i = list.next;
    } else {
      const paragraph: string[] = [];
      for (; i < lines.length && lines[i].trim() && (paragraph.length === 0 || !startsBlock(lines[i])); i++) paragraph.push(lines[i].trim());
      blocks.push(el('p', {}, ...withLineBreaks(paragraph)));
    }
  }
  return blocks;
}

/** A list starting at `start`: its items, and what is indented under them (nested lists too). */
function readList(lines: string[], start: number): { element: HTMLElement; next: number } {
  const [, indent, marker] = LIST_ITEM.exec(lines[start])!;
  const baseIndent = indent.length;
  const ordered = /\d/.test(marker);
  const list = el(ordered ? 'ol' : 'ul');
  if (ordered && parseInt(marker, 10) !== 1) list.setAttribute('start', String(parseInt(marker, 10)));

  let i = start;
  while (i < lines.length) {
    const item = LIST_ITEM.exec(lines[i]);
    if (!item || item[1].length !== baseIndent || /\d/.test(item[2]) !== ordered) break;
    const contentIndent = item[1].length + item[2].length + 1;
    const body = [item[3]];
    let tight = true;
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) {
        let after = i + 1;
        while (after < lines.length && !lines[after].trim()) after++;
        if (after >= lines.length || indentOf(lines[after]) <= baseIndent) break;
        tight = false;
        body.push('');
      } else if (indentOf(line) > baseIndent) {
        body.push(line.slice(Math.min(indentOf(line), contentIndent)));
      } else if (!startsBlock(line) && body[body.length - 1].trim()) {
        body.push(line.trim()); // a paragraph continued without indenting
      } else {
        break;
      }
    }
    list.append(listItem(body, tight));
  }
  return { element: list, next: i };
}

function listItem(body: string[], tight: boolean): HTMLElement {
  const checkbox = CHECKBOX.exec(body[0]);
  const item = el('li');
  if (checkbox) {
    const checked = checkbox[1] !== ' ';
    item.classList.add('md-task');
    item.append(el('span', { class: 'md-checkbox', role: 'img', 'aria-label': checked ? 'done' : 'not done' }, checked ? '☑' : '☐'), ' ');
    body = [body[0].slice(checkbox[0].length), ...body.slice(1)];
  }
  for (const block of renderBlocks(body)) {
    // A tight list item's text sits in the item itself, not in a paragraph.
    if (tight && block.tagName === 'P') item.append(...block.childNodes);
    else item.append(block);
  }
  return item;
}

function withLineBreaks(lines: string[]): Child[] {
  return lines.flatMap((line, index) => (index ? [el('br'), ...renderInline(line)] : renderInline(line)));
}

// Alternatives, in this order: code span, bold (** or __), italic (* or _), link or image,
// backslash escape. Underscores never open or close inside a word (snake_case, window.__x).
const INLINE =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<!\w)__(?=\S)([\s\S]*?\S)__(?!\w)|\*(?=\S)([\s\S]*?\S)\*|(?<!\w)_(?=\S)([\s\S]*?\S)_(?!\w)|(!?)\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|\\([\\`*_[\]()#+\-.!<>])/g;

function renderInline(text: string): Child[] {
  const nodes: Child[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) nodes.push(text.slice(last, index));
    last = index + match[0].length;
    const [, , code, strongStars, strongUnderscores, emStar, emUnderscore, bang, linkText, address, escaped] = match;
    if (code !== undefined) nodes.push(el('code', {}, code));
    else if (strongStars !== undefined || strongUnderscores !== undefined) nodes.push(el('strong', {}, ...renderInline(strongStars ?? strongUnderscores)));
    else if (emStar !== undefined || emUnderscore !== undefined) nodes.push(el('em', {}, ...renderInline(emStar ?? emUnderscore)));
    else if (bang) nodes.push(el('span', { class: 'md-image', title: address }, `[image: ${linkText}]`));
    else if (linkText !== undefined) nodes.push(el('span', { class: 'md-link', title: address }, ...renderInline(linkText)));
    else nodes.push(escaped);
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}
