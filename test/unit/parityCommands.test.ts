import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { tagNameForBranch } from '../../src/store/gitBranch';
import { findRemovableDependencies } from '../../src/core/dependencyRepair';
import { readPlan } from '../../src/core/plan';
import { tml } from '../support/tmlRunner';
import { makeProject, task, tagged } from '../support/planBuilder';
import { OllamaStandIn } from '../support/ollamaStandIn';

const plan = () =>
  tagged({
    master: [task({ id: 1 }), task({ id: 2, dependencies: [1] }), task({ id: 3, subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] })],
  });

async function saved(tasksFile: string) {
  return JSON.parse(await fs.readFile(tasksFile, 'utf8'));
}

describe('tml with task-master command lines', () => {
  it('sets several statuses with --id/--status; the parent follows its subtasks', async () => {
    const { root, tasksFile } = await makeProject(plan());
    assert.equal((await tml(['set-status', '--id', '3.1', '--status', 'done', '-p', root])).code, 0);
    let file = await saved(tasksFile);
    assert.equal(file.master.tasks[2].status, 'in-progress', 'one subtask done: the parent is in progress');
    assert.ok(file.master.tasks[2].subtasks[0].updatedAt && file.master.tasks[2].updatedAt);
    assert.equal(file.master.tasks[2].subtasks[1].updatedAt, undefined, 'an unchanged subtask is not stamped');
    assert.equal((await tml(['status', '3.2', 'done', '--project', root])).code, 0);
    file = await saved(tasksFile);
    assert.equal(file.master.tasks[2].status, 'done', 'all subtasks done: the parent is done');
    assert.equal((await tml(['set-status', '-i', '3.1,3.2', '-s', 'pending', '-p', root])).code, 0);
    assert.equal((await saved(tasksFile)).master.tasks[2].status, 'pending', 'all pending again: the parent is pending');
    const before = await fs.readFile(tasksFile, 'utf8');
    const partial = await tml(['set-status', '--id', '1,9', '--status', 'done', '-p', root]);
    assert.equal(partial.code, 1);
    assert.equal(await fs.readFile(tasksFile, 'utf8'), before, 'a missing id changes nothing');
  });

  it('keeps taskCount and completedCount true where the tag has them', async () => {
    const data = plan() as { master: { metadata: Record<string, unknown> } };
    data.master.metadata = { lastModified: '2025-01-01T00:00:00.000Z', taskCount: 3, completedCount: 0 };
    const { root, tasksFile } = await makeProject(data);
    assert.equal((await tml(['set-status', '--id', '1,2', '--status', 'done', '-p', root])).code, 0);
    const metadata = (await saved(tasksFile)).master.metadata;
    assert.equal(metadata.completedCount, 2);
    assert.notEqual(metadata.lastModified, '2025-01-01T00:00:00.000Z');
  });

  it('adds subtasks and dependencies with task-master flags; a missing dependency to remove is a no-op', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const file = path.relative(root, tasksFile);
    const added = await tml(['add-subtask', '-p', '1', '-t', 'Step', '-d', 'Do it', '--dependencies', '', '-s', 'review', '-f', tasksFile, '--json']);
    assert.equal(added.code, 0, added.err);
    assert.equal(JSON.parse(added.out).id, '1.1');
    const sub = (await saved(tasksFile)).master.tasks[0].subtasks[0];
    assert.deepEqual([sub.title, sub.description, sub.status, sub.parentTaskId], ['Step', 'Do it', 'review', 1]);
    assert.equal((await tml(['add-dependency', '-i', '3', '-d', '2', '--project', root, '--file', file])).code, 0);
    assert.deepEqual((await saved(tasksFile)).master.tasks[2].dependencies, [2]);
    const before = await fs.readFile(tasksFile, 'utf8');
    const none = await tml(['remove-dependency', '--id', '1', '--depends-on', '2', '--project', root]);
    assert.equal(none.code, 0);
    assert.match(none.out, /does not depend on 2/);
    assert.equal(await fs.readFile(tasksFile, 'utf8'), before);
    assert.equal((await tml(['remove-dependency', '--id', '9', '--depends-on', '1', '--project', root])).code, 1);
  });

  it('needs a description for a manual task, as task-master does', async () => {
    const { root } = await makeProject(plan());
    const result = await tml(['add-task', '--title', 'Lonely', '--project', root]);
    assert.equal(result.code, 2);
    assert.match(result.err, /both --title and --description/);
  });

  it('refuses an option the command does not take, and reads -f per command', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const unknown = await tml(['set-status', '--id', '1', '--status', 'done', '--bogus', '-p', root]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /Unknown option '--bogus' for set-status/);
    assert.equal((await tml(['next', '-f', 'json', '-p', root])).code, 0, '-f is --format on next');
    assert.equal(JSON.parse((await tml(['show', '3', '--format', 'json', '-p', root])).out).id, 3);
    assert.equal((await tml(['list', '-f', 'yaml', '-p', root])).code, 2);
    assert.equal((await tml(['fix-dependencies', '-f', tasksFile])).code, 0, '-f is --file on fix-dependencies');
    assert.equal((await tml(['add-dependency', '--prompt', 'x', '-p', root])).code, 2, 'add-dependency has no --prompt');
  });

  it('lists subtasks only when asked, as task-master list does', async () => {
    const { root } = await makeProject(plan());
    assert.doesNotMatch((await tml(['list', '-p', root])).out, /Subtask 1/);
    assert.match((await tml(['list', '--with-subtasks', '-p', root])).out, /Subtask 1/);
    assert.match((await tml(['list', 'all', '-p', root])).out, /Subtask 1/);
  });

  it('finds missing, self and duplicate dependencies, reading subtask numbers as siblings, and leaves cycles', () => {
    const view = readPlan(
      tagged({ master: [task({ id: 1, dependencies: [1, 9, '2', 2] }), task({ id: 2, dependencies: [1] }), task({ id: 3, subtasks: [{ id: 1, dependencies: [1, 2, '3.2'] }, { id: 2 }] })] }),
    ).tags.get('master')!;
    const found = findRemovableDependencies(view).map(({ taskId, dependency, reason }) => `${taskId}->${dependency}:${reason}`);
    assert.deepEqual(found, ['1->1:self', '1->9:missing', '1->2:duplicate', '3.1->3.1:self', '3.1->3.2:duplicate']);
  });

  it('creates, copies, renames, switches and deletes tags, following the current tag in state.json', async () => {
    const { root, tasksFile } = await makeProject(plan(), { currentTag: 'master' });
    const run = async (...args: string[]) => {
      const result = await tml([...args, '--project', root]);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.err}`);
    };
    await run('add-tag', 'feat', '--copy-from-current', '-d', 'Feature work');
    await run('tags', 'use', 'feat');
    await run('rename-tag', 'feat', 'feature');
    const state = async () => JSON.parse(await fs.readFile(path.join(root, '.taskmaster', 'state.json'), 'utf8')).currentTag;
    assert.equal(await state(), 'feature', 'renaming the current tag keeps it current');
    await run('copy-tag', 'feature', 'copy');
    let file = await saved(tasksFile);
    assert.deepEqual(Object.keys(file), ['master', 'feature', 'copy']);
    assert.deepEqual(file.copy.tasks, file.master.tasks);
    assert.equal(file.feature.metadata.renamed.from, 'feat');
    assert.equal(file.copy.metadata.copiedFrom.tag, 'feature');
    assert.equal((await tml(['copy-tag', 'feature', 'copy', '--project', root])).code, 2, 'an existing target is refused');
    assert.equal((await tml(['add-tag', 'v1.2', '--project', root])).code, 2, "task-master's tag names have no dots");
    assert.equal((await tml(['delete-tag', 'feature', '--project', root])).code, 2, 'deleting needs -y');
    await run('delete-tag', 'feature', '-y');
    assert.equal(await state(), 'master', 'deleting the current tag goes back to master');
    file = await saved(tasksFile);
    assert.deepEqual(Object.keys(file), ['master', 'copy']);
    assert.equal((await tml(['delete-tag', 'master', '-y', '--project', root])).code, 2);
  });

  it('names a tag after the git branch with --from-branch, describes it by the branch and maps the branch to it in state.json, as task-master does', async () => {
    const { root, tasksFile } = await makeProject(plan());
    const stateFile = path.join(root, '.taskmaster', 'state.json');
    await fs.writeFile(stateFile, JSON.stringify({ currentTag: 'master', branchTagMapping: { main: 'master' }, migrationNoticeShown: true }));
    const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: root });
    await git('init', '-q', '-b', 'feature/login-page');
    const result = await tml(['add-tag', '--from-branch', '--project', root]);
    assert.equal(result.code, 0, result.err);
    const file = await saved(tasksFile);
    assert.equal(file['feature-login-page'].metadata.description, 'Tag created from git branch "feature/login-page"');
    assert.deepEqual(JSON.parse(await fs.readFile(stateFile, 'utf8')), {
      currentTag: 'master',
      branchTagMapping: { main: 'master', 'feature/login-page': 'feature-login-page' },
      migrationNoticeShown: true,
    });
    await git('checkout', '-q', '-b', 'fix/crash');
    const spelled = await tml(['tags', 'add', '--from-branch', '-d', 'Crash fix', '--project', root]);
    assert.equal(spelled.code, 0, spelled.err);
    assert.equal((await saved(tasksFile))['fix-crash'].metadata.description, 'Crash fix');
    assert.equal(JSON.parse(await fs.readFile(stateFile, 'utf8')).branchTagMapping['fix/crash'], 'fix-crash');
    assert.equal(tagNameForBranch('bugfix/#12 crash'), 'bugfix-12-crash');
  });
});

/** A config.json as task-master init writes it, trimmed to the fields these commands touch and one they must keep. */
const taskMasterConfig = {
  models: {
    main: { provider: 'anthropic', modelId: 'claude-sonnet-4', maxTokens: 64000, temperature: 0.2 },
    fallback: { provider: 'ollama', modelId: 'llama3.1:8b', maxTokens: 8192, temperature: 0.1 },
  },
  global: { logLevel: 'info', defaultSubtasks: 5, projectName: 'Demo', responseLanguage: 'English' },
};

async function projectWithConfig() {
  const project = await makeProject(plan());
  const configFile = path.join(project.root, '.taskmaster', 'config.json');
  await fs.writeFile(configFile, JSON.stringify(taskMasterConfig, null, 2) + '\n');
  return { ...project, configFile };
}

/** A report in the shape task-master analyze-complexity writes. */
const report = (entries: Array<{ taskId: number; taskTitle: string; complexityScore: number; recommendedSubtasks: number; expansionPrompt: string }>) => ({
  meta: { generatedAt: '2026-01-05T10:00:00.000Z', tasksAnalyzed: entries.length, totalTasks: 3, analysisCount: entries.length, thresholdScore: 5, projectName: 'Demo', usedResearch: false },
  complexityAnalysis: entries.map((entry) => ({ ...entry, reasoning: 'Several parts.' })),
});

describe('tml models, lang and complexity-report', () => {
  it('models --set-main writes an Ollama model into config.json and keeps every other field', async () => {
    const { root, configFile } = await projectWithConfig();
    const ollama = await OllamaStandIn.start({ models: [{ name: 'qwen2.5-coder:7b' }] });
    try {
      const set = await tml(['models', '--set-main', 'qwen2.5-coder:7b', '--ollama', '--endpoint', ollama.url, '--project', root]);
      assert.equal(set.code, 0, set.err);
      assert.match(set.out, /^main {6}qwen2\.5-coder:7b \(ollama\)$/m);
      assert.doesNotMatch(set.out, /warning/, 'the model is installed');
      const config = await saved(configFile);
      assert.deepEqual(config.models.main, { provider: 'ollama', modelId: 'qwen2.5-coder:7b', maxTokens: 64000, temperature: 0.2 });
      assert.deepEqual(config.models.fallback, taskMasterConfig.models.fallback);
      assert.deepEqual(config.global, taskMasterConfig.global);
      const read = JSON.parse((await tml(['models', '--format', 'json', '--project', root])).out);
      assert.deepEqual(read, { main: { provider: 'ollama', modelId: 'qwen2.5-coder:7b' }, research: null, fallback: { provider: 'ollama', modelId: 'llama3.1:8b' }, ollamaBaseURL: null });
    } finally {
      await ollama.stop();
    }
  });

  it('models --list-available lists what the Ollama host has, and warns about a model it lacks', async () => {
    const { root, configFile } = await projectWithConfig();
    const ollama = await OllamaStandIn.start({ models: [{ name: 'llama3.2:3b' }, { name: 'qwen2.5-coder:7b' }] });
    try {
      const listed = await tml(['models', '--list-available', '--json', '--endpoint', ollama.url, '--project', root]);
      assert.equal(listed.code, 0, listed.err);
      assert.deepEqual(JSON.parse(listed.out).available.map((model: { name: string; host: string }) => [model.name, model.host]), [['llama3.2:3b', ollama.url], ['qwen2.5-coder:7b', ollama.url]]);
      const text = await tml(['models', '--list-available', '--set-research', 'mistral:7b', '--endpoint', ollama.url, '--project', root]);
      assert.match(text.out, /^Available on the Ollama hosts:\n {2}llama3\.2:3b/m);
      assert.match(text.out, /warning: The research model mistral:7b is not installed on any reachable Ollama host/);
      assert.deepEqual((await saved(configFile)).models.research, { provider: 'ollama', modelId: 'mistral:7b' }, 'set even so: it may be pulled later');
    } finally {
      await ollama.stop();
    }
  });

  it('lang --response sets the response language; lang prints it', async () => {
    const { root, configFile } = await projectWithConfig();
    assert.equal((await tml(['lang', '--project', root])).out, 'Response language: English');
    const set = await tml(['lang', '--response', 'Deutsch', '--project', root]);
    assert.equal(set.code, 0, set.err);
    assert.equal((await tml(['lang', '--project', root])).out, 'Response language: Deutsch');
    assert.deepEqual(JSON.parse((await tml(['lang', '--json', '--project', root])).out), { responseLanguage: 'Deutsch' });
    assert.deepEqual((await saved(configFile)).global, { ...taskMasterConfig.global, responseLanguage: 'Deutsch' });
  });

  it('complexity-report prints the report of the current tag, most complex first, with the expand command', async () => {
    const { root } = await makeProject(plan());
    const reports = path.join(root, '.taskmaster', 'reports');
    await fs.mkdir(reports, { recursive: true });
    await fs.writeFile(
      path.join(reports, 'task-complexity-report.json'),
      JSON.stringify(report([
        { taskId: 1, taskTitle: 'Set up the repo', complexityScore: 3, recommendedSubtasks: 2, expansionPrompt: 'Split setup.' },
        { taskId: 3, taskTitle: 'Build the API', complexityScore: 8, recommendedSubtasks: 6, expansionPrompt: "Cover each endpoint's errors." },
      ]), null, 2),
    );
    const shown = await tml(['complexity-report', '--project', root]);
    assert.equal(shown.code, 0, shown.err);
    const lines = shown.out.split('\n');
    assert.equal(lines[0], `Complexity report ${path.join('.taskmaster', 'reports', 'task-complexity-report.json')}`);
    assert.equal(lines[1], 'Generated 2026-01-05T10:00:00.000Z; 2 tasks analysed of 3; threshold 5.');
    assert.equal(lines[2], 'Low (1-4): 1, medium (5-7): 0, high (8-10): 1.');
    assert.deepEqual(lines.slice(4), [
      'ID    Score  Subtasks  Title',
      '3     8      6         Build the API',
      `      tml expand 3 --num 6 --prompt 'Cover each endpoint'\\''s errors.'`,
      '1     3      2         Set up the repo',
      `      tml expand 1 --num 2 --prompt 'Split setup.'`,
    ]);
    const json = JSON.parse((await tml(['complexity-report', '--json', '--project', root])).out);
    assert.deepEqual(json.map((entry: { taskId: number }) => entry.taskId), [3, 1]);
    const named = await tml(['complexity-report', '-f', path.join('.taskmaster', 'reports', 'task-complexity-report.json'), '--json', '--project', root]);
    assert.deepEqual(JSON.parse(named.out), json);
  });

  it('complexity-report reads the tag\'s own report, and exits 1 saying to run analyze-complexity when there is none', async () => {
    const { root } = await makeProject(tagged({ master: [task({ id: 1 })], feature: [task({ id: 1 })] }));
    const missing = await tml(['complexity-report', '--project', root]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No complexity report at .*task-complexity-report\.json: run tml analyze-complexity first\./);
    const reports = path.join(root, '.taskmaster', 'reports');
    await fs.mkdir(reports, { recursive: true });
    await fs.writeFile(path.join(reports, 'task-complexity-report_feature.json'), JSON.stringify(report([{ taskId: 1, taskTitle: 'Feature', complexityScore: 5, recommendedSubtasks: 3, expansionPrompt: '' }])));
    const feature = await tml(['complexity-report', '--tag', 'feature', '--project', root]);
    assert.equal(feature.code, 0, feature.err);
    assert.match(feature.out, /^1 {5}5 {6}3 {9}Feature\n {6}tml expand 1 --num 3$/m);
    const otherMissing = await tml(['complexity-report', '--tag', 'master', '--project', root]);
    assert.match(otherMissing.err, /run tml analyze-complexity --tag master first/);
  });
});
