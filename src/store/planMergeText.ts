import { readPlan } from '../core/plan';
import { mergePlans, type MergeNote } from '../core/planMerge';
import { applyJsonEdits, parseJson } from './jsonText';

export interface MergeTexts {
  /** The common ancestor; undefined or blank when there is none (both sides added the file). */
  base?: string;
  ours: string;
  theirs: string;
}

export interface MergedText {
  text: string;
  notes: MergeNote[];
}

/** One side of a merge is not a plan: the merge cannot produce one. */
export class MergeSideError extends Error {
  constructor(
    readonly side: 'ours' | 'theirs',
    cause: Error,
  ) {
    super(`${side} is not a readable plan: ${cause.message}`);
    this.name = 'MergeSideError';
  }

  static is(error: unknown): error is MergeSideError {
    return error instanceof MergeSideError;
  }
}

/**
 * Merges three tasks.json texts and lays the result out as ours is laid out (Task Master's
 * 2-space JSON, its line ends, its byte order mark and final newline, if any), by the same writer
 * every edit goes through. A base that does not parse (git's virtual ancestor can hold markers
 * itself) is left out, and a note says so.
 */
export function mergePlanTexts(texts: MergeTexts, now: Date): MergedText {
  const side = (name: 'ours' | 'theirs', text: string) => {
    try {
      return parsePlanData(text);
    } catch (error) {
      throw new MergeSideError(name, error as Error);
    }
  };
  const [ours, theirs] = [side('ours', texts.ours), side('theirs', texts.theirs)];
  const notes: MergeNote[] = [];
  let base: unknown;
  if (texts.base !== undefined && /\S/.test(texts.base)) {
    try {
      base = parsePlanData(texts.base);
    } catch (error) {
      notes.push({ message: `the common ancestor is not readable (${(error as Error).message}); merged the two sides without it.` });
    }
  }
  const merged = mergePlans({ base, ours, theirs }, now);
  return { text: applyJsonEdits(texts.ours, [{ kind: 'set', path: [], value: merged.data }]), notes: [...notes, ...merged.notes] };
}

/** The parsed text, checked to be a plan (readPlan throws NotAPlanError otherwise). */
function parsePlanData(text: string): unknown {
  const data = parseJson(text);
  readPlan(data);
  return data;
}

/** A note as one line: where it is, then what was decided. */
export function describeMergeNote(note: MergeNote): string {
  return note.tag ? `[${note.tag}] ${note.message}` : note.message;
}
