/**
 * End-to-end: the Tasks tree as a new user meets it (issue 14) in a real VS Code (code-server, see
 * vscodeHarness.ts) with the packaged extension, on a copy of demo/: Switch Tag reorders and expands,
 * a click opens the task to read, Hide Done, Reveal Next Task, blocked rows, the filter in the
 * view's title, pickers with open work first, Open in Board. Needs a current build (node esbuild.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { RawTask } from '../../src/core/task';
import { boardFrame, copyDemo, readTasks, stagedSuite, tml, vscodeSession } from './stagedExtension';
import { clickNotificationButton, eventually, markdownPreview, openViewContainer, pickQuickPickItem, runCommand, runCommandAndPick, waitForRows, waitForSelectedRow } from './vscodeHarness';

describe('The Tasks tree as a new user meets it (code-server)', function () {
  this.timeout(90_000);
  const staged = stagedSuite('tree-feel');
  const vs = vscodeSession(
    () => staged.packaged().extensionDir,
    () => ({ workspace: copyDemo(staged.scratch()) }),
  );
  const task = (id: number) => readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.id === id)!;

  before(async function () {
    this.timeout(60_000);
    await openViewContainer(vs.page(), 'Taskmaster');
    await waitForRows(vs.page(), 'the master tasks', (rows) => rows.some((row) => row.startsWith('13 ')), 30_000);
    await eventually('the view to finish loading', async () => ((await vs.page().locator('.part.sidebar .monaco-progress-container.active').count()) === 0 ? true : undefined), 30_000);
  });

  it('after Switch Tag shows the new current tag first and expanded, the old one collapsed below', async () => {
    for (const [tag, other] of [['homelab-ollama', 'master'], ['master', 'homelab-ollama']]) {
      await runCommand(vs.page(), 'Taskmaster: Switch Tag…');
      await pickQuickPickItem(vs.page(), { placeholder: 'Switch to which tag?', label: tag });
      const first = readTasks(vs.workspace())[tag].tasks[0];
      const rows = await waitForRows(vs.page(), `"${tag}" first, expanded, "${other}" collapsed`, (shown) =>
        shown[0]?.startsWith(`${tag} `) && shown[0].endsWith('current tag') && shown[1]?.startsWith(`${first.id} ${first.title}`) && shown.some((row) => row.startsWith(`${other} `)),
      );
      const otherRow = vs.page().locator(`.part.sidebar .monaco-list-row[aria-label^="${other} "]`);
      assert.equal(await otherRow.getAttribute('aria-expanded'), 'false', `"${other}" is collapsed: ${rows.join(' | ')}`);
      assert.equal(rows[rows.length - 1].startsWith(`${other} `), true, 'the other tag is the last row');
    }
  });

  it('marks blocked tasks with what they wait on, and highlights the next task', async () => {
    const rows = await waitForRows(vs.page(), 'task 8 blocked by 4', (shown) => shown.some((row) => row.startsWith('8 ')));
    assert.ok(rows.includes(`8 ${task(8).title}, pending · high · blocked by 4`), rows.join('\n'));
    assert.ok(rows.includes(`7 ${task(7).title}, pending · medium`), 'task 7 waits on done work only: not blocked');
    const next = tml(vs.workspace(), 'next') as RawTask;
    const nextRow = vs.page().locator(`.part.sidebar .monaco-list-row[aria-label^="${next.id} "]`);
    assert.equal(await nextRow.locator('.label-name .highlight').count(), 1, 'the next task\'s label is highlighted');
  });

  it('opens a task to read when its row is clicked, and Show Task opens the same view', async () => {
    await vs.page().locator(`.part.sidebar .monaco-list-row[aria-label^="8 "] .label-name`).click();
    const preview = await markdownPreview(vs.page(), 'Task 8.md', `8 ${task(8).title}`);
    const expected = [`8 ${task(8).title}`, 'Status: pending', 'Priority: high', 'Blocked: waits on 4', 'Dependencies', `4 ${task(4).title} (in-progress)`, task(8).description ?? ''];
    assert.deepEqual(expected.filter((text) => !preview.includes(text)), [], `the view shows every field:\n${preview}`);

    await runCommandAndPick(vs.page(), 'Taskmaster: Show Task', { placeholder: 'Show which task?', filter: task(4).title, label: `4 ${task(4).title}` });
    const four = await markdownPreview(vs.page(), 'Task 4.md', `4 ${task(4).title}`);
    assert.ok(four.includes('Subtasks (1/3 done)'), four);
    // The view shows one task at a time: the previous task's tab goes (VS Code closes it a moment later).
    await eventually('the tab of task 8 to close', async () => ((await vs.page().locator('.tab[aria-label*="Task 8.md"]').count()) === 0 ? true : undefined));
  });

  it('hides done tasks with one click, the title bar showing the state, and shows them again', async () => {
    const doneRow = `1 ${task(1).title}`;
    await waitForRows(vs.page(), 'done task 1', (rows) => rows.some((row) => row.startsWith(doneRow)));
    await titleAction(vs.page(), 'Hide Done Tasks');
    await waitForRows(vs.page(), 'no done task', (rows) => rows.some((row) => row.startsWith('7 ')) && !rows.some((row) => /, done( ·|$)/.test(row)));
    await titleAction(vs.page(), 'Show Done Tasks');
    await waitForRows(vs.page(), 'done task 1 back', (rows) => rows.some((row) => row.startsWith(doneRow)));
    await vs.page().locator('.part.sidebar .title-actions .action-label[aria-label^="Hide Done Tasks"]').waitFor({ state: 'visible', timeout: 5000 });
  });

  it('reveals and selects the next task from the title bar, even when the tree is collapsed', async () => {
    const next = tml(vs.workspace(), 'next') as RawTask;
    await titleAction(vs.page(), 'Collapse All');
    await waitForRows(vs.page(), 'the tree collapsed', (rows) => !rows.some((row) => row.startsWith(`${next.id} `)));
    await titleAction(vs.page(), 'Reveal Next Task');
    await waitForSelectedRow(vs.page(), `${next.id} `, 10_000);
  });

  it('shows an active filter above the rows until Clear Filter', async () => {
    await runCommand(vs.page(), 'Taskmaster: Filter Tasks…');
    await pickQuickPickItem(vs.page(), { placeholder: 'Show tasks with these statuses (none picked: all)', label: 'review' });
    await vs.page().keyboard.press('Enter');
    const input = vs.page().locator('.quick-input-widget input.input');
    await eventually('the text filter box', async () => ((await input.inputValue()).startsWith('>') || !(await input.isVisible()) ? undefined : true));
    await input.fill('grey-area');
    await vs.page().keyboard.press('Enter');
    const message = vs.page().locator('.part.sidebar .tree-explorer-viewlet-tree-view > .message:not(.hide)');
    await eventually('the filter above the rows', async () => ((await message.innerText().catch(() => '')).includes('Filtered (status: review · text: "grey-area")') ? true : undefined));
    await waitForRows(vs.page(), 'only task 6', (rows) => rows.filter((row) => /^\d+ /.test(row)).every((row) => row.startsWith('6 ')));
    await titleAction(vs.page(), 'Clear Filter');
    await message.waitFor({ state: 'hidden', timeout: 5000 });
    await waitForRows(vs.page(), 'every task again', (rows) => rows.some((row) => row.startsWith('7 ')));
  });

  it('offers work in progress first and done tasks last in the task pickers', async () => {
    await runCommand(vs.page(), 'Taskmaster: Set Status…');
    const input = vs.page().locator('.quick-input-widget input.input');
    await eventually('the task picker', async () => ((await input.getAttribute('placeholder')) === 'Set the status of which task?' ? true : undefined));
    const labels = await vs.page().$$eval('.quick-input-list .monaco-list-row .label-name', (names) => names.map((name) => (name.textContent ?? '').trim()));
    await vs.page().keyboard.press('Escape');
    assert.equal(labels[0], `4 ${task(4).title}`, `in-progress task 4 first: ${labels.join(' | ')}`);
    // Only the first rows are rendered: none of them is a done task (file order would start with three).
    const done = readTasks(vs.workspace()).master.tasks.filter((candidate) => candidate.status === 'done').map((candidate) => `${candidate.id} ${candidate.title}`);
    assert.deepEqual(labels.filter((label) => done.includes(label)), [], `no done task among the first rows: ${labels.join(' | ')}`);
  });

  it('opens the board from a task\'s context menu', async () => {
    const row = vs.page().locator(`.part.sidebar .monaco-list-row[aria-label^="7 "]`);
    const entry = vs.page().locator('.context-view .monaco-menu .action-label', { hasText: /^\s*Open in Board\s*$/ }).first();
    await row.click({ button: 'right' });
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    // The menu ignores a click that comes right after it opened (the right button's release): click until it closes.
    await eventually('"Open in Board" to run', async () => {
      if (await entry.isVisible()) await entry.click({ timeout: 2000 }).catch(() => undefined);
      return (await entry.isVisible()) ? undefined : true;
    });
    await boardFrame(vs.page()).locator('[data-task-id="7"]').first().waitFor({ state: 'visible', timeout: 20_000 });
  });

  it('shows a long list a page at a time, with Show More, Show All, and a reveal that shows the page holding its task', async () => {
    const settingsFile = path.join(vs.workspace(), '.vscode', 'settings.json');
    const setPageSize = (size: number) => {
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'taskmaster.tree.pageSize': size }));
    };
    const master = readTasks(vs.workspace()).master.tasks;
    const rowOf = (index: number) => `${master[index].id} ${master[index].title}`;
    /** The Show More row's label; it names the next task when the rows not shown hold it. (Runs `tml next`: not for a polled predicate.) */
    const moreLabel = (step: number, shown: number, total = master.length) => {
      const next = tml(vs.workspace(), 'next') as RawTask;
      const nextIndex = readTasks(vs.workspace()).master.tasks.findIndex((candidate) => String(candidate.id) === String(next.id).split('.')[0]);
      return `Show ${step} More, ${shown} of ${total} tasks shown${nextIndex >= shown ? `, next task ${next.id} among the rest` : ''}`;
    };
    const noMoreRow = (rows: string[]) => !rows.some((row) => /^Show [\d,]+ More, [\d,]+ of [\d,]+ tasks shown/.test(row));
    const moreRow = (label: string) => vs.page().locator(`.part.sidebar .monaco-list-row[aria-label^="${label}"]`).first();
    try {
      setPageSize(5);
      const [firstPage, secondPage, smallerPage] = [moreLabel(5, 5), moreLabel(3, 10), moreLabel(4, 4)];
      await waitForRows(vs.page(), 'the first 5 master tasks, then Show More', (rows) =>
        rows.some((row) => row.startsWith(rowOf(4))) && !rows.some((row) => row.startsWith(rowOf(5))) && rows.includes(firstPage), 20_000);
      await moreRow('Show 5 More').click();
      await waitForRows(vs.page(), 'the next page', (rows) =>
        rows.some((row) => row.startsWith(rowOf(9))) && !rows.some((row) => row.startsWith(rowOf(10))) && rows.includes(secondPage));
      const focused = vs.page().locator('.part.sidebar .monaco-list-row.focused');
      await eventually('the focus on the first row shown', async () => ((await focused.getAttribute('aria-label').catch(() => null))?.startsWith(rowOf(5)) ? true : undefined));

      const last = master[master.length - 1];
      await runCommandAndPick(vs.page(), 'Taskmaster: Show Task', { placeholder: 'Show which task?', filter: last.title, label: `${last.id} ${last.title}` });
      await waitForSelectedRow(vs.page(), `${last.id} `);
      await waitForRows(vs.page(), 'every master task, no Show More', noMoreRow);

      setPageSize(4);
      await waitForRows(vs.page(), 'the first page again under the new size', (rows) => rows.includes(smallerPage) && !rows.some((row) => row.startsWith(rowOf(4))), 20_000);

      // A task added goes last in its list, past Show More: its message opens it and leads to its row.
      const title = 'Added past the page';
      await runCommand(vs.page(), 'Taskmaster: Add Task…');
      for (const [step, text] of [['1/4', title], ['2/4', ''], ['3/4', ''], ['4/4', '']]) {
        await eventually(`Add Task's step ${step}`, async () => ((await vs.page().locator('.quick-input-widget .quick-input-title').innerText().catch(() => '')).startsWith(`New task (${step})`) ? true : undefined), 20_000);
        // A layer can lie over the input for a moment as the step opens (a run here found it "inert"): type until it holds the text.
        const input = vs.page().locator('.quick-input-widget input.input');
        let lastTry = '';
        const typed = async () => {
          // Playwright says why a fill failed ("not visible", "inert") in its call log, after the first line.
          const value = await input.fill(text, { timeout: 2000 }).then(() => input.inputValue(), (error: Error) => {
            lastTry = error.message.split('\n').filter((line) => /^\s+-/.test(line)).slice(-2).join(' ') || error.message.split('\n')[0];
            return undefined;
          });
          if (value !== undefined) lastTry = `the input held "${value}"`;
          return value === text;
        };
        if (text) await eventually(`"${text}" typed at step ${step}`, async () => ((await typed()) ? true : undefined)).catch((error: Error) => {
          throw new Error(`${error.message}; the last try: ${lastTry}`);
        });
        await vs.page().keyboard.press('Enter');
      }
      const added = await eventually('the task in tasks.json', async () => readTasks(vs.workspace()).master.tasks.find((candidate) => candidate.title === title), 20_000);
      await clickNotificationButton(vs.page(), new RegExp(`^\\s*Added task ${added.id}: ${title}`), 'Show Task', 20_000);
      await markdownPreview(vs.page(), `Task ${added.id}.md`, `${added.id} ${title}`);
      await waitForSelectedRow(vs.page(), `${added.id} ${title}`);

      setPageSize(3);
      // Task 4 holds the next task here (4.2): past a page of three, the row says so.
      const third = moreLabel(3, 3, master.length + 1);
      assert.match(third, /next task \S+ among the rest$/);
      await waitForRows(vs.page(), 'a page of three, and the next task past it named', (rows) => rows.includes(third), 20_000);
      await moreRow('Show 3 More').hover();
      await moreRow('Show 3 More').locator('.actions .action-label[aria-label="Show All"]').click({ timeout: 10_000 });
      await waitForRows(vs.page(), 'every master task after Show All', (rows) => rows.some((row) => row.startsWith(`${added.id} ${title}`)) && noMoreRow(rows));
    } finally {
      fs.rmSync(settingsFile, { force: true });
    }
  });
});

/** Runs an action of the view's title bar (its icon, or the "…" menu when it is not shown as one). */
async function titleAction(page: Page, title: string): Promise<void> {
  const icon = page.locator(`.part.sidebar .title-actions .action-label[aria-label^="${title}"]`).first();
  await icon.click({ timeout: 10_000 });
}
