import { OperationError } from './operations';
import type { TaskNode } from './plan';
import { CHARS_PER_TOKEN, describeForQuestion } from './planContext';
import type { ChatMessage } from './prompts';

/** Task Master's detail levels for a research answer; medium is its default. */
export const DETAIL_LEVELS = ['low', 'medium', 'high'] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

export function parseDetailLevel(value: string | undefined): DetailLevel {
  if (value === undefined) return 'medium';
  const level = value.trim().toLowerCase();
  if ((DETAIL_LEVELS as readonly string[]).includes(level)) return level as DetailLevel;
  throw new OperationError(`Detail level must be one of ${DETAIL_LEVELS.join(', ')}, not "${value}".`, 'invalid');
}

export interface ResearchFileText {
  /** Relative to the project root, as the model should name it. */
  path: string;
  text: string;
}

/** Everything a research question is asked with, already read from the plan and the disk. */
export interface ResearchMaterial {
  query: string;
  detailLevel: DetailLevel;
  /** Tasks the user chose: sent first, after the user's own context. */
  tasks: TaskNode[];
  /** Tasks the question seems to be about, found in the plan (as Task Master adds related tasks). */
  relatedTasks: TaskNode[];
  files: ResearchFileText[];
  tree?: string;
  customContext?: string;
}

export interface ResearchPrompt {
  messages: ChatMessage[];
  /** Characters of project context sent: Task Master's "context size". */
  contextChars: number;
  /** What was shortened or left out to fit the model's window, to tell the user. */
  cuts: string[];
}

const CLIP_NOTE = `\n… (cut here to fit the model's window)`;

/** Below this, a clipped piece says too little to be worth its heading. */
const MIN_CLIP_CHARS = 300;

const SYSTEM = `You are a research assistant for a software project. Answer the developer's question from your own knowledge together with the project context you are given: tasks from the project's Task Master plan, source files and the project's file tree.
Make the answer concrete for this project: name the libraries, APIs, commands and code that apply, and say how it bears on the tasks given, naming them by id (#12, subtasks #12.3).
You have no web access: when something may have changed since your training, or you are not sure, say so plainly. Answer in markdown.`;

const DETAIL_GUIDANCE: Record<DetailLevel, string> = {
  low: 'Keep it short: the answer in a few sentences or at most five bullet points, without preamble.',
  medium: 'Answer in a few focused paragraphs or lists, with a short code example where one helps.',
  high: 'Answer thoroughly: the options and their trade-offs, the approach you recommend and why, code examples, pitfalls, and how to test it.',
};

interface Piece {
  heading: string;
  body: string;
  /** Whether a part of it still helps (a file's start, the tree's top) when all of it does not fit. */
  clippable: boolean;
  /** The code fence the body goes in (files, the tree), kept whole when the body is clipped. */
  fence?: string;
  /** How the user hears of it when cut, e.g. `file src/a.ts`. */
  label: string;
}

/**
 * The messages for a research question, with as much of the context as fits `budgetTokens`: the
 * user's own context first, then the chosen tasks, the files, related tasks and the tree. A piece
 * that does not fit is clipped (files, tree, custom context) or left out, and named in `cuts`.
 */
export function researchPrompt(material: ResearchMaterial, budgetTokens: number): ResearchPrompt {
  const frame = (context: string): ChatMessage[] => [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `${context ? `<project-context>\n${context}\n</project-context>\n\n` : ''}Question: ${material.query.trim()}\n\n${DETAIL_GUIDANCE[material.detailLevel]}` },
  ];
  const frameChars = frame('').reduce((sum, message) => sum + message.content.length, 0);
  // The context tags and the line breaks between pieces come out of the same allowance.
  let room = budgetTokens * CHARS_PER_TOKEN - frameChars - '<project-context>\n\n</project-context>\n\n'.length;
  const kept: string[] = [];
  const cuts: string[] = [];
  for (const piece of pieces(material)) {
    const text = render(piece, piece.body);
    if (text.length + 2 <= room) {
      kept.push(text);
      room -= text.length + 2;
      continue;
    }
    const bodyRoom = room - 2 - render(piece, CLIP_NOTE).length;
    if (piece.clippable && bodyRoom >= MIN_CLIP_CHARS) {
      kept.push(render(piece, `${clipAtLine(piece.body, bodyRoom)}${CLIP_NOTE}`));
      room = 0;
      cuts.push(`${piece.label} was shortened`);
    } else cuts.push(`${piece.label} was left out`);
  }
  const context = kept.join('\n\n');
  return { messages: frame(context), contextChars: context.length, cuts };
}

function pieces(material: ResearchMaterial): Piece[] {
  const custom = material.customContext?.trim();
  // The task's own heading goes one level down, under the one saying why it is here.
  const task = (node: TaskNode, kind: string): Piece => ({ heading: `## ${kind} task ${node.id}`, body: describeForQuestion(node).replace(/^## /, '### '), clippable: false, label: `task ${node.id}` });
  return [
    ...(custom ? [{ heading: '## Context from the developer', body: custom, clippable: true, label: 'your custom context' }] : []),
    ...material.tasks.map((node) => task(node, 'Chosen')),
    ...material.files.map((file) => ({ heading: `## File ${file.path}`, body: file.text, fence: codeFence(file.text), clippable: true, label: `file ${file.path}` })),
    ...material.relatedTasks.map((node) => task(node, 'Related')),
    ...(material.tree ? [{ heading: '## Project file tree', body: material.tree, fence: '```', clippable: true, label: 'the project tree' }] : []),
  ];
}

/** The text's first `limit` characters, ending at a line break when one is in its second half. */
function clipAtLine(text: string, limit: number): string {
  const clipped = text.slice(0, limit);
  const lineEnd = clipped.lastIndexOf('\n');
  return lineEnd > limit / 2 ? clipped.slice(0, lineEnd) : clipped;
}

function render(piece: Piece, body: string): string {
  return `${piece.heading}\n${piece.fence ? `${piece.fence}\n${body}\n${piece.fence}` : body}`;
}

/** A fence longer than any run of backticks in the text, so the text cannot close it early. */
function codeFence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
