import { ParseErrorCode, parseTree, type ParseError } from 'jsonc-parser';
import type { JsonEdit } from '../core/operations';
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

/** Serialises a value as the file would: same indent unit, continued at the given indentation. */
function serialize(value: unknown, format: Formatting, baseIndent: string): string {
  if (format.indentUnit === '') return JSON.stringify(value);
  return JSON.stringify(value, null, format.indentUnit).replace(/\n/g, format.eol + baseIndent);
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
  const replacements = edits.map((edit) => toReplacement(body, scanner, edit, format));
  replacements.sort((a, b) => b.offset - a.offset);
  for (let i = 1; i < replacements.length; i++) {
    if (replacements[i].offset + replacements[i].length > replacements[i - 1].offset) {
      throw new Error('Internal error: overlapping edits in one operation.');
    }
  }
  let out = body;
  for (const r of replacements) out = out.slice(0, r.offset) + r.content + out.slice(r.offset + r.length);
  return text.slice(0, bomLength) + out;
}

function toReplacement(text: string, scanner: JsonScanner, edit: JsonEdit, format: Formatting): TextReplacement {
  const node = scanner.find(edit.path);
  if (edit.kind === 'set' && node) {
    return { offset: node.offset, length: node.length, content: serialize(edit.value, format, lineIndent(text, node.offset)) };
  }
  if (edit.kind === 'remove') {
    if (!node) throw new Error(`Cannot remove ${edit.path.join('.')}: not found.`);
    return removal(node.parent?.type === 'property' ? node.parent : node);
  }
  if (edit.kind === 'append') {
    if (!node || node.type !== 'array') throw new Error(`Cannot append to ${edit.path.join('.')}: not a list.`);
    const indent = childIndent(text, scanner, node, format);
    return insertion(text, scanner, node, edit.values.map((value) => serialize(value, format, indent)), format);
  }
  const parent = scanner.find(edit.path.slice(0, -1));
  const key = edit.path[edit.path.length - 1];
  if (!parent || parent.type !== 'object' || typeof key !== 'string') {
    throw new Error(`Cannot set ${edit.path.join('.')}: its parent object does not exist.`);
  }
  const valueText = serialize(edit.value, format, childIndent(text, scanner, parent, format));
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
