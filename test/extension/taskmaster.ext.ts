/**
 * Extension-host test cases: the real extension, the real VS Code API, a copy of demo/ as the
 * workspace. They reach the extension through the API activate() returns and its real commands.
 * Each test reads the file as it finds it, so they pass in any order.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskmasterApi } from '../../src/extension';
import type { TaskElement, TreeElement } from '../../src/tree/taskTreeModel';

const EXTENSION_ID = 'taskmaster-local.taskmaster-local';

interface RawTask {
  id: number;
  title: string;
  status: string;
  subtasks?: RawTask[];
}
type TasksFile = Record<string, { tasks: RawTask[]; metadata?: Record<string, unknown> }>;

export function taskmasterTests(): void {
  describe('Taskmaster Local in the extension host', () => {
    let api: TaskmasterApi;
    let extension: vscode.Extension<TaskmasterApi>;
    let tasksFile: string;
    const readTasks = (): TasksFile => JSON.parse(fs.readFileSync(tasksFile, 'utf8'));

    /** The current tag's task elements, as the tree shows them (under a tag row when there are several tags). */
    const currentTaskElements = (): TaskElement[] => {
      const roots = api.model.roots();
      const currentTag = roots.find((element) => element.kind === 'tag' && element.current);
      const rows = currentTag ? api.model.children(currentTag) : roots;
      return rows.filter((element): element is TaskElement => element.kind === 'task');
    };

    before(async () => {
      const found = vscode.extensions.getExtension<TaskmasterApi>(EXTENSION_ID);
      assert.ok(found, `${EXTENSION_ID} is not installed in this VS Code`);
      extension = found;
      api = await extension.activate();
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'open a copy of demo/ as the workspace');
      tasksFile = path.join(folder.uri.fsPath, '.taskmaster', 'tasks', 'tasks.json');
      assert.ok(fs.existsSync(tasksFile), `the workspace has no ${tasksFile}`);
    });

    it('shows the workspace plan: a row per tag, the current tag expanded into its tasks', () => {
      const data = readTasks();
      const state = JSON.parse(fs.readFileSync(path.join(path.dirname(tasksFile), '..', 'state.json'), 'utf8'));
      const roots = api.model.roots();
      assert.deepEqual(
        roots.map((element) => (element.kind === 'tag' ? `${element.tag}${element.current ? ' (current)' : ''}` : element.kind)),
        Object.keys(data).map((tag) => `${tag}${tag === state.currentTag ? ' (current)' : ''}`),
      );
      assert.deepEqual(
        currentTaskElements().map((element) => `${element.task.id} ${element.task.title} [${element.task.status}]`),
        data[state.currentTag].tasks.map((task) => `${task.id} ${task.title} [${task.status}]`),
      );
    });

    it('marks exactly one task of the current tag as next', () => {
      const withSubtasks: TreeElement[] = currentTaskElements().flatMap((element) => [element, ...api.model.children(element)]);
      assert.equal(withSubtasks.filter((element) => element.kind === 'task' && element.isNext).length, 1);
    });

    it('taskmasterLocal.setStatus.done on a tree element writes tasks.json', async () => {
      const element = currentTaskElements().find((candidate) => candidate.task.status === 'pending' && candidate.task.subtasks.length === 0);
      assert.ok(element, 'the plan needs a pending task without subtasks');
      await vscode.commands.executeCommand('taskmasterLocal.setStatus.done', element);
      const written = readTasks()[element.tag].tasks.find((task) => String(task.id) === element.task.id);
      assert.equal(written?.status, 'done');
      const shown = currentTaskElements().find((candidate) => candidate.task.id === element.task.id);
      assert.equal(shown?.task.status, 'done', 'the model shows the new status as soon as the command returns');
      const ledger = await api.activity.ready;
      assert.ok(ledger, 'the activity ledger opened (its wasm ships in dist/)');
      const recorded = ledger.history(element.task.id, { tag: element.tag }).filter((event) => event.kind === 'status');
      assert.equal(recorded.at(-1)?.kind === 'status' && recorded.at(-1)?.data.to, 'done', 'the change is in the activity ledger');
    });

    it('an edit made outside VS Code reaches the model', async () => {
      const data = readTasks();
      const tag = currentTaskElements()[0].tag;
      const task = data[tag].tasks[data[tag].tasks.length - 1];
      task.title = `${task.title} (edited outside at ${Date.now()})`;
      fs.writeFileSync(tasksFile, JSON.stringify(data, null, 2));
      const deadline = Date.now() + 5000;
      let shown: string | undefined;
      while (Date.now() < deadline) {
        shown = currentTaskElements().find((element) => element.task.id === String(task.id))?.task.title;
        if (shown === task.title) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail(`after 5 s the model still shows task ${task.id} as "${shown}", not "${task.title}"`);
    });

    it('offers the plan tools to language models, and an invoked tool changes tasks.json', async () => {
      const declared: string[] = extension.packageJSON.contributes.languageModelTools.map((entry: { name: string }) => entry.name);
      const available = new Set(vscode.lm.tools.map((tool) => tool.name));
      assert.deepEqual(declared.filter((name) => !available.has(name)), []);
      const tag = currentTaskElements()[0].tag;
      const task = readTasks()[tag].tasks.find((candidate) => candidate.status === 'pending');
      assert.ok(task, 'the plan needs a pending task');
      const result = await vscode.lm.invokeTool('taskmaster_set_task_status', { input: { id: String(task.id), status: 'review' }, toolInvocationToken: undefined });
      const reply = JSON.parse(result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join(''));
      assert.deepEqual(reply.tasks, [{ id: String(task.id), previousStatus: 'pending' }]);
      assert.equal(readTasks()[tag].tasks.find((candidate) => candidate.id === task.id)?.status, 'review');
    });

    it('answers a tool call with wrong arguments with an error the model can read, changing nothing', async () => {
      const before = fs.readFileSync(tasksFile, 'utf8');
      await assert.rejects(
        Promise.resolve(vscode.lm.invokeTool('taskmaster_set_task_status', { input: { id: '1', status: 'finished' }, toolInvocationToken: undefined })),
        (error: Error) => /status/.test(error.message) && /pending/.test(error.message),
      );
      await assert.rejects(
        Promise.resolve(vscode.lm.invokeTool('taskmaster_get_task', { input: { id: '999' }, toolInvocationToken: undefined })),
        (error: Error) => /No task 999/.test(error.message) && /Closest ids/.test(error.message),
      );
      assert.equal(fs.readFileSync(tasksFile, 'utf8'), before);
    });

    it('registers every command package.json declares', async () => {
      const declared: string[] = extension.packageJSON.contributes.commands.map((entry: { command: string }) => entry.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(declared.filter((command) => !registered.has(command)), []);
    });
  });
}
