import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { runCli } from '../../src/cli/main';
import { addTask, moveSubtask, removeDependency, setDependencies } from '../../src/core/operations';
import { setStatuses } from '../../src/core/statusChange';
import { createTag } from '../../src/core/tagOperations';
import { JsonScanner } from '../../src/store/jsonScanner';
import { JsonSyntaxError } from '../../src/store/jsonText';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import { PlanUnreadableError } from '../../src/store/planReader';
import { OllamaStandIn } from '../support/ollamaStandIn';
import { makeProject, openStore, task, tagged, taskMasterText } from '../support/planBuilder';

async function tml(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The exact text of the value at a path. */
function sliceAt(text: string, path: (string | number)[]): string {
  const node = new JsonScanner(text).find(path);
  assert.ok(node, `no value at ${path.join('.')}`);
  return text.slice(node.offset, node.offset + node.length);
}

/** Text with the indentation of every line removed: tokens and their order only. */
const unindented = (text: string) => text.replace(/\n[ \t]*/g, '\n');

describe('the file stays the user\'s', () => {
  describe('a top-level value that is not a plan', () => {
    for (const [name, text] of [
      ['a list', '[1, 2, 3]\n'],
      ['a string', '"tasks"\n'],
      ['null', 'null\n'],
      ['a number', '42\n'],
    ]) {
      it(`is unreadable and never written when it is ${name}`, async () => {
        const { store, read } = await openStore(text);
        assert.equal(store.state.kind, 'unreadable');
        await assert.rejects(
          store.edit(addTask({ title: 'New' })),
          (error: unknown) => PlanUnreadableError.is(error) && /object of tags/.test(error.message) && /\{ "tasks": \[\.\.\.\] \}/.test(error.message),
        );
        assert.equal(await read(), text);
      });
    }

    it('is bad input to tml (exit 2), with what a plan looks like, not "No tag master"', async () => {
      const { root, tasksFile } = await makeProject('[1, 2, 3]\n');
      const listed = await tml(['list', '--project', root]);
      assert.equal(listed.code, 2);
      assert.match(listed.err, /holds a list, not a plan/);
      assert.match(listed.err, /"master": \{ "tasks": \[\] \}/);
      assert.doesNotMatch(listed.err, /No tag/);
      const added = await tml(['add-task', '--title', 'New', '--project', root]);
      assert.equal(added.code, 2);
      assert.equal(await fs.readFile(tasksFile, 'utf8'), '[1, 2, 3]\n');
    });
  });

  describe('duplicate keys', () => {
    const parsed = async (read: () => Promise<string>) => JSON.parse(await read());

    it('edits the "status" a reader sees when a task repeats it', async () => {
      const text = '{\n  "master": {\n    "tasks": [\n      {\n        "id": 1,\n        "title": "A",\n        "status": "pending",\n        "dependencies": [],\n        "status": "pending"\n      }\n    ]\n  }\n}\n';
      const { store, read } = await openStore(text);
      await store.edit(setStatuses(['1'], 'done'));
      assert.equal((await parsed(read)).master.tasks[0].status, 'done');
    });

    it('adds to the "tasks" list a reader sees when a tag has two', async () => {
      const data = taskMasterText(tagged({ master: [task({ id: 1 }), task({ id: 2 })] }));
      const text = data.replace('"master": {\n', '"master": {\n    "tasks": [{ "id": 9, "title": "Shadowed" }],\n');
      const { store, read } = await openStore(text);
      await store.edit(addTask({ title: 'Three' }));
      assert.deepEqual((await parsed(read)).master.tasks.map((t: { title: string }) => t.title), ['Task 1', 'Task 2', 'Three']);
    });

    it('edits the "master" block a reader sees when the file has two', async () => {
      const data = taskMasterText(tagged({ master: [task({ id: 1, title: 'Seen' })] }));
      const text = data.replace('{\n', '{\n  "master": { "tasks": [{ "id": 1, "title": "Shadowed", "status": "pending" }] },\n');
      const { store, read } = await openStore(text);
      await store.edit(setStatuses(['1'], 'done'));
      const after = await parsed(read);
      assert.equal(after.master.tasks[0].title, 'Seen');
      assert.equal(after.master.tasks[0].status, 'done');
    });

    it('refuses an edit whose result would not read as intended, naming the line, and writes nothing', async () => {
      const text = '{\n  "master": {\n    "tasks": [],\n    "metadata": { "a": 1 },\n    "metadata": { "b": 2 }\n  }\n}\n';
      const { store, read } = await openStore(text);
      await assert.rejects(store.edit(() => [{ kind: 'remove', path: ['master', 'metadata'] }]), /master\.metadata.*line 5.*Nothing was written/s);
      assert.equal(await read(), text);
    });
  });

  describe('bytes that are not UTF-8', () => {
    // "Caf\xE9" is Latin-1: the byte 0xE9 alone is not UTF-8.
    const latin1 = Buffer.concat([Buffer.from('{\n  "master": {\n    "tasks": [\n      { "id": 1, "title": "Caf'), Buffer.from([0xe9]), Buffer.from('", "status": "pending" }\n    ]\n  }\n}\n')]);

    it('make the file unreadable, with the byte offset and line, and it is never written', async () => {
      const { root, tasksFile } = await makeProject('{}');
      await fs.writeFile(tasksFile, latin1);
      const opened = new TaskStore(locatePlan(root));
      const state = await opened.reload();
      assert.equal(state.kind, 'unreadable');
      const error = state.kind === 'unreadable' ? state.error : undefined;
      assert.ok(JsonSyntaxError.is(error), String(error));
      assert.deepEqual(error.position, { line: 4, column: 31 });
      assert.match(error.reason, /not UTF-8.*0xE9.*byte 61/);
      await assert.rejects(opened.edit(setStatuses(['1'], 'done')), (e: unknown) => PlanUnreadableError.is(e) && /:4:31:/.test(e.message));
      assert.deepEqual(await fs.readFile(tasksFile), latin1);
    });

    it('are bad input to tml (exit 2), which names where they are', async () => {
      const { root, tasksFile } = await makeProject('{}');
      await fs.writeFile(tasksFile, latin1);
      const result = await tml(['set-status', '1', 'done', '--project', root]);
      assert.equal(result.code, 2);
      assert.ok(result.err.includes(`${tasksFile}:4:31:`), result.err);
      assert.deepEqual(await fs.readFile(tasksFile), latin1);
    });

    it('do not include a byte order mark, which is read and kept as before', async () => {
      const text = '\uFEFF' + taskMasterText(tagged({ master: [task({ id: 1, title: 'Caf\u00e9' })] }));
      const { store, read } = await openStore(text);
      await store.edit(setStatuses(['1'], 'done'));
      const withoutStamps = (content: string) => content.replace(/"updated": "[^"]*"/, '').replace(/,\s*"updatedAt": "[^"]*"/, '');
      assert.equal(withoutStamps(await read()), withoutStamps(text.replace('"status": "pending"', '"status": "done"')));
    });
  });

  describe('operations that rewrite a list', () => {
    const SPELLED = `{
  "master": {
    "tasks": [
      {
        "id": 1,
        "title": "Parent",
        "status": "pending",
        "dependencies": [],
        "subtasks": [
          {
            "id": 1,
            "title": "caf\\u00e9 \\/ first",
            "estimate": 1.50,
            "dependencies": []
          },
          {
            "id": 2,
            "title": "Second",
            "ticket": 12345678901234567890,
            "dependencies": [1]
          },
          {
            "id": 3,
            "title": "Third \\/ path",
            "dependencies": [1.0]
          }
        ]
      },
      {
        "id": 2,
        "title": "Two",
        "status": "pending",
        "dependencies": []
      },
      {
        "id": 3,
        "title": "Three \\u00e9",
        "status": "pending",
        "dependencies": [1.0, 2, 1E0]
      }
    ]
  }
}
`;

    it('Move Subtask keeps every subtask\'s bytes', async () => {
      const { store, read } = await openStore(SPELLED);
      const subtasks = [0, 1, 2].map((i) => sliceAt(SPELLED, ['master', 'tasks', 0, 'subtasks', i]));
      await store.edit(moveSubtask('1', '1.3', 0));
      const after = await read();
      assert.deepEqual([0, 1, 2].map((i) => sliceAt(after, ['master', 'tasks', 0, 'subtasks', i])), [subtasks[2], subtasks[0], subtasks[1]]);
      assert.equal(after.replace(/\[\s*\{[\s\S]*\}\s*\]/, ''), SPELLED.replace(/\[\s*\{[\s\S]*\}\s*\]/, ''), 'nothing outside the tasks list changed');
    });

    it('removing and setting dependencies keeps the spelling of the entries that stay', async () => {
      const { store, read } = await openStore(SPELLED);
      await store.edit(removeDependency('3', '2'));
      assert.match(sliceAt(await read(), ['master', 'tasks', 2, 'dependencies']), /^\[\s*1\.0,\s*1E0\s*\]$/);
      await store.edit(setDependencies('3', ['1', '2']));
      assert.match(sliceAt(await read(), ['master', 'tasks', 2, 'dependencies']), /^\[\s*1\.0,\s*2\s*\]$/);
    });

    it('a new tag on a legacy file moves the list under "master" with its bytes', async () => {
      const legacy = `{\n  "tasks": ${sliceAt(SPELLED, ['master', 'tasks']).replace(/\n {2}/g, '\n')},\n  "extra": 1.50\n}\n`;
      const { store, read } = await openStore(legacy);
      await store.edit(createTag({ name: 'feature' }));
      const after = await read();
      assert.equal(unindented(sliceAt(after, ['master', 'tasks'])), unindented(sliceAt(legacy, ['tasks'])));
      assert.equal(sliceAt(after, ['master', 'extra']), '1.50');
      assert.deepEqual(Object.keys(JSON.parse(after)), ['master', 'feature']);
    });

    it('Undo of an AI change puts the tag back byte for byte', async function () {
      this.timeout(20_000);
      const model = 'qwen2.5-coder:7b';
      const ollama = await OllamaStandIn.start({ models: [{ name: model }] });
      try {
        const { root, tasksFile } = await makeProject(SPELLED);
        const store = new TaskStore(locatePlan(root));
        await store.reload();
        const ai = new AiService(new OllamaInference(resolveAiSettings({}, { endpoints: [ollama.url], model })));
        const subtasks = [{ id: 1, title: 'Step', description: 'Do', details: 'How', testStrategy: 'Check', dependencies: [] }];
        ollama.script({ content: JSON.stringify({ subtasks }) });
        await ai.expandTask(store, { id: '2', count: 1 });
        assert.notEqual(await fs.readFile(tasksFile, 'utf8'), SPELLED);
        await ai.undoLastChange(store, 'master');
        assert.equal(sliceAt(await fs.readFile(tasksFile, 'utf8'), ['master']), sliceAt(SPELLED, ['master']));
      } finally {
        await ollama.stop();
      }
    });
  });
});
