import { ParseErrorCode, parseTree, type ParseError } from 'jsonc-parser';
import { VerbatimJson, type JsonEdit } from '../core/operations';
import { sameJson } from '../core/sameJson';
import type { JsonPath } from '../core/plan';
import { JsonScanner, type JsonNode } from './jsonScanner';

/**
 * Lossless editing of JSON text. The plan is changed by rewriting only the bytes of the values an
 * operation touches, so unknown fields, key order, number spelling, escapes and indentation of the
 * rest of the file stay exactly as the user, git or Task Master left them.
 */

export interface TextPosition {
  /** 1-based, as editors and compilers print them. */
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly position: TextPosition,
  ) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
    this.name = 'JsonSyntaxError';
  }

  static is(error: unknown): error is JsonSyntaxError {
    return error instanceof JsonSyntaxError;
  }
}

const BOM = '\uFEFF';

/** JSON.parse with a precise, human message (what, line, column) when the text is not JSON. */
export function parseJson(text: string): unknown {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  if (!/\S/.test(body)) throw new JsonSyntaxError('The file is empty', 0, { line: 1, column: 1 });
  try {
    return JSON.parse(body);
  } catch (error) {
    const { offset, reason } = syntaxError(body, error);
    const fileOffset = offset + (text.length - body.length);
    throw new JsonSyntaxError(reason, fileOffset, new JsonLocator(text).positionOf(fileOffset));
  }
}

// Strict: a byte that is not UTF-8 must stop the read, not become U+FFFD that a save would write back.
// A byte order mark stays in the text, so it is written back as it was.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of a file's bytes; a JsonSyntaxError at the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const byteOffset = invalidUtf8Offset(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, byteOffset - 1) + 1;
    const line = 1 + bytes.subarray(0, lineStart).filter((byte) => byte === 0x0a).length;
    const column = UTF8.decode(bytes.subarray(lineStart, byteOffset)).length + 1;
    const offset = UTF8.decode(bytes.subarray(0, byteOffset)).length;
    const byte = bytes[byteOffset].toString(16).toUpperCase().padStart(2, '0');
    const reason = `The file is not UTF-8: byte 0x${byte} at byte ${byteOffset} (another encoding, such as Latin-1, or damage). Save it as UTF-8`;
    throw new JsonSyntaxError(reason, offset, { line, column });
  }
}

/** Where the first byte sequence that is not well-formed UTF-8 starts (the decoder does not say). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return i;
}

/** What went wrong, in words, for each of jsonc-parser's error codes. */
const SYNTAX_REASONS: Record<number, string> = {
  [ParseErrorCode.InvalidSymbol]: 'Unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'Invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'Expected a property name in double quotes (is there a trailing comma before it?)',
  [ParseErrorCode.ValueExpected]: 'Expected a value (is there a trailing or doubled comma?)',
  [ParseErrorCode.ColonExpected]: "Expected ':' after the property name",
  [ParseErrorCode.CommaExpected]: "Expected ',' between values (a comma is missing)",
  [ParseErrorCode.CloseBraceExpected]: "Expected '}' to close the object",
  [ParseErrorCode.CloseBracketExpected]: "Expected ']' to close the list",
  [ParseErrorCode.EndOfFileExpected]: 'Unexpected text after the end of the JSON document',
  [ParseErrorCode.InvalidCommentToken]: 'Comments are not allowed in tasks.json',
  [ParseErrorCode.UnexpectedEndOfComment]: 'Comments are not allowed in tasks.json',
  [ParseErrorCode.UnexpectedEndOfString]: 'A string is not closed (a double quote is missing)',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'A number is cut off',
  [ParseErrorCode.InvalidUnicode]: 'Invalid \\u escape in a string',
  [ParseErrorCode.InvalidEscapeCharacter]: 'Invalid escape (\\) in a string',
  [ParseErrorCode.InvalidCharacter]: 'A control character (such as a raw line break) inside a string',
};

