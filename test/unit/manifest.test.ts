import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { CHAT_PARTICIPANT_ID, CommandIds, ContextKeys, MCP_PROVIDER_ID, setStatusCommandId, TREE_SELECTION_ARG, ViewIds, WALKTHROUGH_ID } from '../../src/commands/commandIds';
import { TASK_STATUSES } from '../../src/core/task';
import { languageModelTools, toolContribution } from '../../src/agentTools/toolManifest';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const registered = new Set([...Object.values(CommandIds), ...TASK_STATUSES.map(setStatusCommandId)]);

describe('package.json', () => {
  it('declares exactly the commands the extension registers', () => {
    const declared = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
    assert.deepEqual([...declared].sort(), [...registered].sort());
  });

  it('names only declared commands in menus, and only our own ids', () => {
    for (const [menu, entries] of Object.entries<Array<{ command?: string }>>(manifest.contributes.menus)) {
      for (const entry of entries) if (entry.command) assert.ok(registered.has(entry.command), `${menu} names unknown ${entry.command}`);
    }
    for (const id of [...registered, ViewIds.container, ViewIds.tasks, ...Object.values(ContextKeys)]) {
      assert.ok(id === 'taskmasterLocal' || id.startsWith('taskmasterLocal.'), id);
    }
  });

  it('lives beside Task Master\'s own extension without colliding', () => {
    const containers = manifest.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id);
    assert.ok(!containers.includes('taskmaster'));
    for (const command of registered) assert.ok(!command.startsWith('tm.'));
    const settings = Object.keys(manifest.contributes.configuration?.properties ?? {});
    for (const key of settings) assert.ok(!/^taskmaster\.(mcp|ui|performance|debug)\./.test(key), key);
  });

  it('activates lazily and targets VS Code 1.101 or later', () => {
    assert.ok(manifest.activationEvents.includes('workspaceContains:.taskmaster/tasks/tasks.json'));
    // A glob makes VS Code search the workspace, which code-server gives up on after a few seconds
    // (the extension then waited for the view to be opened); a plain path is one stat.
    const contains = manifest.activationEvents.filter((event: string) => event.startsWith('workspaceContains:'));
    assert.deepEqual(contains.filter((event: string) => /[*?{[]/.test(event)), []);
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${ViewIds.board}`), 'a board left open comes back after a reload');
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.equal(manifest.engines.vscode, '^1.101.0');
  });

  it('binds keys only to registered commands, each key once for any one focus', () => {
    const bindings: Array<{ command: string; key: string; mac: string; when: string; args?: unknown }> = manifest.contributes.keybindings;
    for (const binding of bindings) {
      assert.ok(registered.has(binding.command), binding.command);
      assert.match(binding.key, /^ctrl\+k alt\+[a-z]$/, 'the Ctrl+K Alt+… chords, free among VS Code\'s defaults');
      assert.equal(binding.mac, binding.key.replace('ctrl', 'cmd'));
    }
    const inTree = bindings.filter((binding) => binding.args === TREE_SELECTION_ARG);
    assert.deepEqual(inTree.map((binding) => binding.when), ['focusedView == taskmasterLocal.tasks']);
    for (const { key } of inTree) assert.ok(bindings.some((binding) => binding.key === key && binding.when.includes('focusedView != taskmasterLocal.tasks')), `${key} elsewhere`);
  });

  it('declares the Getting Started walkthrough the extension opens, its steps completing on our own keys and commands', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(`${manifest.publisher}.${manifest.name}#${walkthrough.id}`, WALKTHROUGH_ID);
    const contextKeys = new Set<string>(Object.values(ContextKeys));
    for (const step of walkthrough.steps) {
      assert.ok(existsSync(path.join(root, step.media.markdown)), step.media.markdown);
      for (const event of step.completionEvents as string[]) {
        const [kind, name] = event.split(':');
        assert.ok(kind === 'onContext' ? contextKeys.has(name) : kind === 'onCommand' && registered.has(name), event);
      }
      for (const [, command] of (step.description as string).matchAll(/\(command:([\w.-]+)/g)) {
        assert.ok(registered.has(command) || command.startsWith('workbench.') || command === `${ViewIds.tasks}.focus`, `${step.id} links ${command}`);
      }
    }
    assert.deepEqual(walkthrough.steps.map((step: { id: string }) => step.id), ['plan', 'ollama', 'model', 'prd', 'chat', 'board']);
  });

  it('offers exactly the known statuses as board columns', () => {
    const columns = manifest.contributes.configuration.properties['taskmaster.board.columns'];
    assert.deepEqual(columns.items.enum, [...TASK_STATUSES]);
    assert.ok(columns.default.every((status: string) => columns.items.enum.includes(status)));
  });
});

describe('package.json language-model tools', () => {
  it('declares each plan tool Copilot gets exactly as the code defines it: name, descriptions, input schema', () => {
    assert.deepEqual(manifest.contributes.languageModelTools, languageModelTools().map(toolContribution), 'run npm run update-tool-manifest');
    assert.ok(manifest.contributes.languageModelTools.length >= 9);
  });

  it('declares the @taskmaster participant and the MCP server provider the extension registers', () => {
    assert.deepEqual(manifest.contributes.chatParticipants.map((participant: { id: string }) => participant.id), [CHAT_PARTICIPANT_ID]);
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders.map((provider: { id: string }) => provider.id), [MCP_PROVIDER_ID]);
  });
});
