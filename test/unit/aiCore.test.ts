import * as assert from 'node:assert/strict';
import { normalizeEndpoint, readTaskmasterAiConfig, resolveAiSettings } from '../../src/ai/aiSettings';
import { InferenceCache } from '../../src/ai/inferenceCache';
import { extractJson } from '../../src/ai/ollamaInference';
import { addGeneratedSubtasks, addGeneratedTasks, addProposedTask, type GeneratedOutcome } from '../../src/core/generatedTasks';
import { validatePlan } from '../../src/core/validation';
import { validatedOperation } from '../../src/ai/validatedOperation';
import { OperationError, type PlanOperation } from '../../src/core/operations';
import { locatePlan } from '../../src/store/planLocation';
import { TaskStore } from '../../src/store/taskStore';
import type { LoadedPlan } from '../../src/store/planReader';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeProject, task, tagged } from '../support/planBuilder';

const outcome = (): GeneratedOutcome => ({ ids: [], warnings: [] });

async function storeWith(data: unknown) {
  const project = await makeProject(data);
  const store = new TaskStore(locatePlan(project.root));
  await store.reload();
  return { ...project, store, plan: () => store.state as LoadedPlan };
}

describe('AI settings', () => {
  it('accepts Task Master and OpenAI-style base URLs for the same Ollama server', () => {
    assert.equal(normalizeEndpoint('http://grey-area:11434/api'), 'http://grey-area:11434');
    assert.equal(normalizeEndpoint('http://grey-area:11434/v1/'), 'http://grey-area:11434');
    assert.equal(normalizeEndpoint('grey-area'), 'http://grey-area:11434');
    assert.equal(normalizeEndpoint('https://ollama.lan/'), 'https://ollama.lan');
    assert.equal(normalizeEndpoint('http://ollama.lan'), 'http://ollama.lan', 'a proxy on port 80 keeps its port');
  });

  it('honours an existing Task Master config, with explicit settings on top', async () => {
    const { root } = await makeProject(tagged({ master: [] }));
    await fs.writeFile(
      path.join(root, '.taskmaster', 'config.json'),
      JSON.stringify({ models: { main: { provider: 'ollama', modelId: 'llama3.1:8b' }, fallback: { provider: 'anthropic', modelId: 'x' } }, global: { ollamaBaseURL: 'http://grey-area:11434/api' } }),
    );
    const fromProject = await readTaskmasterAiConfig(root);
    assert.deepEqual(fromProject, { model: 'llama3.1:8b', endpoints: ['http://grey-area:11434'] });
    const settings = resolveAiSettings(fromProject, { model: 'qwen3:8b' });
    assert.equal(settings.model, 'qwen3:8b');
    assert.deepEqual(settings.endpoints, ['http://grey-area:11434']);
    assert.equal(settings.numCtx, 8192);
  });
});

describe('InferenceCache', () => {
  it('serves fresh entries, forgets expired ones and evicts the least recently used', () => {
    let now = 0;
    const cache = new InferenceCache<string>(1000, 2, () => now);
    cache.set('a', 'A');
    cache.set('b', 'B');
    assert.equal(cache.get('a'), 'A');
    cache.set('c', 'C');
    assert.equal(cache.get('b'), undefined, 'b was least recently used');
    now = 1500;
    assert.equal(cache.get('a'), undefined, 'expired');
    assert.deepEqual(cache.stats, { hits: 1, misses: 2, size: 1 });
    assert.notEqual(InferenceCache.key({ model: 'a', messages: [1] }), InferenceCache.key({ model: 'a', messages: [2] }));
  });
});

describe('extractJson', () => {
  it('drops reasoning and fences around the JSON', () => {
    assert.equal(extractJson('<think>plan {it}</think>\n```json\n{"a": [1]}\n```'), '{"a": [1]}');
    assert.equal(extractJson('<think>never closed {"x": 1}'), '');
  });
});

