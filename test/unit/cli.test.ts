import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { tml } from '../support/tmlRunner';
import { makeProject, task, tagged, taskMasterText } from '../support/planBuilder';
import { OllamaStandIn } from '../support/ollamaStandIn';

const plan = () =>
  tagged({
    master: [task({ id: 1, status: 'done' }), task({ id: 2, dependencies: [1], priority: 'high' }), task({ id: 3, status: 'in-progress', subtasks: [{ id: 1, status: 'done' }, { id: 2, dependencies: [1] }] })],
    empty: [],
  });

describe('tml CLI', () => {
  it('prints the next task as JSON with the id as Task Master writes it', async () => {
    const { root } = await makeProject(plan());
    const result = await tml(['next', '--json', '--project', root]);
    assert.equal(result.code, 0);
    assert.equal(JSON.parse(result.out).id, '3.2');
    const afterDone = await tml(['set-status', '3.2', 'done', '--project', root]);
    assert.equal(afterDone.code, 0);
    assert.equal(JSON.parse((await tml(['next', '--json', '--project', root])).out).id, 2);
  });

  it('prints null when nothing is eligible, and uses --file and --tag', async () => {
    const { tasksFile } = await makeProject(plan());
    const result = await tml(['next', '--json', '--file', tasksFile, '--tag', 'empty']);
    assert.deepEqual([result.code, result.out], [0, 'null']);
  });

  it('exits 1 for a task or tag that does not exist, naming the closest ids', async () => {
    const { root } = await makeProject(plan());
    const missingTask = await tml(['show', '7', '--project', root]);
    assert.equal(missingTask.code, 1);
    assert.match(missingTask.err, /No task 7 in tag "master"\. Closest ids: 3/);
    const missingTag = await tml(['list', '--tag', 'nope', '--project', root]);
    assert.equal(missingTag.code, 1);
    assert.match(missingTag.err, /No tag "nope".*master, empty/);
  });

  it('exits 2 on bad input: unknown status, unparseable file with line and column, no plan', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const badStatus = await tml(['set-status', '2', 'finished', '--project', root]);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.err, /Unknown status "finished"/);
    await fs.writeFile(tasksFile, '{\n  "master": {\n    "tasks": [\n  }\n}\n');
    const broken = await tml(['next', '--project', root]);
    assert.equal(broken.code, 2);
    assert.ok(broken.err.includes(`${tasksFile}:4:3:`), broken.err);
    await fs.writeFile(tasksFile, '{\n<<<<<<< HEAD\n  "master": { "tasks": [] }\n=======\n  "master": { "tasks": [{ "id": 1 }] }\n>>>>>>> feature\n}\n');
    const conflicted = await tml(['next', '--project', root]);
    assert.equal(conflicted.code, 2);
    assert.match(conflicted.err, /holds git conflict markers from a merge\. "Resolve Merge Conflict"/);
    const nowhere = await tml(['list', '--project', path.dirname(root)]);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.err, /No plan at/);
    assert.equal((await tml(['frobnicate', '--project', root])).code, 2);
  });

  it('adds tasks and dependencies, validates and lists tags', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const added = await tml(['add-task', '--title', 'Ship it', '--description', 'Release', '--priority', 'critical', '--dependencies', '2,3', '--json', '--project', root]);
    assert.deepEqual(JSON.parse(added.out), { id: 4 });
    assert.equal((await tml(['add-dependency', '2', '4', '--project', root])).code, 2, 'a cycle is refused');
    assert.equal((await tml(['remove-dependency', '4', '3', '--project', root])).code, 0);
    const saved = JSON.parse(await fs.readFile(tasksFile, 'utf8'));
    assert.deepEqual(saved.master.tasks[3].dependencies, [2]);
    assert.equal(saved.master.tasks[3].priority, 'critical');
    assert.equal((await tml(['validate', '--project', root])).code, 0);
    saved.master.tasks[0].dependencies = [99];
    await fs.writeFile(tasksFile, taskMasterText(saved));
    const invalid = await tml(['validate', '--project', root]);
    assert.equal(invalid.code, 1);
    assert.ok(invalid.out.includes(`${tasksFile}:12:11: error: Task 1 depends on task 99`), invalid.out);
    const tags = JSON.parse((await tml(['tags', '--json', '--project', root])).out);
    assert.deepEqual(tags.map((t: { name: string; current: boolean }) => [t.name, t.current]), [['master', true], ['empty', false]]);
  });

  it('sends proxy headers from TML_OLLAMA_HEADERS to Ollama, and refuses malformed ones', async () => {
    const project = await makeProject(plan());
    const ollama = await OllamaStandIn.start({ models: [{ name: 'qwen2.5-coder:7b' }] });
    try {
      ollama.script({ content: JSON.stringify({ note: 'Checked the endpoint.' }) });
      process.env.TML_OLLAMA_HEADERS = 'Authorization: Bearer s3cret; X-Lab: grey-area';
      const noted = await tml(['update-subtask', '3.2', '--prompt', 'checked', '--endpoint', ollama.url, '--project', project.root]);
      assert.equal(noted.code, 0, noted.err);
      const seen = ollama.requests.at(-1)!.headers;
      assert.deepEqual([seen.authorization, seen['x-lab']], ['Bearer s3cret', 'grey-area']);
      process.env.TML_OLLAMA_HEADER_ORIGINS = 'http://ollama.lan:11434';
      ollama.script({ content: JSON.stringify({ note: 'Again.' }) });
      const elsewhere = await tml(['update-subtask', '3.2', '--prompt', 'again', '--endpoint', ollama.url, '--project', project.root]);
      assert.equal(elsewhere.code, 0, elsewhere.err);
      assert.equal(ollama.requests.at(-1)!.headers.authorization, undefined, 'headers bound to another origin stay home');
      delete process.env.TML_OLLAMA_HEADER_ORIGINS;
      process.env.TML_OLLAMA_HEADERS = 'no colon here';
      const refused = await tml(['update-subtask', '3.2', '--prompt', 'checked', '--endpoint', ollama.url, '--project', project.root]);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /TML_OLLAMA_HEADERS must be "Name: value" pairs/);
    } finally {
      delete process.env.TML_OLLAMA_HEADERS;
      delete process.env.TML_OLLAMA_HEADER_ORIGINS;
      await ollama.stop();
    }
  });

  it('runs as the bundled dist/cli.js', async function () {
    const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
    await fs.access(cli).catch(() => this.skip()); // built by `npm test` before the suites run
    const { root } = await makeProject(plan());
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'next', '--json', '--project', root]);
    assert.equal(JSON.parse(stdout).id, '3.2');
  });
});
