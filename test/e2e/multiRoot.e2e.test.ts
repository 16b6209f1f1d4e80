/**
 * End-to-end: a multi-root workspace of two projects with plans, in a real VS Code (code-server).
 * The status bar items follow the folder of the active editor, not the first folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyDemo, stagedSuite, tml, vscodeSession } from './stagedExtension';
import { eventually, openFile, statusBarTexts } from './vscodeHarness';

const NEXT_ITEM = 'taskmaster-local.taskmaster-local.taskmasterLocal.next';

describe('A multi-root workspace in a real VS Code (code-server)', function () {
  this.timeout(60_000);
  const staged = stagedSuite('multiroot');
  let first = '';
  let second = '';
  let secondNext = '';

  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => {
      first = copyDemo(staged.scratch());
      second = copyDemo(staged.scratch());
      // Finish the second folder's next task there, so the two folders' next tasks differ.
      const firstNext = (tml(first, 'next') as { id: string }).id;
      tml(second, 'set-status', firstNext, 'done');
      secondNext = (tml(second, 'next') as { id: string }).id;
      assert.notEqual(secondNext, firstNext, 'the two folders need different next tasks');
      fs.writeFileSync(path.join(first, 'alpha-notes.md'), '# Alpha\n');
      fs.writeFileSync(path.join(second, 'beta-notes.md'), '# Beta\n');
      const workspaceFile = path.join(staged.scratch(), 'two.code-workspace');
      fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: first }, { path: second }] }));
      return { workspace: workspaceFile };
    },
  );

  const nextItemText = async () => (await statusBarTexts(vs.page())).find((item) => item.id === NEXT_ITEM)?.text;

  it('shows the next task of the folder whose file is open, and switches back with the editor', async () => {
    const firstNext = (tml(first, 'next') as { id: string }).id;
    await openFile(vs.page(), 'beta-notes.md');
    await eventually(`the next-task item to name ${secondNext} (the second folder's)`, async () => (await nextItemText())?.includes(` ${secondNext} `) || undefined, 15_000);
    await openFile(vs.page(), 'alpha-notes.md');
    await eventually(`the next-task item to name ${firstNext} (the first folder's)`, async () => (await nextItemText())?.includes(` ${firstNext} `) || undefined, 15_000);
  });
});
