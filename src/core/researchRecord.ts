import type { DetailLevel } from './researchPrompt';

/** A research answer as it is kept: in a task's details or in a file of .taskmaster/docs/research. */
export interface ResearchRecord {
  query: string;
  answer: string;
  detailLevel: DetailLevel;
  contextChars: number;
  /** The Ollama model that answered, and its host. */
  model: string;
  host: string;
}

/** Where Task Master keeps saved research, relative to the project root. */
export const RESEARCH_DOCS_DIR = '.taskmaster/docs/research';

/** Who answered, said wherever the answer goes: a local model, not Task Master's cloud search. */
export function answeredBy(record: Pick<ResearchRecord, 'model' | 'host'>): string {
  return `${record.model} on Ollama at ${record.host}`;
}

/**
 * An answer laid out as Task Master saves research: to a task (the text appended inside
 * appendNote's timestamped block, headings from `##`) or to a file named with `--save` (headings
 * from `#`), plus the model that answered.
 */
export function researchNote(record: ResearchRecord, now: Date, topHeading: '#' | '##' = '##'): string {
  return [
    `${topHeading} Research Query: ${record.query.trim()}`,
    '',
    `**Detail Level:** ${record.detailLevel}`,
    `**Context Size:** ${record.contextChars} characters`,
    `**Timestamp:** ${now.toISOString()}`,
    `**Answered by:** ${answeredBy(record)}`,
    '',
    `${topHeading}# Results`,
    '',
    record.answer.trim(),
  ].join('\n');
}

/** A research file's content: Task Master's front matter and sections, plus the model that answered. */
export function researchDocument(record: ResearchRecord, now: Date): string {
  return [
    '---',
    'title: Research Session',
    `query: ${JSON.stringify(record.query.trim())}`,
    `date: ${now.toISOString().slice(0, 10)}`,
    `time: ${now.toISOString().slice(11, 19)}`,
    `timestamp: ${now.toISOString()}`,
    'exchanges: 1',
    `model: ${JSON.stringify(answeredBy(record))}`,
    '---',
    '',
    '# Research Session',
    '',
    '## Initial Query',
    '',
    `**Question:** ${record.query.trim()}`,
    '',
    '**Response:**',
    '',
    record.answer.trim(),
    '',
  ].join('\n');
}

/**
 * Task Master's name for a saved research file: the UTC date, then the query in lower case with
 * only letters, digits, spaces and dashes kept, spaces as dashes, at most 50 characters.
 */
export function researchFileName(query: string, now: Date): string {
  const slug = query
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  return `${now.toISOString().slice(0, 10)}_${slug || 'research-query'}.md`;
}