describe('generated tasks', () => {
  it('numbers new subtasks after existing ones and keeps only dependencies among them', async () => {
    const { store, plan } = await storeWith(tagged({ master: [task({ id: 1, subtasks: [{ id: 1 }, { id: 2 }] })] }));
    const result = outcome();
    await store.edit(
      addGeneratedSubtasks(
        '1',
        [
          { id: 1, title: 'A', description: '', details: 'a', dependencies: [] },
          { id: 2, title: 'B', description: '', details: 'b', dependencies: [1, 9] },
        ],
        false,
        result,
      ),
    );
    assert.deepEqual(result.ids, ['1.3', '1.4']);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /dependency 9/);
    const subs = plan().plan.tags.get('master')!.byId.get('1')!.subtasks;
    assert.deepEqual(subs.map((s) => [s.id, s.dependencies]), [['1.1', []], ['1.2', []], ['1.3', []], ['1.4', ['1.3']]]);
  });

  it('replaces subtasks when forced', async () => {
    const { store, plan } = await storeWith(tagged({ master: [task({ id: 1, subtasks: [{ id: 1 }, { id: 2 }] })] }));
    await store.edit(addGeneratedSubtasks('1', [{ id: 5, title: 'Only', description: '', details: '', dependencies: [] }], true, outcome()));
    assert.deepEqual(plan().plan.tags.get('master')!.byId.get('1')!.subtasks.map((s) => s.title), ['Only']);
  });

  it('appends PRD tasks with new ids, mapping reply ids and dropping invented dependencies', async () => {
    const { store, plan } = await storeWith(tagged({ master: [task({ id: 1 }), task({ id: 4 })] }));
    const result = outcome();
    const generated = (id: number, dependencies: number[]) => ({ id, title: `T${id}`, description: 'd', details: '', testStrategy: '', priority: 'high' as const, dependencies });
    await store.edit(addGeneratedTasks([generated(1, [4]), generated(2, [1, 3]), generated(3, [77])], false, result));
    assert.deepEqual(result.ids, ['5', '6', '7']);
    assert.equal(result.warnings.length, 1);
    const view = plan().plan.tags.get('master')!;
    assert.deepEqual(view.tasks.map((t) => [t.id, t.dependencies]), [['1', []], ['4', []], ['5', ['4']], ['6', ['5', '7']], ['7', []]]);
    assert.deepEqual(validatePlan(plan().plan).problems.filter((p) => p.severity === 'error'), []);
  });

  it('adds a proposed task with only dependencies that exist', async () => {
    const { store, plan } = await storeWith(tagged({ master: [task({ id: 1 })] }));
    const result = outcome();
    await store.edit(addProposedTask({ title: 'New', description: 'd', details: '', testStrategy: '', priority: 'low', dependencies: [1, 2] }, result));
    assert.deepEqual(result.ids, ['2']);
    assert.deepEqual(plan().plan.tags.get('master')!.byId.get('2')!.dependencies, ['1']);
    assert.equal(result.warnings.length, 1);
  });
});

describe('the plan validator before an AI write', () => {
  /** An edit as a faulty repair could produce: task 1 made to wait on task 2, which waits on 1. */
  const closeCycle: PlanOperation = ({ plan, tag }) => [{ kind: 'set', path: [...plan.tags.get(tag)!.byId.get('1')!.path, 'dependencies'], value: [2] }];

  it('refuses a write whose result would not validate, and leaves tasks.json as it was', async () => {
    const { store, tasksFile } = await storeWith(tagged({ master: [task({ id: 1 }), task({ id: 2, dependencies: [1] })] }));
    const before = await fs.readFile(tasksFile, 'utf8');
    await assert.rejects(
      store.edit(validatedOperation(closeCycle, 'Expand 1'), 'master'),
      (error: unknown) => OperationError.is(error) && /^Expand 1: the model's answer would leave the plan invalid \(Task \d depends on \d, which closes a dependency cycle/.test(error.message) && /nothing was written/.test(error.message),
    );
    assert.equal(await fs.readFile(tasksFile, 'utf8'), before);
  });

  it('lets a write through when the only errors are ones the plan already had', async () => {
    const { store, plan } = await storeWith(tagged({ master: [task({ id: 1, dependencies: [9] })] }));
    const result = outcome();
    await store.edit(validatedOperation(addProposedTask({ title: 'New', description: 'd', details: '', testStrategy: '', priority: 'low', dependencies: [1] }, result), 'Add task'), 'master');
    assert.deepEqual(plan().plan.tags.get('master')!.byId.get('2')!.dependencies, ['1']);
  });
});