function syntaxError(body: string, error: unknown): { offset: number; reason: string } {
  // Strict JSON errors (comments, trailing commas, bad tokens) are found by jsonc-parser's
  // scanner with its relaxations turned off; V8's own message is the fallback.
  const errors: ParseError[] = [];
  parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const { offset, error: code } = errors[0];
    const atEnd = offset >= body.trimEnd().length;
    return { offset, reason: atEnd ? 'Unexpected end of file (a bracket, brace or quote is not closed)' : SYNTAX_REASONS[code] ?? 'Invalid JSON' };
  }
  const match = /position (\d+)/.exec(String((error as Error)?.message));
  return { offset: match ? Number(match[1]) : 0, reason: String((error as Error)?.message ?? 'Invalid JSON') };
}

interface Formatting {
  indentUnit: string;
  eol: string;
}

function detectFormatting(text: string): Formatting {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const match = /\n([ \t]+)\S/.exec(text);
  return { indentUnit: match ? match[1] : '', eol };
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** The text of a copied value and the indentation of the line it starts on. */
type CopySource = (value: VerbatimJson) => { text: string; indent: string };

/** Reads copied values out of the document being edited, or out of the document a copy names. */
function copySource(body: string, scanner: JsonScanner): CopySource {
  const others = new Map<string, JsonScanner>();
  return ({ path, document }) => {
    const text = document ?? body;
    let source = document === undefined ? scanner : others.get(document);
    if (!source) others.set(text, (source = new JsonScanner(text)));
    const node = source.find(path);
    if (!node) throw new Error(`Internal error: nothing at ${describePath(path)} to copy.`);
    return { text: text.slice(node.offset, node.offset + node.length), indent: lineIndent(text, node.offset) };
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What JSON.stringify leaves out of an object (and writes as null in a list). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * Serialises a value as the file would (JSON.stringify's layout with the file's indent unit and
 * line ends, continued at the given indentation). Copied values are written with their own bytes.
 */
function serialize(value: unknown, format: Formatting, indent: string, copy: CopySource): string {
  if (value instanceof VerbatimJson) {
    const copied = copy(value);
    return reindent(copied.text, copied.indent, indent);
  }
  const json = typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  const inner = indent + format.indentUnit;
  if (Array.isArray(json)) {
    return layout('[', ']', json.map((item) => serialize(isOmitted(item) ? null : item, format, inner, copy)), format, indent);
  }
  if (isPlainObject(json)) {
    const colon = format.indentUnit === '' ? ':' : ': ';
    const members = Object.entries(json).filter(([, member]) => !isOmitted(member));
    return layout('{', '}', members.map(([key, member]) => JSON.stringify(key) + colon + serialize(member, format, inner, copy)), format, indent);
  }
  return JSON.stringify(json) ?? 'null';
}

function layout(open: string, close: string, members: string[], format: Formatting, indent: string): string {
  if (members.length === 0) return open + close;
  if (format.indentUnit === '') return open + members.join(',') + close;
  const inner = format.eol + indent + format.indentUnit;
  return open + inner + members.join(',' + inner) + format.eol + indent + close;
}

/**
 * Moves a copied value to another depth. JSON text has line breaks only between tokens, so
 * changing the indentation that follows them changes no value and no spelling.
 */
function reindent(text: string, from: string, to: string): string {
  if (from === to || !text.includes('\n')) return text;
  return text
    .split('\n')
    .map((line, i) => (i > 0 && line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n');
}

function isMultiline(text: string, node: JsonNode): boolean {
  return text.slice(node.offset, node.offset + node.length).includes('\n');
}

interface TextReplacement {
  offset: number;
  length: number;
  content: string;
}

/**
 * Applies edits that address disjoint parts of the document. Offsets are computed against the
 * original text and applied from the end backwards, so each stays valid.
 */
export function applyJsonEdits(text: string, edits: readonly JsonEdit[]): string {
  if (edits.length === 0) return text;
  const bomLength = text.startsWith(BOM) ? 1 : 0;
  const body = text.slice(bomLength);
  const scanner = new JsonScanner(body);
  const format = detectFormatting(body);
  const copy = copySource(body, scanner);
  const replacements = edits.map((edit) => toReplacement(body, scanner, edit, format, copy));
  replacements.sort((a, b) => b.offset - a.offset);
  for (let i = 1; i < replacements.length; i++) {
    if (replacements[i].offset + replacements[i].length > replacements[i - 1].offset) {
      throw new Error('Internal error: overlapping edits in one operation.');
    }
  }
  // One join of slices of the original: splicing one edit after another flattened the whole
  // (17 MB at 10,000 tasks) text again at every edit.
  const parts: string[] = [];
  let end = body.length;
  for (const r of replacements) {
    parts.push(body.slice(r.offset + r.length, end), r.content);
    end = r.offset;
  }
  parts.push(body.slice(0, end), text.slice(0, bomLength));
  return parts.reverse().join('');
}

function toReplacement(text: string, scanner: JsonScanner, edit: JsonEdit, format: Formatting, copy: CopySource): TextReplacement {
  const node = scanner.find(edit.path);
  if (edit.kind === 'set' && node) {
    return { offset: node.offset, length: node.length, content: serialize(edit.value, format, lineIndent(text, node.offset), copy) };
  }
  if (edit.kind === 'remove') {
    if (!node) throw new Error(`Cannot remove ${edit.path.join('.')}: not found.`);
    return removal(node.parent?.type === 'property' ? node.parent : node);
  }
  if (edit.kind === 'append') {
    if (!node || node.type !== 'array') throw new Error(`Cannot append to ${edit.path.join('.')}: not a list.`);
    const indent = childIndent(text, scanner, node, format);
    return insertion(text, scanner, node, edit.values.map((value) => serialize(value, format, indent, copy)), format);
  }
  const parent = scanner.find(edit.path.slice(0, -1));
  const key = edit.path[edit.path.length - 1];
  if (!parent || parent.type !== 'object' || typeof key !== 'string') {
    throw new Error(`Cannot set ${edit.path.join('.')}: its parent object does not exist.`);
  }
  const valueText = serialize(edit.value, format, childIndent(text, scanner, parent, format), copy);
  return insertion(text, scanner, parent, [`${JSON.stringify(key)}: ${valueText}`], format);
}

/** The indentation of a container's members: that of its existing members, else one level deeper. */
function childIndent(text: string, scanner: JsonScanner, container: JsonNode, format: Formatting): string {
  const first = scanner.members(container)[0];
  if (first && isMultiline(text, container)) return lineIndent(text, first.offset);
  return lineIndent(text, container.offset) + format.indentUnit;
}

/** Inserts members after the last one of a container, laid out like the existing ones. */
function insertion(text: string, scanner: JsonScanner, container: JsonNode, members: string[], format: Formatting): TextReplacement {
  const children = scanner.members(container);
  const closing = container.offset + container.length - 1;
  const multiline = format.indentUnit !== '' && (children.length === 0 || isMultiline(text, container));
  const indent = childIndent(text, scanner, container, format);
  const separator = multiline ? `,${format.eol}${indent}` : ', ';
  const member = members.join(separator);
  if (children.length === 0) {
    const content = multiline ? `${format.eol}${indent}${member}${format.eol}${lineIndent(text, container.offset)}` : member;
    return { offset: container.offset + 1, length: closing - container.offset - 1, content };
  }
  const last = children[children.length - 1];
  const end = last.offset + last.length;
  return { offset: end, length: 0, content: separator + member };
}

/** Removes a member with the comma that separates it from its neighbours. */
function removal(member: JsonNode): TextReplacement {
  const container = member.parent!;
  const siblings = container.children!;
  const index = siblings.indexOf(member);
  if (siblings.length === 1) {
    const closing = container.offset + container.length - 1;
    return { offset: container.offset + 1, length: closing - container.offset - 1, content: '' };
  }
  if (index > 0) {
    const previous = siblings[index - 1];
    const start = previous.offset + previous.length;
    return { offset: start, length: member.offset + member.length - start, content: '' };
  }
  const next = siblings[1];
  return { offset: member.offset, length: next.offset - member.offset, content: '' };
}

function describePath(path: JsonPath): string {
  return path.length ? path.join('.') : 'the whole file';
}

/**
 * Checks that each edited path of the edited document, as parsed (`after`, read the way JSON.parse
 * and Task Master read it), holds what the edit meant to write. A key written twice is the usual
 * reason it would not: the edit then changed a value no reader sees. Throws, naming the path and
 * its line in the original text, when any edit missed.
 */
export function verifyJsonEdits(text: string, edits: readonly JsonEdit[], after: unknown): void {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const scanner = new JsonScanner(body);
  const copy = copySource(body, scanner);
  const compact: Formatting = { indentUnit: '', eol: '\n' };
  const intended = (value: unknown) => JSON.parse(serialize(value, compact, '', copy)) as unknown;
  const removed = edits.flatMap((edit) => (edit.kind === 'remove' ? [edit.path] : []));
  const missed = (path: JsonPath) => {
    const line = new JsonLocator(text).locate(path).start.line;
    return new Error(
      `${describePath(path)} (line ${line} of tasks.json) would not read as intended after this change: does the file repeat a key there? ` +
        'JSON readers, Task Master included, use the last one; remove the others and try again. Nothing was written.',
    );
  };
  // A list loses an entry per removal and gains the values appended to it.
  const lengthChange = new Map<string, number>();
  const change = (path: JsonPath, by: number) => lengthChange.set(JSON.stringify(path), (lengthChange.get(JSON.stringify(path)) ?? 0) + by);
  for (const edit of edits) {
    if (edit.kind === 'remove' && typeof edit.path[edit.path.length - 1] === 'number') change(edit.path.slice(0, -1), -1);
    if (edit.kind === 'append') change(edit.path, edit.values.length);
  }
  for (const edit of edits) {
    const actual = valueAt(after, shiftedPath(edit.path, removed));
    if (edit.kind === 'set' && !sameJson(actual, intended(edit.value))) throw missed(edit.path);
    if (edit.kind === 'append') {
      const tail = Array.isArray(actual) ? actual.slice(actual.length - edit.values.length) : [];
      if (tail.length !== edit.values.length || !edit.values.every((value, i) => sameJson(tail[i], intended(value)))) throw missed(edit.path);
    }
    if (edit.kind === 'remove') {
      const container = edit.path.slice(0, -1);
      const key = edit.path[edit.path.length - 1];
      const remaining = valueAt(after, shiftedPath(container, removed));
      if (typeof key === 'string' && isPlainObject(remaining) && Object.hasOwn(remaining, key)) throw missed(edit.path);
      if (typeof key === 'number') {
        const expected = scanner.members(scanner.find(container)!).length + lengthChange.get(JSON.stringify(container))!;
        if (!Array.isArray(remaining) || remaining.length !== expected) throw missed(edit.path);
      }
    }
  }
}

/** Where a path of the original document is after the removals: later entries of a list move up. */
function shiftedPath(path: JsonPath, removed: readonly JsonPath[]): JsonPath {
  const shifted = [...path];
  for (const removal of removed) {
    const depth = removal.length - 1;
    const index = removal[depth];
    const segment = path[depth];
    if (typeof index === 'number' && typeof segment === 'number' && segment > index && removal.slice(0, depth).every((part, i) => part === path[i])) {
      shifted[depth] = (shifted[depth] as number) - 1;
    }
  }
  return shifted;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Maps JSON paths to line/column positions, scanning the text once for many look-ups. */
export class JsonLocator {
  private scanner: JsonScanner | undefined;
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** Where a path's value is; a missing path points at its nearest existing parent. */
  locate(path: JsonPath): { start: TextPosition; end: TextPosition } {
    this.scanner ??= new JsonScanner(this.text);
    let node: JsonNode | undefined;
    for (let length = path.length; !node && length >= 0; length--) node = this.scanner.find(path.slice(0, length));
    const offset = node?.offset ?? 0;
    // A whole task object spans many lines: point at its first line rather than underline all of it.
    const end = node && node.type !== 'object' && node.type !== 'array' ? offset + node.length : offset + 1;
    return { start: this.positionOf(offset), end: this.positionOf(end) };
  }

  positionOf(offset: number): TextPosition {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }
}
