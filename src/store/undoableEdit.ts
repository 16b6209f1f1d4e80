import { OperationError, restoreTag, VerbatimJson, type JsonEdit, type PlanOperation } from '../core/operations';
import { DEFAULT_TAG, type Plan } from '../core/plan';
import type { PlanStore } from './planStore';

/** Undo would overwrite a change made to the same tags after the edit it takes back. */
export class UndoConflictError extends OperationError {
  constructor(message: string) {
    super(message, 'invalid');
    this.name = 'UndoConflictError';
  }

  static is(error: unknown): error is UndoConflictError {
    return error instanceof UndoConflictError;
  }
}

/** An edit made through `editUndoably`, and the way to take it back. */
export interface UndoableEdit {
  /** The tags the edit changed. */
  readonly tags: readonly string[];
  /** Puts those tags back as they were; refuses (UndoConflictError) when they changed since. */
  undo(): Promise<void>;
}

/** The plan an edit started from, read under the store's lock, and the text it was read from. */
interface EditBase {
  plan: Plan;
  text: string;
}

/**
 * Applies an operation that may only change `affectedTags` (and may create or delete them), keeping
 * the text of those tag blocks as they were before, so the edit can be taken back byte for byte.
 * Resolves to undefined when the operation changed nothing.
 */
export async function editUndoably(store: PlanStore, operation: PlanOperation, options: { tag: string; affectedTags: string[] }): Promise<UndoableEdit | undefined> {
  const tags = [...new Set(options.affectedTags)];
  let base: EditBase | undefined;
  // What the edit started from is taken where the store applies it: the freshest file, under its lock.
  await store.edit((context) => {
    if (context.text === undefined) throw new Error('Internal error: an undoable edit was given no text to start from.');
    base = { plan: context.plan, text: context.text };
    return operation(context);
  }, options.tag);
  const before = base;
  const after = store.state;
  // Every store runs the operation or throws: a missing base would be a bug, not "nothing changed".
  if (!before) throw new Error('Internal error: the edit never ran its operation.');
  if (after.kind !== 'loaded') throw new Error('Internal error: the plan is gone right after an edit.');
  const written = blocksOf(after.plan, tags);
  if (tags.every((tag) => written.get(tag) === blockJson(before.plan, tag))) return undefined;
  return { tags, undo: () => store.edit(restoreBlocks(before, tags, written)).then(() => undefined) };
}

/**
 * Puts the tag blocks back as `before` had them, or removes the ones it did not have; refused when
 * any of them is no longer what the edit wrote (`written`), so newer work is never overwritten.
 */
function restoreBlocks(before: EditBase, tags: string[], written: Map<string, string | undefined>): PlanOperation {
  return (context) => {
    const { plan } = context;
    const changed = tags.filter((tag) => blockJson(plan, tag) !== written.get(tag));
    if (changed.length > 0) {
      throw new UndoConflictError(
        `Cannot undo: tasks.json changed in tag ${changed.map((tag) => `"${tag}"`).join(', ')} since, and undoing would overwrite that. Nothing was changed.`,
      );
    }
    const existed = (tag: string) => blockJson(before.plan, tag) !== undefined;
    const gone = tags.filter((tag) => existed(tag) && blockJson(plan, tag) === undefined);
    if (gone.length > 0) return [reinsertTags(before, plan, tags)];
    return tags.flatMap((tag): JsonEdit[] => {
      if (existed(tag)) return restoreTag(new VerbatimJson(before.plan.format === 'legacy' ? [] : [tag], before.text))({ ...context, tag });
      return blockJson(plan, tag) === undefined ? [] : [{ kind: 'remove', path: [tag] }];
    });
  };
}

/**
 * A deleted tag goes back to its place among the others: the whole top level is rewritten in the
 * order it had before, each block copied byte for byte (from before for the restored tags, from
 * the file as it is for the rest).
 */
function reinsertTags(before: EditBase, plan: Plan, tags: string[]): JsonEdit {
  const restored = new Set(tags);
  const current = Object.keys(plan.data).filter((key) => !restored.has(key) || blockJson(before.plan, key) !== undefined);
  const order = Object.keys(before.plan.data).filter((key) => current.includes(key) || restored.has(key));
  for (const key of current) if (!order.includes(key)) order.push(key);
  const value = Object.fromEntries(order.map((key) => [key, restored.has(key) ? new VerbatimJson([key], before.text) : new VerbatimJson([key])]));
  return { kind: 'set', path: [], value };
}

function blocksOf(plan: Plan, tags: string[]): Map<string, string | undefined> {
  return new Map(tags.map((tag) => [tag, blockJson(plan, tag)]));
}

/** A tag's whole block as JSON (undefined: no such tag); a flat file is one block, "master". */
function blockJson(plan: Plan, tag: string): string | undefined {
  if (plan.format === 'legacy') return tag === DEFAULT_TAG ? JSON.stringify(plan.data) : undefined;
  return Object.hasOwn(plan.data, tag) ? JSON.stringify(plan.data[tag]) : undefined;
}
