/**
 * The board webview in headless Chromium, without VS Code: a local page loads the built
 * media/board.js and media/board.css under the panel's kind of CSP, with a stand-in
 * `acquireVsCodeApi` that records what the board posts. Tests send it protocol messages and check
 * the DOM and the posted messages. Needs a current build (node esbuild.mjs).
 *
 * TML_BOARD_SCREENSHOTS=1 saves light and dark screenshots of each view in test-results/board-webview/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExtensionMessage, WebviewMessage } from '../../src/board/protocol';
import { diffBoardStates } from '../../src/board/boardDiff';
import { boardTask, cards, DEMO_PROJECT_URI, planState, type CardSpec, type PlanState } from '../support/boardStateBuilder';
import { CHROMIUM_ARGS } from '../e2e/vscodeHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const MEDIA = path.join(ROOT, 'media');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'board-webview');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core's impacts that fail the check; minor and moderate findings are left to judgement. */
const FAILING_IMPACTS = ['serious', 'critical'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

// Plausible Dark+ and Light+ values for the variables the board reads; VS Code injects the real ones.
const THEMES = {
  dark: {
    'editor-background': '#1e1e1e', foreground: '#cccccc', descriptionForeground: '#9d9d9d', 'sideBar-background': '#252526',
    'widget-border': '#454545', 'panel-border': '#80808059', focusBorder: '#007fd4', 'button-background': '#0e639c', 'button-foreground': '#ffffff',
    'button-hoverBackground': '#1177bb', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#45494e',
    'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'input-placeholderForeground': '#a6a6a6', 'dropdown-background': '#3c3c3c', 'dropdown-foreground': '#f0f0f0',
    'dropdown-border': '#3c3c3c', 'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff', 'list-hoverBackground': '#2a2d2e', 'list-dropBackground': '#383b3d',
    'charts-foreground': '#cccccc', 'charts-lines': '#cccccc80', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#cca700', 'charts-orange': '#d18616',
    'charts-green': '#89d185', 'charts-purple': '#b180d7', errorForeground: '#f48771', 'textLink-foreground': '#3794ff', 'textCodeBlock-background': '#0a0a0a66',
    'textPreformat-foreground': '#d7ba7d', 'textBlockQuote-background': '#222222', 'textBlockQuote-border': '#007acc80', 'inputValidation-errorBackground': '#5a1d1d',
    'inputValidation-errorBorder': '#be1100', 'inputValidation-infoBackground': '#063b49', 'inputValidation-infoBorder': '#007acc', 'widget-shadow': '#0000005c',
    'editorGroupHeader-tabsBackground': '#252526', 'panelTitle-activeForeground': '#e7e7e7', 'panelTitle-inactiveForeground': '#e7e7e799', 'panelTitle-activeBorder': '#e7e7e7',
    'menu-background': '#252526', 'menu-foreground': '#cccccc', 'menu-selectionBackground': '#04395e', 'menu-selectionForeground': '#ffffff', 'progressBar-background': '#0e70c0',
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
  },
  light: {
    'editor-background': '#ffffff', foreground: '#616161', descriptionForeground: '#717171', 'sideBar-background': '#f3f3f3',
    'widget-border': '#d4d4d4', 'panel-border': '#80808059', focusBorder: '#0090f1', 'button-background': '#007acc', 'button-foreground': '#ffffff',
    'button-hoverBackground': '#0062a3', 'button-secondaryBackground': '#5f6a79', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#4c5561',
    'input-background': '#ffffff', 'input-foreground': '#616161', 'input-border': '#cecece', 'input-placeholderForeground': '#767676', 'dropdown-background': '#ffffff',
    'dropdown-foreground': '#616161', 'dropdown-border': '#cecece', 'badge-background': '#c4c4c4', 'badge-foreground': '#333333', 'list-hoverBackground': '#e8e8e8',
    'list-dropBackground': '#d6ebff', 'charts-foreground': '#616161', 'charts-lines': '#61616180', 'charts-red': '#e51400', 'charts-blue': '#1a85ff', 'charts-yellow': '#bf8803',
    'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90', errorForeground: '#a1260d', 'textLink-foreground': '#006ab1',
    'textCodeBlock-background': '#dcdcdc66', 'textPreformat-foreground': '#a31515', 'textBlockQuote-background': '#f2f2f2', 'textBlockQuote-border': '#007acc80',
    'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'inputValidation-infoBackground': '#d6ecf2', 'inputValidation-infoBorder': '#007acc',
    'widget-shadow': '#00000029', 'editorGroupHeader-tabsBackground': '#f3f3f3', 'panelTitle-activeForeground': '#424242', 'panelTitle-inactiveForeground': '#424242bf',
    'panelTitle-activeBorder': '#424242', 'menu-background': '#ffffff', 'menu-foreground': '#616161', 'menu-selectionBackground': '#0060c0', 'menu-selectionForeground': '#ffffff',
    'progressBar-background': '#0e70c0', 'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
  },
};
type Theme = keyof typeof THEMES;

/** The page: the panel's CSP (scripts by nonce, the stylesheets as files), the API stand-in, #app. */
function writePage(dir: string, theme: Theme): string {
  const themeCss = path.join(dir, `theme-${theme}.css`);
  const variables = Object.entries(THEMES[theme]).map(([name, value]) => `--vscode-${name}: ${value};`);
  fs.writeFileSync(themeCss, `html { ${variables.join(' ')} }\n`);
  const page = path.join(dir, `board-${theme}.html`);
  const url = (file: string) => `file://${file}`;
  fs.writeFileSync(
    page,
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Taskmaster Board</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src file:; script-src 'nonce-board'; img-src file:">
<link rel="stylesheet" href="${url(themeCss)}"><link rel="stylesheet" href="${url(path.join(MEDIA, 'board.css'))}">
</head><body class="vscode-${theme}">
<div id="app"></div>
<script nonce="board">
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => JSON.parse(sessionStorage.getItem('webviewState') ?? 'null') ?? undefined,
    setState: (state) => sessionStorage.setItem('webviewState', JSON.stringify(state)),
  });
</script>
<script nonce="board" src="${url(path.join(MEDIA, 'board.js'))}"></script>
</body></html>`,
  );
  return page;
}

/** id 5 waits on 3 and 4; 3 on 2; 2 and 4 on 1 (done). 4 is next. */
const SAMPLE_SPECS = [
  { id: 1, title: 'Set up the repository', status: 'done', priority: 'high', complexity: 2 },
  { id: 2, title: 'Define the schema', status: 'in-progress', priority: 'high', dependencies: [1], subtasksDone: 1, subtasksTotal: 3, complexity: 6 },
  { id: 3, title: 'Build the API', dependencies: [2], complexity: 8 },
  { id: 4, title: 'Write the docs', priority: 'low', dependencies: [1] },
  { id: 5, title: 'Ship the release', priority: 'critical', dependencies: [3, 4] },
  { id: 6, title: 'Review the design', status: 'review' },
] satisfies CardSpec[];
const SAMPLE = cards(...SAMPLE_SPECS);
const COMPLETION = Array.from({ length: 14 }, (_, day) => ({ day: `2025-03-${String(day + 1).padStart(2, '0')}`, done: (day * 7) % 4 }));
const sample = (): PlanState => planState(SAMPLE, { nextId: '4', completion: COMPLETION });
/** Where the sample's requests apply: the project and tag it shows. */
const AT = { projectUri: DEMO_PROJECT_URI, tag: 'master' };

describe('board webview (Chromium, no VS Code)', function () {
  this.timeout(30_000);
  let browser: Browser;
  let page: Page;
  let dir = '';
  const pages = {} as Record<Theme, string>;

  before(async () => {
    for (const file of ['board.js', 'board.css']) assert.ok(fs.existsSync(path.join(MEDIA, file)), `media/${file} is built (node esbuild.mjs)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-board-'));
    pages.dark = writePage(dir, 'dark');
    pages.light = writePage(dir, 'light');
    browser = await chromium.launch({ executablePath: process.env.TML_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`file://${pages.dark}`);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) });
    }
    const violations = await page.evaluate('window.__cspViolations');
    await page.close();
    assert.deepEqual(violations, [], 'nothing the CSP refuses');
  });

  /** Delivers a message the way VS Code does: a `message` event on the window, synchronously. */
  async function send(message: ExtensionMessage): Promise<void> {
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  }
  async function posted(): Promise<WebviewMessage[]> {
    return page.evaluate('window.__posted');
  }
  /** What was posted since the last call, `ready` aside. */
  async function takePosted(): Promise<WebviewMessage[]> {
    const messages = await posted();
    await page.evaluate('window.__posted = []');
    return messages.filter((message) => message.type !== 'ready');
  }
  /**
   * axe-core's rules on the page as it is now; the serious and critical findings, one line each.
   * axe goes in through the debugger (page.evaluate), which the page's CSP does not govern.
   */
  async function accessibilityFindings(where: string): Promise<string[]> {
    if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"], preload: false }).then((results) => results.violations)')) as AxeViolation[];
    return violations
      .filter((violation) => FAILING_IMPACTS.includes(violation.impact ?? ''))
      .map((violation) => `${where}: ${violation.id} (${violation.impact}) ${violation.help}: ${violation.nodes.slice(0, 4).map((node) => `${node.target.join(' ')} [${node.failureSummary?.replace(/\s+/g, ' ')}]`).join('; ')}`);
  }
  const card = (id: string) => page.locator(`[data-task-id="${id}"]`);
  const column = (status: string) => page.locator(`[data-column="${status}"]`);

  it('says ready, then draws a column per configured status with its cards, counts and badges', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    await send({ type: 'state', revision: 1, state: sample() });
    assert.deepEqual(await page.locator('[data-column]').evaluateAll((columns) => columns.map((c) => c.getAttribute('data-column'))), ['pending', 'in-progress', 'review', 'done', 'deferred']);
    assert.equal(await column('pending').locator('[role="listitem"]').count(), 3);
    assert.equal(await column('pending').locator('[data-column-count]').textContent(), '3');
    assert.equal(await column('done').locator('[data-task-id]').count(), 1);
    assert.equal(await column('pending').locator('[role="list"]').count(), 1);

    const five = card('5');
    assert.equal(await five.getAttribute('tabindex'), '0');
    assert.match((await five.getAttribute('aria-label')) ?? '', /^Task 5: Ship the release\. Status Pending\. Priority Critical\. Blocked by 2 tasks: 3, 4/);
    assert.match((await five.textContent()) ?? '', /Blocked by 2/);
    assert.match((await card('2').textContent()) ?? '', /1\/3 subtasks/);
    assert.match((await card('3').textContent()) ?? '', /Complexity 8/);
    assert.ok(await card('4').evaluate((el) => el.classList.contains('is-next')), 'the next task stands out');
    assert.match((await card('4').textContent()) ?? '', /Next/);
    assert.match((await page.locator('[data-next-task]').textContent()) ?? '', /Next: #4 Write the docs/);
    // A subtask that is next is named with the card it belongs to.
    await send({ type: 'state', revision: 1, state: planState(SAMPLE, { nextId: '2.2', completion: COMPLETION }) });
    assert.match((await page.locator('[data-next-task]').textContent()) ?? '', /Next: #2\.2, in #2 /);
    assert.equal(await page.locator('[data-next-task]').isDisabled(), false);
  });

  it('posts setStatus when a card is dragged to another column, and highlights the drop target', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('3').hover();
    await page.mouse.down();
    await column('review').hover();
    await column('review').hover({ position: { x: 40, y: 200 } });
    assert.ok(await column('review').evaluate((el) => el.classList.contains('is-drop-target')), 'the column under the card is highlighted');
    await page.mouse.up();
    assert.equal(await page.locator('.is-drop-target').count(), 0);
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '3', status: 'review' }]);
    await card('3').dragTo(column('done'));
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '3', status: 'done' }]);
    await card('3').dragTo(column('pending'));
    assert.deepEqual(await takePosted(), [], 'dropping on its own column changes nothing');
  });

  it('moves a card by keyboard: Ctrl+Arrow to the next column, M for the Move to menu, focus kept', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('3').focus();
    await page.keyboard.press('Control+ArrowRight');
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '3', status: 'in-progress' }]);
    await page.keyboard.press('Control+ArrowLeft');
    assert.deepEqual(await takePosted(), [], 'no column left of the first');

    // The extension answers with the new state: the card is in its new column and still focused.
    const moved = SAMPLE.map((c) => (c.id === '3' ? { ...c, status: 'in-progress' as const } : c));
    await send({ type: 'state', revision: 1, state: planState(moved, { nextId: '4' }) });
    assert.equal(await column('in-progress').locator('[data-task-id="3"]').count(), 1);
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3');

    await page.keyboard.press('m');
    await page.locator('[data-move-to="done"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '3', status: 'done' }]);
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'focus back on the card');
  });

  it('does not take the focus while in the background: a card rebuilt then gets it back when the board is focused again', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').focus();
    // VS Code has the focus elsewhere (a quick pick): the page's document is not the focused one.
    await page.evaluate('document.hasFocus = () => false; window.__focusCalls = 0; const focus = HTMLElement.prototype.focus; HTMLElement.prototype.focus = function (...args) { window.__focusCalls++; return focus.apply(this, args); }');
    const moved = SAMPLE.map((c) => (c.id === '3' ? { ...c, status: 'in-progress' as const } : c));
    await send({ type: 'state', revision: 2, state: planState(moved, { nextId: '4' }) });
    assert.equal(await column('in-progress').locator('[data-task-id="3"]').count(), 1);
    assert.equal(await page.evaluate('window.__focusCalls'), 0, 'no focus() while in the background');
    await page.evaluate('window.dispatchEvent(new FocusEvent("focus"))');
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'the card focused once the board is');
  });

  it('filters cards by text and priority, and keeps the filter across new states', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-filter-text]').fill('docs');
    assert.equal(await page.locator('[data-task-id]').count(), 1);
    assert.equal(await column('pending').locator('[data-column-count]').textContent(), '1 of 3');
    await page.locator('[data-filter-text]').fill('#5');
    assert.deepEqual(await page.locator('[data-task-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id'))), ['5']);
    await page.locator('[data-filter-text]').fill('');
    await page.locator('[data-filter-priority]').selectOption('high');
    assert.deepEqual((await page.locator('[data-task-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')))).sort(), ['1', '2']);
    await send({ type: 'state', revision: 1, state: sample() });
    assert.equal(await page.locator('[data-task-id]').count(), 2, 'a new state keeps the filter');
  });

  const chip = (tag: string) => page.locator(`[data-tag-chip="${tag}"]`);

  it('switches tag through the tag chips, by click or keyboard, the tag shown marked current', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    assert.equal(await chip('master').getAttribute('aria-current'), 'true');
    assert.equal(await chip('feature').getAttribute('aria-current'), null);
    await chip('master').click();
    assert.deepEqual(await takePosted(), [], 'the tag shown is no switch');
    await chip('feature').click();
    assert.deepEqual(await takePosted(), [{ type: 'switchTag', tag: 'feature' }]);
    await chip('feature').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [{ type: 'switchTag', tag: 'feature' }]);
  });

  it('moves a card to another tag when it is dropped on that tag\'s chip, and not on the tag shown', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('3').hover();
    await page.mouse.down();
    await chip('feature').hover();
    await chip('feature').hover({ position: { x: 4, y: 4 } });
    assert.ok(await chip('feature').evaluate((el) => el.classList.contains('is-drop-target')), 'the chip under the card is highlighted');
    await page.mouse.up();
    assert.equal(await page.locator('.is-drop-target').count(), 0);
    assert.deepEqual(await takePosted(), [{ type: 'moveToTag', ...AT, id: '3', toTag: 'feature' }]);
    await card('3').dragTo(chip('master'));
    assert.deepEqual(await takePosted(), []);
  });

  it('manages tags from a chip\'s menu and "+", by mouse or keyboard: no rename or delete on master', async () => {
    await send({ type: 'state', revision: 1, state: planState(SAMPLE, { nextId: '4', tags: ['master', 'feature', 'later'] }) });
    await takePosted();
    const actions = () => page.locator('[data-tag-menu] [data-tag-action]').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-tag-action')} ${item.textContent}`));

    await chip('later').click({ button: 'right' });
    assert.deepEqual(await actions(), ['rename Rename…', 'copy Copy…', 'delete Delete…']);
    await page.locator('[data-tag-action="rename"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'tagAction', ...AT, tag: 'later', action: 'rename' }], 'the chip\'s tag, not the one shown; no switch');
    assert.equal(await page.locator('[data-tag-menu]').isHidden(), true);

    await chip('master').focus();
    await page.keyboard.press('Shift+F10');
    assert.deepEqual(await actions(), ['copy Copy…'], 'master is never renamed or deleted');
    assert.equal(await page.evaluate('document.activeElement.dataset.tagAction'), 'copy', 'the menu takes the focus');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate('document.activeElement.dataset.tagChip'), 'master', 'Escape gives the focus back to the chip');

    await chip('feature').focus();
    await page.keyboard.press('ContextMenu');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [{ type: 'tagAction', ...AT, tag: 'feature', action: 'delete' }]);
    assert.equal(await page.evaluate('document.activeElement.dataset.tagChip'), 'feature', 'focus back on the chip');

    await chip('later').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.hasAttribute("data-add-tag")'), true, '"+" follows the last chip in the tab order');
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [{ type: 'tagAction', ...AT, action: 'add' }], 'added next to the tag shown');
  });

  it('moves a card to another tag and removes it from its menu', async () => {
    await send({ type: 'state', revision: 1, state: planState(SAMPLE, { nextId: '4', tags: ['master', 'feature', 'later'] }) });
    await takePosted();
    await card('3').focus();
    await page.keyboard.press('m');
    assert.deepEqual(await page.locator('[data-move-to-tag]').evaluateAll((items) => items.map((item) => item.textContent)), ['feature', 'later'], 'every tag but the one shown');
    await page.locator('[data-move-to-tag="later"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'moveToTag', ...AT, id: '3', toTag: 'later' }]);
    await page.keyboard.press('m');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate('document.activeElement.hasAttribute("data-remove-task")'), true, 'the keyboard reaches every item');
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [{ type: 'removeTask', ...AT, id: '3' }]);
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'focus back on the card');
  });

  it('moves a card to a position: dropped between two cards of its column it takes a free id between theirs; or from its menu', async () => {
    await send({ type: 'state', revision: 1, state: planState(cards({ id: 1 }, { id: 3 }, { id: 4 }, { id: 9 }, { id: 6, status: 'done' }), {}) });
    await takePosted();
    /** Drags a card onto the upper or lower edge of another. */
    const dropOn = async (id: string, target: string, half: 'upper' | 'lower') => {
      const box = await card(target).boundingBox();
      assert.ok(box, `card ${target} is shown`);
      await card(id).dragTo(card(target), { targetPosition: { x: box.width / 2, y: half === 'upper' ? 4 : box.height - 4 } });
    };

    await card('9').hover();
    await page.mouse.down();
    // Chromium sends dragover only for moves after the drag has started: move in steps.
    const three = (await card('3').boundingBox())!;
    await page.mouse.move(three.x + 20, three.y + 10, { steps: 4 });
    await page.mouse.move(three.x + 24, three.y + 6, { steps: 4 });
    assert.ok(await card('3').evaluate((el) => el.classList.contains('is-drop-before')), 'the card it would go before is marked');
    await page.mouse.up();
    assert.equal(await page.locator('.is-drop-before, .is-drop-after').count(), 0, 'the mark goes with the drop');
    assert.deepEqual(await takePosted(), [{ type: 'moveToPosition', ...AT, id: '9', to: '2' }], 'between 1 and 3: id 2');

    await dropOn('1', '9', 'lower');
    assert.deepEqual(await takePosted(), [{ type: 'moveToPosition', ...AT, id: '1', to: '10' }], 'after the last card: the id after it');
    await dropOn('9', '3', 'lower');
    assert.deepEqual(await takePosted(), [{ type: 'moveToPosition', ...AT, id: '9', to: '4' }], 'no free id between 3 and 4: 4, which the extension refuses as task-master does');
    await dropOn('3', '4', 'upper');
    assert.deepEqual(await takePosted(), [], 'dropped where it is: nothing to do');
    await dropOn('9', '6', 'upper');
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '9', status: 'done' }], 'on a card of another column: a status change, as before');

    await card('3').focus();
    await page.keyboard.press('m');
    await page.locator('[data-move-to-position]').click();
    assert.deepEqual(await takePosted(), [{ type: 'moveToPosition', ...AT, id: '3' }], 'the menu leaves the id to the extension, which asks');
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'focus back on the card');
  });

  it('opens a card in the editor and saves only the changed fields; an update keeps the edits', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('3').click();
    assert.deepEqual(await takePosted(), [{ type: 'openTask', ...AT, id: '3' }]);
    const three = SAMPLE.find((c) => c.id === '3')!;
    await send({ type: 'task', task: boardTask(three, { details: 'Use **REST**.', testStrategy: 'Call it.' }) });
    const editor = page.locator('[data-editor]');
    assert.ok(await editor.isVisible());
    assert.equal(await editor.locator('[data-field="title"]').inputValue(), 'Build the API');
    assert.equal(await editor.locator('[data-action="save"]').isDisabled(), true, 'nothing to save yet');

    await editor.locator('[data-field="title"]').fill('Build the REST API');
    await editor.locator('[data-field="priority"]').selectOption('high');
    // Meanwhile the file changes on disk: the description is new, the edited title stays the user's.
    await send({ type: 'task', task: boardTask({ ...three, description: 'Changed on disk' }, { details: 'Use **REST**.', testStrategy: 'Call it.' }) });
    assert.equal(await editor.locator('[data-field="title"]').inputValue(), 'Build the REST API');
    assert.equal(await editor.locator('[data-field="description"]').inputValue(), 'Changed on disk');

    await editor.locator('[data-action="save"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'saveTask', ...AT, id: '3', changes: { title: 'Build the REST API', priority: 'high' } }]);

    await editor.locator('[data-field="title"]').fill('');
    await editor.locator('[data-action="save"]').click();
    assert.deepEqual(await takePosted(), [], 'no save without a title');
    assert.ok(await page.locator('#title-error').isVisible());
  });

  it('sends each request to the project and tag it was made from, the editor\'s to its own task\'s', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    await send({ type: 'task', task: boardTask(SAMPLE[2]) });
    await page.locator('[data-field="title"]').fill('Build the REST API');
    await takePosted();
    // The board moves to another tag of another folder (the extension would also say the task is gone).
    const elsewhere = { projectUri: 'file:///work/other', tag: 'feature' };
    await send({ type: 'state', revision: 1, state: { ...planState(SAMPLE, { tag: 'feature' }), projectUri: elsewhere.projectUri } });
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-action="reveal"]').click();
    assert.deepEqual(await takePosted(), [
      { type: 'saveTask', ...AT, id: '3', changes: { title: 'Build the REST API' } },
      { type: 'revealInTree', ...AT, id: '3' },
    ]);
    await card('4').focus();
    await page.keyboard.press('Control+ArrowRight');
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...elsewhere, id: '4', status: 'in-progress' }], 'the board\'s own requests name what it shows now');
  });

  it('keeps unsaved edits when their task is gone, with Save off and a notice to copy them', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    await send({ type: 'task', task: boardTask(SAMPLE[2], { details: 'Old notes' }) });
    await page.locator('[data-field="title"]').fill('My careful rewrite');
    await takePosted();
    await send({ type: 'taskGone', id: '3', message: 'Task 3 is no longer in the plan: it was deleted meanwhile.' });
    const editor = page.locator('[data-editor]');
    assert.ok(await editor.isVisible(), 'the form stays');
    assert.equal(await page.locator('[data-field="title"]').inputValue(), 'My careful rewrite');
    assert.equal(await page.locator('[data-editor-gone]').textContent(), 'Task 3 is no longer in tag master. Your edits are still here: copy them before closing.');
    assert.ok(await page.locator('[data-action="save"]').isDisabled());
    await page.locator('[data-field="title"]').focus();
    await page.keyboard.press('Control+Enter');
    assert.deepEqual(await takePosted(), [], 'nothing saved to a task that is gone');

    await page.locator('[data-action="close"]').click();
    await page.locator('[data-action="discard"]').click();
    assert.ok(await editor.isHidden());
    // A clean editor closes at once.
    await card('5').click();
    await send({ type: 'task', task: boardTask(SAMPLE[4]) });
    await send({ type: 'taskGone', id: '5', message: 'Task 5 was deleted.' });
    assert.ok(await editor.isHidden());
  });

  it('sees no change where the form only holds the task\'s text differently', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    const three = { ...SAMPLE[2], title: 'Build\nthe API', description: 'Routes\r\nand errors' };
    await send({ type: 'task', task: boardTask(three, { details: '## Plan\r\n- a\r\n', testStrategy: 'Call it.\r\n' }) });
    const save = page.locator('[data-action="save"]');
    assert.ok(await save.isDisabled(), 'no phantom changes');
    assert.ok(await page.locator('.unsaved-note').isHidden());
    assert.equal(await page.locator('[data-field="title"]').inputValue(), 'Build the API');
    await takePosted();
    await page.locator('[data-toggle-preview="details"]').click();
    await page.locator('[data-field="details"]').fill('## Plan\n- a\n- b\n');
    await save.click();
    assert.deepEqual(await takePosted(), [{ type: 'saveTask', ...AT, id: '3', changes: { details: '## Plan\n- a\n- b\n' } }], 'only the real difference');
  });

  it('keeps the tag shown marked current when a switch is refused', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-tag-chip="feature"]').click();
    await send({ type: 'error', message: 'No tag "feature" in tasks.json. Tags: master.' });
    assert.equal(await page.locator('[data-tag-chip="master"]').getAttribute('aria-current'), 'true');
    assert.equal(await page.locator('[data-tag-chip="feature"]').getAttribute('aria-current'), null);
  });

  it('clears the dependency search on Escape without closing the editor', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('2').click();
    await send({ type: 'task', task: boardTask(SAMPLE[1]) });
    const search = page.locator('[data-dependency-search]');
    await search.fill('review');
    assert.equal(await page.locator('[data-add-dependency]').count(), 1);
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('[data-editor]').isVisible(), 'the editor stays open');
    assert.ok(await page.locator('[data-discard-bar]').isHidden());
    assert.equal(await search.inputValue(), '');
    assert.equal(await page.locator('[data-add-dependency]').count(), 0);
  });

  it('renders markdown details as elements and keeps HTML in them inert text', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    const details = [
      '# Plan',
      'Some **bold**, *italic* and `code`; see [the spec](javascript:alert(1)).',
      '',
      '- first',
      '  - nested',
      '- [x] checked',
      '',
      '1. one',
      '2. two',
      '',
      '```ts',
      'const a = "<b>";',
      '```',
      '<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>',
    ].join('\n');
    await send({ type: 'task', task: boardTask(SAMPLE[2], { details }) });
    const preview = page.locator('[data-preview="details"]');
    assert.equal(await preview.locator('h4').textContent(), 'Plan');
    assert.equal(await preview.locator('strong').textContent(), 'bold');
    assert.equal(await preview.locator('em').textContent(), 'italic');
    assert.equal(await preview.locator('p code').textContent(), 'code');
    assert.equal(await preview.locator(':scope > ul > li').count(), 2);
    assert.equal(await preview.locator('ul ul > li').textContent(), 'nested');
    assert.equal(await preview.locator('ol > li').count(), 2);
    assert.equal(await preview.locator('pre code').textContent(), 'const a = "<b>";');
    const link = preview.locator('.md-link');
    assert.equal(await link.textContent(), 'the spec');
    assert.equal(await link.evaluate((el) => el.tagName), 'SPAN', 'links never navigate');
    assert.equal(await page.locator('[data-editor] img, [data-editor] script').count(), 0);
    assert.match((await preview.textContent()) ?? '', /<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2<\/script>/);
    assert.equal(await page.evaluate('window.__pwned'), undefined);

    await page.locator('[data-toggle-preview="details"]').click();
    assert.equal(await page.locator('[data-field="details"]').inputValue(), details);
  });

  it('picks dependencies from the plan, refusing cycles, and saves them with the fields in one message', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('2').click();
    await send({ type: 'task', task: boardTask(SAMPLE[1]) });
    await takePosted();
    const search = page.locator('[data-dependency-search]');
    await search.fill('Ship');
    assert.ok(await page.locator('[data-add-dependency="5"]').isDisabled(), '5 waits on 2 (through 3): a cycle');
    await search.fill('review');
    await page.locator('[data-add-dependency="6"]').click();
    await page.locator('[data-remove-dependency="1"]').click();
    await page.locator('[data-field="priority"]').selectOption('critical');
    await page.locator('[data-action="save"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'saveTask', ...AT, id: '2', changes: { priority: 'critical' }, dependencies: ['6'] }]);
  });

  it('checks off, reorders and adds subtasks', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('2').click();
    const subtasks = [
      { id: '2.1', title: 'Tables', status: 'done' as const },
      { id: '2.2', title: 'Indexes', status: 'pending' as const },
      { id: '2.3', title: 'Migrations', status: 'pending' as const },
    ];
    await send({ type: 'task', task: boardTask(SAMPLE[1], { subtasks }) });
    await takePosted();
    const row = (id: string) => page.locator(`[data-subtask-id="${id}"]`);
    await row('2.2').locator('[data-subtask-done]').check();
    await row('2.1').locator('[data-subtask-move="1"]').click();
    await row('2.3').locator('[data-subtask-done]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await page.locator('[data-new-subtask]').fill('Seed data');
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [
      { type: 'setStatus', ...AT, id: '2.2', status: 'done' },
      { type: 'moveSubtask', ...AT, parentId: '2', subtaskId: '2.1', toIndex: 1 },
      { type: 'moveSubtask', ...AT, parentId: '2', subtaskId: '2.3', toIndex: 1 },
      { type: 'addSubtask', ...AT, parentId: '2', title: 'Seed data' },
    ]);
    assert.ok(await row('2.1').locator('[data-subtask-move="-1"]').isDisabled(), 'the first cannot move up');

    // The title stays until the subtask is there: a refused add keeps it to try again.
    const newTitle = page.locator('[data-new-subtask]');
    assert.equal(await newTitle.inputValue(), 'Seed data');
    await send({ type: 'error', message: 'The plan is read-only.' });
    assert.equal(await newTitle.inputValue(), 'Seed data', 'kept after a refusal');
    await send({ type: 'task', task: boardTask(SAMPLE[1], { subtasks: [...subtasks, { id: '2.4', title: 'Seed data', status: 'pending' }] }) });
    assert.equal(await newTitle.inputValue(), '', 'cleared once the subtask arrived');
  });

  it('runs AI actions with progress until done, and can cancel them', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    await send({ type: 'task', task: boardTask(SAMPLE[2]) });
    await takePosted();
    const expand = page.locator('[data-ai-action="expand"]');
    assert.ok(await page.locator('[data-ai-action="update"]').isDisabled(), 'update needs a prompt');
    await page.locator('[data-ai-prompt]').fill('split by endpoint');
    await expand.click();
    assert.deepEqual(await takePosted(), [{ type: 'aiAction', ...AT, id: '3', action: 'expand', prompt: 'split by endpoint' }]);
    assert.ok(await expand.isDisabled());
    await send({ type: 'progress', id: '3', message: 'Writing subtask 2 of 5…', done: false });
    assert.equal(await page.locator('[data-ai-progress]').textContent(), 'Writing subtask 2 of 5…');
    assert.match((await card('3').textContent()) ?? '', /AI working/);
    assert.match((await card('3').getAttribute('aria-label')) ?? '', /AI working/, 'a screen reader hears it too');
    const cancel = page.locator('[data-ai-action="cancel"]');
    await cancel.click();
    assert.deepEqual(await takePosted(), [{ type: 'cancelAiAction', id: '3' }]);
    await send({ type: 'progress', id: '3', message: 'Added 5 subtasks.', done: true });
    assert.ok(await expand.isEnabled());
    assert.ok(await cancel.isHidden(), 'nothing left to cancel');
    assert.doesNotMatch((await card('3').textContent()) ?? '', /AI working/);
    assert.doesNotMatch((await card('3').getAttribute('aria-label')) ?? '', /AI working/);
  });

  it('closes the editor when its task is gone, and shows errors in a dismissable bar', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    await send({ type: 'task', task: boardTask(SAMPLE[2]) });
    await send({ type: 'taskGone', id: '3', message: 'Task 3 was deleted.' });
    assert.ok(await page.locator('[data-editor]').isHidden());
    assert.equal(await page.locator('[data-notice="info"] .notice-text').textContent(), 'Task 3 was deleted.');

    await send({ type: 'error', message: 'That would make a dependency cycle: 2 → 5 → 2.' });
    const error = page.locator('[data-notice="error"]');
    assert.equal(await error.getAttribute('role'), 'alert');
    await error.locator('[data-dismiss]').click();
    assert.equal(await error.count(), 0);
  });

  it('asks before closing an editor with unsaved changes, or opening another task over it', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await card('3').click();
    await send({ type: 'task', task: boardTask(SAMPLE[2]) });
    await takePosted();
    await page.locator('[data-field="title"]').fill('Edited');
    await card('5').click();
    assert.match((await page.locator('[data-discard-bar]').textContent()) ?? '', /Open #5 without saving your changes to #3\?/);
    await page.locator('[data-action="keep-editing"]').click();
    assert.equal(await page.locator('[data-field="title"]').inputValue(), 'Edited');
    assert.deepEqual(await takePosted(), [], 'nothing opened while the edits are kept');

    await page.locator('[data-field="title"]').focus();
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('[data-discard-bar]').isVisible());
    assert.ok(await page.locator('[data-editor]').isVisible());
    await page.locator('[data-action="discard"]').click();
    assert.ok(await page.locator('[data-editor]').isHidden());
    assert.deepEqual(await takePosted(), [{ type: 'closeTask' }]);
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'focus back on the card');
  });

  it('draws the dependency graph and highlights the critical path to the chosen task', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-view-tab="graph"]').click();
    assert.ok(await page.locator('[data-view="graph"]').isVisible());
    assert.equal(await page.locator('[data-graph] [data-node-id]').count(), SAMPLE.length);
    assert.equal(await page.locator('[data-graph] [data-edge]').count(), 5);
    await takePosted();
    await page.locator('[data-node-id="5"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'openTask', ...AT, id: '5' }]);
    const critical = await page.locator('[data-graph] .graph-node.is-critical').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-id')));
    assert.deepEqual(critical.sort(), ['2', '3', '5']);
    assert.deepEqual(await page.locator('[data-graph] [aria-current="true"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-id'))), ['5'], 'the chosen node is the current one');
    assert.deepEqual(await page.locator('[data-graph] .edge.is-critical').evaluateAll((edges) => edges.map((e) => e.getAttribute('data-edge'))), ['2>3', '3>5']);
    assert.match((await page.locator('[data-critical-path]').textContent()) ?? '', /#2 → #3 → #5/);
  });

  it('shows keyboard focus on a node of the critical path', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-view-tab="graph"]').click();
    await page.locator('[data-node-id="5"]').click();
    await page.locator('[data-node-id="5"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    const three = page.locator('[data-node-id="3"]');
    assert.ok(await three.evaluate((node) => node.classList.contains('is-critical') && node.matches(':focus-visible')), '3 is on the path and has the keyboard focus');
    const stroke = (id: string) => page.locator(`[data-node-id="${id}"] .node-box`).evaluate((box) => box.ownerDocument.defaultView!.getComputedStyle(box).stroke);
    assert.equal(await stroke('3'), 'rgb(0, 127, 212)', 'the focus colour, not the path\'s');
    assert.notEqual(await stroke('2'), 'rgb(0, 127, 212)');
  });

  it('draws the dashboard charts', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-view-tab="dashboard"]').click();
    const dashboard = page.locator('[data-dashboard]');
    assert.equal(await dashboard.locator('[data-tile="total"] .tile-value').textContent(), '6');
    assert.equal(await dashboard.locator('[data-chart="status"] svg [data-bar]').count(), 4, 'pending, in progress, review, done');
    assert.equal(await dashboard.locator('[data-chart="priority"] svg [data-bar]').count(), 4);
    assert.equal(await dashboard.locator('[data-chart="completion"] svg [data-bar]').count(), COMPLETION.length);
    assert.equal(await dashboard.locator('[data-chart="complexity"] svg [data-bar]').count(), 10);
    assert.match((await dashboard.locator('[data-chart="status"] svg').getAttribute('aria-label')) ?? '', /Pending 3/);
    await takePosted();
    await dashboard.locator('[data-chart="blocked"] [data-open-task="5"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'openTask', ...AT, id: '5' }]);
  });

  it('shows an unreadable tasks.json with a button to open it at the error, and a missing plan', async () => {
    await send({ type: 'state', revision: 1, state: { kind: 'unreadable', file: '.taskmaster/tasks/tasks.json', message: 'Expected a comma', line: 12, column: 5 } });
    const problem = page.locator('[data-problem="unreadable"]');
    assert.match((await problem.textContent()) ?? '', /Expected a comma.*line 12, column 5/);
    assert.ok(await page.locator('[data-view="board"]').isHidden());
    await takePosted();
    await problem.locator('[data-action="open-tasks-file"]').click();
    assert.deepEqual(await takePosted(), [{ type: 'openTasksFile', line: 12, column: 5 }]);

    await send({ type: 'state', revision: 1, state: { kind: 'missing', message: 'No tasks.json in this folder. Run “Taskmaster: Initialize”.' } });
    assert.match((await page.locator('[data-problem="missing"]').textContent()) ?? '', /No tasks.json in this folder/);
    await send({ type: 'state', revision: 1, state: sample() });
    assert.ok(await page.locator('[data-view="board"]').isVisible());
  });

  it('keeps the view, filter and open task across a reload of the page (a window reload)', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await page.locator('[data-view-tab="graph"]').click();
    await page.locator('[data-filter-text]').fill('API');
    await page.locator('[data-node-id="3"]').click();
    await page.reload();
    assert.deepEqual(await posted(), [{ type: 'ready' }], 'the task waits for a state to say where it lives');
    await send({ type: 'state', revision: 1, state: sample() });
    assert.deepEqual(await posted(), [{ type: 'ready' }, { type: 'openTask', ...AT, id: '3' }]);
    assert.equal(await page.locator('[data-view-tab="graph"]').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('[data-filter-text]').inputValue(), 'API');
    assert.ok(await page.locator('[data-node-id="3"]').evaluate((node) => node.classList.contains('is-selected')));
  });

  /** 9,000 pending cards and 1,000 done ones. */
  const bigPlan = () => planState(cards(...Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, status: i % 10 === 0 ? ('done' as const) : ('pending' as const), priority: i % 3 ? ('medium' as const) : ('high' as const) }))));
  /** The ids of the cards a column has in the DOM. */
  const idsIn = (status: string) => column(status).locator('[data-task-id]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task-id')!));
  const focusedId = () => page.evaluate<string | undefined>('document.activeElement?.dataset?.taskId');
  /** Two animation frames: a scroll's re-render has happened. */
  const frames = () => page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');

  it('keeps only the cards in view in the DOM, with the whole scroll height, and scrolling brings the others', async () => {
    await send({ type: 'state', revision: 1, state: bigPlan() });
    const pending = column('pending');
    assert.equal(await pending.locator('[data-column-count]').textContent(), '9000');
    const shown = await idsIn('pending');
    assert.ok(shown.length > 3 && shown.length < 100, `${shown.length} pending cards in the DOM`);
    assert.equal(shown[0], '2');
    assert.equal(await card('5000').count(), 0, 'a card far down is not in the DOM');
    const list = pending.locator('[data-column-cards]');
    const { scrollHeight, cardHeight } = await list.evaluate((el) => ({ scrollHeight: el.scrollHeight, cardHeight: (el.querySelector('.card') as unknown as { offsetHeight: number }).offsetHeight }));
    assert.ok(scrollHeight > 9000 * cardHeight, `the scroll height (${scrollHeight}) holds every card`);
    assert.equal(await list.getAttribute('aria-label'), 'Pending: 9000 tasks');

    await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await frames();
    const middle = await idsIn('pending');
    assert.ok(!middle.includes('2') && middle.some((id) => Number(id) > 4000 && Number(id) < 6000), `cards around the middle: ${middle[0]}…${middle.at(-1)}`);
    const inView = await list.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll('.card')].some((c) => c.getBoundingClientRect().top >= box.top && c.getBoundingClientRect().bottom <= box.bottom);
    });
    assert.ok(inView, 'a card is drawn where the list is scrolled to');
    assert.equal(await card(middle[0]).getAttribute('aria-setsize'), '9000');
  });

  it('walks cards by keyboard past the ones out of the DOM, and keeps the focused card when scrolled away', async () => {
    await send({ type: 'state', revision: 1, state: bigPlan() });
    await card('2').focus();
    await page.keyboard.press('End');
    assert.equal(await focusedId(), '10000', 'End reaches the last card of the column');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedId(), '9999');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusedId(), '9999', 'no column to the left: focus stays');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedId(), '9991', 'the last done card (the done column is shorter)');
    await page.keyboard.press('Home');
    assert.equal(await focusedId(), '1');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusedId(), '2');
    for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowDown');
    const sixtyOne = await focusedId();
    assert.equal(await card(sixtyOne!).getAttribute('aria-posinset'), '61');
    assert.equal(await card('2').count(), 0, 'the first card left the DOM as the column scrolled down');

    const list = column('pending').locator('[data-column-cards]');
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await frames();
    assert.equal(await focusedId(), sixtyOne, 'the focused card stays in the DOM, focused, when scrolled far away');
    // A new state while scrolled away: the focused card is still there and focused.
    await send({ type: 'state', revision: 2, state: bigPlan() });
    assert.equal(await focusedId(), sixtyOne);
  });

  it('applies a state diff to the DOM as a full render of the resulting state would draw it', async () => {
    // Enough unchanged cards that a diff is the smaller message.
    const others = Array.from({ length: 6 }, (_, i) => ({ id: 20 + i, status: 'deferred' as const }));
    const before = planState(cards(...SAMPLE_SPECS, ...others), { nextId: '4', completion: COMPLETION });
    const after = planState(
      cards(
        ...others,
        { id: 1, title: 'Set up the repository', status: 'done', priority: 'high', complexity: 2 },
        { id: 2, title: 'Define the schema', status: 'done', priority: 'high', dependencies: [1], subtasksDone: 3, subtasksTotal: 3, complexity: 6 },
        { id: 3, title: 'Build the API, renamed', dependencies: [2], complexity: 8 },
        { id: 5, title: 'Ship the release', priority: 'critical', dependencies: [3] },
        { id: 6, title: 'Review the design', status: 'review' },
        { id: 7, title: 'A new task', status: 'in-progress' },
      ),
      { nextId: '3', completion: COMPLETION, tags: ['master', 'feature', 'later'] },
    );
    const diff = diffBoardStates(before, after);
    assert.ok(diff && !diff.changed.some((c) => c.id === '6'), 'a diff, without the unchanged cards');
    await send({ type: 'state', revision: 1, state: before });
    const kept = await card('6').elementHandle();
    await send({ type: 'stateDiff', diff, base: 1, revision: 2 });
    const board = () => page.locator('.kanban').evaluate((el) => el.outerHTML);
    const patched = await board();
    const chips = await page.locator('[data-tag-chip]').allTextContents();
    assert.ok(await kept!.evaluate((el) => el.isConnected), 'the unchanged card kept its element');

    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await send({ type: 'state', revision: 7, state: after });
    assert.equal(patched, await board(), 'the same DOM as a full render');
    assert.deepEqual(chips, await page.locator('[data-tag-chip]').allTextContents(), 'the tag list too');

    // A diff against a revision the page does not hold: it asks for everything again.
    await takePosted();
    await send({ type: 'stateDiff', diff, base: 3, revision: 4 });
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
  });

  it('opens on a card far down a column when asked (Open in Board): scrolled into view and focused', async () => {
    await send({ type: 'state', revision: 1, state: bigPlan() });
    await page.locator('[data-view-tab="dashboard"]').click();
    await send({ type: 'focusTask', id: '7003' });
    assert.equal(await page.locator('[data-view-tab="board"]').getAttribute('aria-selected'), 'true');
    assert.equal(await focusedId(), '7003');
    const visible = await column('pending').locator('[data-column-cards]').evaluate((el) => {
      const box = el.getBoundingClientRect();
      const target = el.querySelector('[data-task-id="7003"]')!.getBoundingClientRect();
      return target.top >= box.top - 1 && target.bottom <= box.bottom + 1;
    });
    assert.ok(visible, 'the card is within the column\'s view');
    await send({ type: 'focusTask', id: '99999' });
    assert.match((await page.locator('[data-notice="info"] .notice-text').first().textContent()) ?? '', /Task #99999 is not on the board/);
  });

  it('starts a blocked task when asked, and says what it waits on', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('5').focus();
    await page.keyboard.press('Control+ArrowRight');
    assert.deepEqual(await takePosted(), [{ type: 'setStatus', ...AT, id: '5', status: 'in-progress' }], 'the move is made');
    assert.equal(
      await page.locator('[data-notice="info"] .notice-text').textContent(),
      'Task #5 “Ship the release” is blocked by #3 “Build the API”, #4 “Write the docs”; it was started anyway.',
    );
    await card('4').focus();
    await page.keyboard.press('Control+ArrowRight');
    assert.equal(await page.locator('[data-notice="info"]').count(), 1, 'an unblocked task starts without a word');
  });

  it('fits every column in a narrow editor (500 px, beside the chat), wrapping them onto rows', async () => {
    await page.setViewportSize({ width: 500, height: 800 });
    await send({ type: 'state', revision: 1, state: sample() });
    const boxes = await page.locator('[data-column]').evaluateAll((columns) => columns.map((c) => c.getBoundingClientRect().toJSON() as { left: number; right: number; top: number; width: number }));
    assert.equal(boxes.length, 5);
    for (const box of boxes) assert.ok(box.left >= 0 && box.right <= 500 && box.width >= 150, `a column at ${box.left}–${box.right}`);
    assert.ok(new Set(boxes.map((box) => Math.round(box.top))).size > 1, 'on more than one row');
    assert.ok(await card('6').isVisible(), 'the review column\'s card shows');
    assert.equal(await page.locator('.kanban-columns').evaluate((el) => el.scrollWidth <= el.clientWidth), true, 'no sideways scrolling');
  });

  it('works without a mouse: a card opens by Enter into the editor, Escape brings the focus back; graph nodes and the dashboard\'s blocked tasks open by Enter', async () => {
    await send({ type: 'state', revision: 1, state: sample() });
    await takePosted();
    await card('3').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await takePosted(), [{ type: 'openTask', ...AT, id: '3' }]);
    await send({ type: 'task', task: boardTask(SAMPLE[2]) });
    assert.ok(await page.evaluate('document.querySelector("[data-editor]").contains(document.activeElement)'), 'the focus moves into the editor');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[data-editor]').isVisible(), false);
    assert.equal(await page.evaluate('document.activeElement.dataset.taskId'), '3', 'and back to the card');

    await page.locator('[data-view-tab="graph"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-node-id="5"]').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await takePosted()).filter((message) => message.type === 'openTask'), [{ type: 'openTask', ...AT, id: '5' }]);
    await page.keyboard.press('Escape');
    await page.locator('[data-view-tab="dashboard"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-chart="blocked"] [data-open-task="5"]').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await takePosted()).filter((message) => message.type === 'openTask'), [{ type: 'openTask', ...AT, id: '5' }]);
  });

  it('passes axe-core\'s accessibility rules on the kanban, the editor, the graph and the dashboard, light and dark', async () => {
    const findings: string[] = [];
    for (const theme of ['dark', 'light'] as const) {
      await page.goto(`file://${pages[theme]}`);
      await page.evaluate('sessionStorage.clear()');
      await page.reload();
      await send({ type: 'state', revision: 1, state: sample() });
      findings.push(...(await accessibilityFindings(`${theme} kanban`)));
      await card('3').click();
      await send({ type: 'task', task: boardTask(SAMPLE[2], { details: '## Steps\n- **Routes** for `GET /tasks`', subtasks: [{ id: '3.1', title: 'Routes', status: 'done' }, { id: '3.2', title: 'Errors', status: 'pending' }] }) });
      findings.push(...(await accessibilityFindings(`${theme} editor`)));
      await page.locator('[data-action="close"]').click();
      await page.locator('[data-view-tab="graph"]').click();
      await page.locator('[data-node-id="5"]').click();
      await page.locator('[data-action="close"]').click();
      findings.push(...(await accessibilityFindings(`${theme} graph`)));
      await page.locator('[data-view-tab="dashboard"]').click();
      findings.push(...(await accessibilityFindings(`${theme} dashboard`)));
      await page.evaluate('sessionStorage.clear()');
    }
    assert.deepEqual(findings, []);
  });

  it('looks right in light and dark themes (screenshots with TML_BOARD_SCREENSHOTS=1)', async function () {
    if (!process.env.TML_BOARD_SCREENSHOTS) this.skip();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const theme of ['dark', 'light'] as const) {
      await page.goto(`file://${pages[theme]}`);
      await page.evaluate('sessionStorage.clear()');
      await page.reload();
      await send({ type: 'state', revision: 1, state: sample() });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${theme}-board.png`) });
      await card('3').focus();
      await page.keyboard.press('m');
      await page.screenshot({ path: path.join(SCREENSHOTS, `${theme}-move-menu.png`) });
      await page.keyboard.press('Escape');
      await card('3').click();
      await send({ type: 'task', task: boardTask(SAMPLE[2], { details: '## Steps\n- **Routes** for `GET /tasks`\n- Errors as [RFC 7807](https://example.com)\n\n```\nnpm test\n```', subtasks: [{ id: '3.1', title: 'Routes', status: 'done' }, { id: '3.2', title: 'Errors', status: 'pending' }] }) });
      await send({ type: 'error', message: 'That would make a dependency cycle.' });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${theme}-editor.png`) });
      await page.locator('[data-action="close"]').click();
      await page.locator('[data-notice] [data-dismiss]').click();
      await page.locator('[data-view-tab="graph"]').click();
      await page.locator('[data-node-id="5"]').click();
      await page.locator('[data-action="close"]').click();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${theme}-graph.png`) });
      await page.locator('[data-view-tab="dashboard"]').click();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${theme}-dashboard.png`) });
      await page.evaluate('sessionStorage.clear()');
    }
  });
});
