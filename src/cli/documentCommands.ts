import * as path from 'node:path';
import { parseStatus } from '../core/operations';
import { syncReadme, TASK_FILES_DIR, writeTaskFiles } from '../store/taskFileWriter';
import type { TaskStore } from '../store/taskStore';
import { loadTag, type ParityOptions, type Print } from './parityCommands';

/** `generate` and `sync-readme`: the plan written out as markdown, with task-master's command lines. */
export async function runDocumentCommand(command: 'generate' | 'sync-readme', options: ParityOptions, store: TaskStore, print: Print): Promise<number> {
  const tag = await loadTag(store, options.tag);
  const root = store.location.root;
  if (command === 'generate') {
    // Like task-master, --output is relative to the project, not to the current folder.
    const result = await writeTaskFiles(tag, path.resolve(root, options.output ?? TASK_FILES_DIR));
    print({ success: true, ...result }, () =>
      result.count === 0
        ? `Tag ${tag.name} has no tasks: no task files written.`
        : `Generated ${result.count} task file(s) in ${result.directory}${result.orphanedFilesRemoved ? `; removed ${result.orphanedFilesRemoved} of tasks no longer in tag ${tag.name}` : ''}.`,
    );
    return 0;
  }
  const statuses = options.status?.split(',').map((status) => parseStatus(status.trim()));
  const file = await syncReadme(root, tag, { withSubtasks: options.withSubtasks === true, statuses, now: new Date() });
  print({ success: true, file }, () => `Synced the tasks of tag ${tag.name} to ${file}.`);
  return 0;
}
