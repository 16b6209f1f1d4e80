/**
 * Removing tasks from the board with an Undo, made as the AI changes make theirs (AiService's
 * `writeUndoably` and `undoLastChange`): tasks.json is backed up before the removal, and Undo puts
 * the tag's block back from that backup with `restoreTag`, byte for byte; other tags are not
 * touched. Undo is refused once the tag has changed since the removal, since putting the block back
 * would silently lose that change. No `vscode`: the panel asks and reports, this does the work.
 */
import { readFile } from 'node:fs/promises';
import { OperationError, restoreTag, VerbatimJson, type PlanOperation } from '../core/operations';
import { readPlan, type Plan } from '../core/plan';
import { removeTasks } from '../core/taskStructure';
import { decodeUtf8, parseJson } from '../store/jsonText';
import type { TaskStore } from '../store/taskStore';

/** A removal that Undo can take back. */
export interface BoardRemoval {
  tag: string;
  ids: string[];
  /** The copy of tasks.json made just before the removal. */
  backupFile: string;
  /** The tag's block as the removal left it (JSON of the parsed value): Undo applies only while it still reads so. */
  blockAfter: string;
}

/** Where a tag's block is: the whole file in a flat (legacy) tasks.json. */
function blockPath(plan: Plan, tag: string): string[] {
  return plan.format === 'legacy' ? [] : [tag];
}

function blockOf(plan: Plan, tag: string): string | undefined {
  const block = plan.format === 'legacy' ? plan.data : (plan.data as Record<string, unknown>)[tag];
  return block === undefined ? undefined : JSON.stringify(block);
}

/** Removes the tasks (`task-master remove-task`) after a backup, and says what Undo needs. */
export async function removeTasksUndoably(store: TaskStore, tag: string, ids: string[]): Promise<BoardRemoval> {
  const backupFile = await store.backup(tag);
  await store.edit(removeTasks(ids), tag);
  // The store holds the text this edit wrote (it is in the file now, under no one else's change yet).
  const state = store.state;
  const blockAfter = state.kind === 'loaded' ? blockOf(state.plan, tag) : undefined;
  if (blockAfter === undefined) throw new Error(`Internal error: tag "${tag}" cannot be read after the removal.`);
  return { tag, ids, backupFile, blockAfter };
}

/** Puts the tag back as it was before the removal, or refuses, writing nothing, when it has changed since. */
export async function undoRemoval(store: TaskStore, removal: BoardRemoval): Promise<void> {
  const { tag, backupFile } = removal;
  const backupText = decodeUtf8(await readFile(backupFile));
  const backup = readPlan(parseJson(backupText));
  if (blockOf(backup, tag) === undefined) throw new OperationError(`The backup ${backupFile} has no tag "${tag}"; nothing was restored.`, 'invalid');
  const restore = restoreTag(new VerbatimJson(blockPath(backup, tag), backupText));
  const unlessChanged: PlanOperation = (context) => {
    if (blockOf(context.plan, tag) !== removal.blockAfter) {
      throw new OperationError(
        `Tag "${tag}" has changed since ${describeIds(removal.ids)} was removed, so Undo would lose that change: nothing was restored. The plan before the removal is in ${backupFile}.`,
        'invalid',
      );
    }
    return restore(context);
  };
  await store.edit(unlessChanged, tag);
}

function describeIds(ids: string[]): string {
  return ids.length === 1 ? `task ${ids[0]}` : `tasks ${ids.join(', ')}`;
}
