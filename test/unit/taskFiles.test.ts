import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readPlan, type TagView } from '../../src/core/plan';
import { README_EXPORT_END, README_EXPORT_START, ReadmeMarkerError, renderReadmeExport, syncReadmeText } from '../../src/core/readmeExport';
import { renderTaskFiles, staleTaskFiles, taskFileName } from '../../src/core/taskFiles';
import { writeTaskFiles } from '../../src/store/taskFileWriter';
import { tml } from '../support/tmlRunner';
import { task, tagged, tempDir } from '../support/planBuilder';

function tagOf(tasks: Array<Record<string, unknown>>, name = 'master'): TagView {
  return readPlan(tagged({ [name]: tasks })).tags.get(name)!;
}

describe('task files (task-master generate)', () => {
  it('names files by padded id, with the tag after the id outside master', () => {
    assert.equal(taskFileName('master', 7), 'task_007.md');
    assert.equal(taskFileName('master', '42'), 'task_042.md');
    assert.equal(taskFileName('master', 1000), 'task_1000.md');
    assert.equal(taskFileName('feature-x', 3), 'task_003_feature-x.md');
  });

  it('lays out a task without subtasks, with the fallbacks for empty fields', () => {
    const [file] = renderTaskFiles(tagOf([{ id: 1, title: 'Only a title' }]));
    assert.equal(
      file.text,
      '# Task ID: 1\n\n**Title:** Only a title\n\n**Status:** pending\n\n**Dependencies:** None\n\n**Priority:** medium\n\n' +
        '**Description:** \n\n**Details:**\n\nNo details provided.\n\n**Test Strategy:**\n\nNo test strategy provided.\n',
    );
  });

  it('marks top-level dependencies by the status of the task they name, matching ids as text', () => {
    const statuses = ['done', 'in-progress', 'deferred', 'cancelled', 'blocked', 'review', 'pending'];
    const tag = tagOf([...statuses.map((status, i) => task({ id: i + 1, status })), task({ id: 9, dependencies: [1, 2, 3, 4, 5, 6, 7, '1', ' 1', 99] })]);
    const text = renderTaskFiles(tag).find((file) => file.name === 'task_009.md')!.text;
    assert.match(text, /\*\*Dependencies:\*\* 1 ✓, 2 ⧖, 3 ⏸, 4 ✗, 5 ⛔, 6, 7, 1 ✓,  1, 99\n/);
  });

  it('lays out subtasks: sibling ids become dotted, no test strategy, blank runs folded', () => {
    const tag = tagOf([
      task({
        id: 5,
        subtasks: [
          { id: 1, description: 'first\n\n\n\nsecond', status: 'done', testStrategy: 'never shown' },
          { id: 2, title: 'Deps', dependencies: [1, '1', '3.2'], details: 'd\n' },
          { id: 3, title: 'Bare', description: '', details: '' },
        ],
      }),
    ]);
    const text = renderTaskFiles(tag)[0].text;
    assert.ok(
      text.endsWith(
        '## Subtasks\n\n### 5.1. Subtask 1\n\n**Status:** done  \n**Dependencies:** None  \n\nfirst\n\nsecond\n\n' +
          '### 5.2. Deps\n\n**Status:** pending  \n**Dependencies:** 5.1, 5.1, 3.2  \n\n**Details:**\n\nd\n\n' +
          '### 5.3. Bare\n\n**Status:** pending  \n**Dependencies:** None  \n\n',
      ),
      text,
    );
    assert.doesNotMatch(text, /never shown/);
  });

  it('leaves a missing title empty rather than writing "undefined"', () => {
    const text = renderTaskFiles(tagOf([{ id: 1, subtasks: [{ id: 1 }] }]))[0].text;
    assert.match(text, /\*\*Title:\*\* \n/);
    assert.match(text, /### 1\.1\. \n/);
    assert.doesNotMatch(text, /undefined/);
  });

  it('finds the stale files of the tag only, comparing ids as numbers', () => {
    const names = ['task_001.md', 'task_0001.md', 'task_002.md', 'task_9.md', 'task_002_feat.md', 'task_abc.md', 'task_003.txt', 'notes.md'];
    assert.deepEqual(staleTaskFiles(tagOf([task({ id: '1' })]), names), ['task_002.md', 'task_9.md']);
    assert.deepEqual(staleTaskFiles(tagOf([task({ id: 1 })], 'feat'), names), ['task_002_feat.md']);
    assert.deepEqual(staleTaskFiles(tagOf([], 'feat'), names), [], 'a tag without tasks removes nothing');
  });

  it('writes the files and removes stale ones, leaving folders and other files alone', async () => {
    const dir = path.join(await tempDir(), 'out');
    await fs.mkdir(path.join(dir, 'task_004.md'), { recursive: true });
    await fs.writeFile(path.join(dir, 'task_003.md'), 'stale');
    await fs.writeFile(path.join(dir, 'notes.md'), 'mine');
    const result = await writeTaskFiles(tagOf([task({ id: 1 }), task({ id: 2 })]), dir);
    assert.deepEqual(result, { count: 2, directory: dir, orphanedFilesRemoved: 1 });
    assert.deepEqual((await fs.readdir(dir)).sort(), ['notes.md', 'task_001.md', 'task_002.md', 'task_004.md']);
  });
});

describe('README export (sync-readme)', () => {
  const tag = tagOf([task({ id: 1, status: 'done', title: 'A | B' }), task({ id: 2, dependencies: [1], subtasks: [{ id: 1, priority: 'high' }, { id: 2 }] })]);
  const now = new Date('2026-03-04T05:06:07.890Z');

  it('renders a fenced table, filtered by status, with subtasks when asked', () => {
    const section = renderReadmeExport(tag.tasks, { withSubtasks: true, statuses: ['pending'], tagName: 'master', now });
    assert.ok(section.startsWith(`${README_EXPORT_START}\n> 🎯 **Taskmaster Export** - 2026-03-04 05:06:07 UTC\n`));
    assert.ok(section.endsWith(README_EXPORT_END));
    assert.match(section, /Status filter: pending • Tag: master/);
    assert.doesNotMatch(section, /A \\\| B/, 'the done task is filtered out');
    assert.match(section, /\| 2\. Task 2 \| pending \| medium \| 1 \|\n\| 2\.1\. Subtask 1 \| pending \| high \| – \|\n\| 2\.2\. Subtask 2 \| pending \| – \| – \|/);
  });

  it('replaces the fenced section in place, appends without markers, creates a missing README', () => {
    const section = `${README_EXPORT_START}\nnew\n${README_EXPORT_END}`;
    assert.equal(syncReadmeText(`# P\n\nBefore.\n${README_EXPORT_START}\nold\n${README_EXPORT_END}\nAfter.\n`, section, 'p'), `# P\n\nBefore.\n${section}\nAfter.\n`);
    assert.equal(syncReadmeText('# P\nText.', section, 'p'), `# P\nText.\n\n${section}\n`);
    assert.equal(syncReadmeText('# P\n', section, 'p'), `# P\n\n${section}\n`);
    assert.equal(syncReadmeText(undefined, section, 'my-project'), `# my-project\n\n${section}\n`);
  });

  it('refuses a start marker without an end, and tml leaves README.md as it was', async () => {
    assert.throws(() => syncReadmeText(`${README_EXPORT_START}\nno end`, 'x', 'p'), ReadmeMarkerError);
    const root = await tempDir();
    await fs.mkdir(path.join(root, '.taskmaster', 'tasks'), { recursive: true });
    await fs.writeFile(path.join(root, '.taskmaster', 'tasks', 'tasks.json'), JSON.stringify(tagged({ master: [task({ id: 1 })] })));
    const readme = `# P\n${README_EXPORT_START}\nmy notes\n`;
    await fs.writeFile(path.join(root, 'README.md'), readme);
    const result = await tml(['sync-readme', '--project', root]);
    assert.equal(result.code, 2);
    assert.match(result.err, /no <!-- TASKMASTER_EXPORT_END -->/);
    assert.equal(await fs.readFile(path.join(root, 'README.md'), 'utf8'), readme);
  });
});
