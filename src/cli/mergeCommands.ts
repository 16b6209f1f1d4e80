import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../store/atomicWrite';
import { decodeUtf8 } from '../store/jsonText';
import { installMergeDriver } from '../store/mergeDriverSetup';
import { applyConflictResolution, describeSides, prepareConflictResolution } from '../store/planConflict';
import { describeMergeNote, mergePlanTexts } from '../store/planMergeText';
import type { TaskStore } from '../store/taskStore';
import { UsageError } from './commandLine';

type Output = (line: string) => void;

export const MERGE_COMMANDS = ['merge-driver', 'init-merge', 'resolve-conflict'] as const;
export type MergeCommand = (typeof MERGE_COMMANDS)[number];

export function isMergeCommand(command: string): command is MergeCommand {
  return (MERGE_COMMANDS as readonly string[]).includes(command);
}

/** `tml merge-driver`, `tml init-merge` and `tml resolve-conflict`: plans on branches that merge. */
export async function runMergeCommand(command: MergeCommand, args: string[], json: boolean, store: TaskStore, out: Output, err: Output): Promise<number> {
  const print = (value: unknown, text: () => string) => out(json ? JSON.stringify(value, null, 2) : text());
  switch (command) {
    case 'merge-driver':
      return mergeDriver(args, err);
    case 'init-merge': {
      // This very tml, by absolute paths: git runs drivers from any folder, with whatever PATH it has.
      const setup = await installMergeDriver(store.location, [process.execPath, path.resolve(process.argv[1])]);
      print(setup, () =>
        [
          setup.attributesAdded ? `Added the tasks.json entry to ${setup.attributesFile}.` : `${setup.attributesFile} already has the tasks.json entry.`,
          setup.configChanged ? `git now merges tasks.json with: ${setup.driver}` : `git already merges tasks.json with: ${setup.driver}`,
          'Commit .gitattributes so that every clone names the driver; each clone runs tml init-merge once to install it.',
        ].join('\n'),
      );
      return 0;
    }
    case 'resolve-conflict': {
      const resolution = await prepareConflictResolution(store.location, new Date());
      const backup = await applyConflictResolution(store, resolution);
      print({ file: resolution.file, backup, sides: resolution.source, notes: resolution.notes }, () =>
        [
          `Resolved the merge conflict in ${resolution.file} by tag and task id (${describeSides(resolution.source)}).`,
          ...resolution.notes.map((note) => `note: ${describeMergeNote(note)}`),
          `The conflicted file is kept in ${backup}.`,
        ].join('\n'),
      );
      return 0;
    }
  }
}

/**
 * git's merge driver (`%O %A %B %P`): merges base, ours and theirs into ours' file and exits 0,
 * telling on stderr what it decided. When it cannot (a side is not a plan) it leaves ours' file
 * with git's own line-by-line result and conflict markers, and exits 1: git then reports a conflict.
 */
async function mergeDriver(args: string[], err: Output): Promise<number> {
  if (args.length < 3) throw new UsageError('missing arguments. Usage (in git config): tml merge-driver %O %A %B %P');
  const [baseFile, oursFile, theirsFile, shownPath = oursFile] = args;
  const read = async (file: string) => decodeUtf8(await fs.readFile(file));
  try {
    const [base, ours, theirs] = await Promise.all([read(baseFile), read(oursFile), read(theirsFile)]);
    const merged = mergePlanTexts({ base, ours, theirs }, new Date());
    await writeFileAtomic(oursFile, merged.text);
    for (const note of merged.notes) err(`tml merge-driver: ${shownPath}: ${describeMergeNote(note)}`);
    return 0;
  } catch (error) {
    err(`tml merge-driver: ${shownPath}: ${(error as Error).message}. Left as a line-by-line conflict: fix it by hand.`);
    await promisify(execFile)('git', ['merge-file', '-L', 'ours', '-L', 'base', '-L', 'theirs', oursFile, baseFile, theirsFile]).catch(() => undefined);
    return 1;
  }
}
