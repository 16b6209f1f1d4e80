import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { formatTask, formatTaskList } from '../../src/cli/format';
import { tagOf } from '../../src/cli/readCommands';
import { findNextTask } from '../../src/core/nextTask';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { makeProject, task, taskMasterText } from '../support/planBuilder';
import { tml } from '../support/tmlRunner';

const repoRoot = path.join(__dirname, '..', '..');
const bundledCli = path.join(repoRoot, 'dist', 'cli.js');

interface OddFile {
  text: string;
  state?: Record<string, unknown>;
  /** The tasks `list --json` prints, as a plain JSON.parse of the file reads them. */
  tasksOf: (data: Record<string, any>) => unknown[];
  /** `next --json`'s id, worked out by hand from the plan. */
  next: string | number;
}

const subtask = (id: number, status: string, dependencies: number[] = []) => ({ id, title: `Step ${id}`, description: '', status, dependencies });

/** Files that a shortcut in reading could get wrong: each must read exactly as a full JSON.parse does. */
const ODD_FILES: Record<string, OddFile> = {
  'a byte order mark': {
    text: '\uFEFF' + taskMasterText({ master: { tasks: [task({ id: 1, status: 'done' }), task({ id: 2, dependencies: [1], priority: 'high' }), task({ id: 3 })] } }),
    tasksOf: (data) => data.master.tasks,
    next: 2,
  },
  'the legacy flat format': {
    text: taskMasterText({ tasks: [task({ id: 1, status: 'in-progress', subtasks: [subtask(1, 'pending'), subtask(2, 'done', [1])] }), task({ id: 2 })] }),
    tasksOf: (data) => data.tasks,
    next: '1.1',
  },
  'tags named like fields': {
    text: taskMasterText({
      tasks: { tasks: [task({ id: 9 })] },
      metadata: { tasks: [task({ id: 7, title: 'in the tag named metadata' })] },
      master: { tasks: [task({ id: 1, title: 'master one', dependencies: [2] }), task({ id: 2, status: 'done' }), task({ id: 3, priority: 'low' })] },
      status: { tasks: [task({ id: 4 })] },
    }),
    tasksOf: (data) => data.master.tasks,
    next: 1,
  },
  'escaped quotes, backslashes and brackets in strings, and a quoted tag name': {
    text: taskMasterText({
      master: { tasks: [task({ id: 1 })] },
      'feature "x"': {
        tasks: [
          task({ id: 5, title: 'He said "go" \\ back\\slash "}" ] {', description: '"quoted" \\"x\\"', details: 'line\nbreak\t"tab" é— 😀' }),
          task({ id: 6, dependencies: [5] }),
        ],
      },
    }),
    state: { currentTag: 'feature "x"' },
    tasksOf: (data) => data['feature "x"'].tasks,
    next: 5,
  },
  'no master tag (master falls back to the first tag)': {
    text: taskMasterText({ feature: { tasks: [task({ id: 3, priority: 'high' }), task({ id: 4 })] }, other: { tasks: [task({ id: 1 })] } }),
    tasksOf: (data) => data.feature.tasks,
    next: 3,
  },
};

/** Command lines run on every odd file: text and JSON, subtasks, other tags, and a missing task. */
const COMMAND_LINES = [
  ['next'],
  ['next', '--json'],
  ['list'],
  ['list', '--json'],
  ['list', 'all'],
  ['list', 'pending', '--json'],
  ['show', '1'],
  ['show', '1,2', '--json'],
  ['show', '1.1'],
  ['next', '--tag', 'metadata'],
  ['list', '--tag', 'tasks'],
  ['show', '99'],
];

async function projectWith(file: OddFile): Promise<string> {
  const { root, tasksFile } = await makeProject({}, file.state);
  await fs.writeFile(tasksFile, file.text);
  return root;
}

describe('tml list, show and next: the read path', () => {
  for (const [name, file] of Object.entries(ODD_FILES)) {
    it(`reads ${name} as a full JSON.parse and the store do`, async () => {
      const root = await projectWith(file);
      const data = JSON.parse(file.text.replace(/^\uFEFF/, ''));
      const list = await tml(['list', '--json', '--project', root]);
      assert.deepEqual([list.code, JSON.parse(list.out)], [0, file.tasksOf(data)]);
      const next = await tml(['next', '--json', '--project', root]);
      assert.equal(JSON.parse(next.out).id, file.next);

      // The text forms print what the store (which every other command and the extension use) gives.
      const store = new TaskStore(locatePlan(root));
      try {
        const tag = tagOf(await store.load(), undefined);
        assert.equal((await tml(['next', '--project', root])).out, formatTask(findNextTask(tag)!));
        assert.equal((await tml(['list', 'all', '--project', root])).out, formatTaskList(tag, tag.tasks, true));
        const first = tag.tasks[0];
        const show = await tml(['show', first.id, '--json', '--project', root]);
        assert.deepEqual(JSON.parse(show.out), { ...file.tasksOf(data)[0] as object, id: first.raw.id });
      } finally {
        store.dispose();
      }
    });
  }

  it('prints the same from the bundled dist/cli.js as in process: output, errors and exit codes', async function () {
    await fs.access(bundledCli).catch(() => this.skip()); // built by `npm test` before the suites run
    this.timeout(300_000);
    for (const [name, file] of Object.entries(ODD_FILES)) {
      const root = await projectWith(file);
      for (const line of COMMAND_LINES) {
        const args = [...line, '--project', root];
        const inProcess = await tml(args);
        const bundled = await promisify(execFile)(process.execPath, [bundledCli, ...args]).then(
          ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
          (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
        );
        const what = `${name}: tml ${line.join(' ')}`;
        assert.equal(bundled.code, inProcess.code, what);
        assert.equal(bundled.stdout, inProcess.out ? inProcess.out + '\n' : '', what);
        assert.equal(bundled.stderr, inProcess.err ? inProcess.err + '\n' : '', what);
      }
    }
  });

  it('loads the other commands only when one runs', async function () {
    await fs.access(bundledCli).catch(() => this.skip());
    const root = await projectWith(ODD_FILES['a byte order mark']);
    // runCli of the bundle itself, in a fresh Node: which files has it required after each command?
    const reads = [['next'], ['list'], ['show', '1']].map((line) => [...line, '--project', root]);
    const script = `
      const { runCli } = require(${JSON.stringify(bundledCli)});
      const loaded = () => Object.keys(require.cache).map((file) => require('path').basename(file));
      const quiet = () => {};
      (async () => {
        for (const line of ${JSON.stringify(reads)}) await runCli(line, quiet, quiet);
        const afterReads = loaded();
        await runCli(['tags', '--project', ${JSON.stringify(root)}], quiet, quiet);
        console.log(JSON.stringify({ afterReads, afterTags: loaded() }));
      })();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    const { afterReads, afterTags } = JSON.parse(stdout) as { afterReads: string[]; afterTags: string[] };
    assert.deepEqual(afterReads, ['cli.js']);
    assert.ok(afterTags.includes('cliCommands.js'), afterTags.join(', '));
  });
});
