import { configSection, readTaskmasterConfig, updateTaskmasterConfig, type TaskmasterConfig } from '../store/taskmasterConfig';
import type { PlanTool, PlanToolContext } from './planTool';

type ModelsInput = { setMain?: string; setResearch?: string; setFallback?: string; listAvailableModels: boolean; ollama?: boolean };

/** Task Master's model roles and the argument that sets each. */
const ROLES = [
  ['main', 'setMain'],
  ['research', 'setResearch'],
  ['fallback', 'setFallback'],
] as const;

const MODEL_NAME = { type: 'string', minLength: 1, pattern: '^\\S+$' };

export const models: PlanTool<ModelsInput> = {
  name: 'models',
  title: 'Models',
  description:
    'Read or set the Ollama models of .taskmaster/config.json: `main` does the work, `fallback` answers when main fails, `research` ' +
    'is Task Master\'s research role. `listAvailableModels` lists what the configured Ollama hosts have installed. A model set here ' +
    'applies to the next AI call, unless the editor\'s settings or the --model flag name one, which win.',
  inputSchema: {
    type: 'object',
    properties: {
      setMain: { ...MODEL_NAME, description: 'Ollama model for the main role, e.g. "qwen2.5-coder:7b".' },
      setResearch: { ...MODEL_NAME, description: 'Ollama model for the research role.' },
      setFallback: { ...MODEL_NAME, description: 'Ollama model for the fallback role.' },
      listAvailableModels: { type: 'boolean', default: false, description: 'Also list the models installed on the Ollama hosts.' },
      ollama: { type: 'boolean', description: 'Accepted as Task Master takes it: every model here is an Ollama model.' },
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => {
    const changes = ROLES.flatMap(([role, argument]) => (input[argument] ? [`${role} to ${input[argument]}`] : []));
    return changes.length ? `Set the ${changes.join(', ')} model in .taskmaster/config.json` : 'Read the configured models';
  },
  async run(input, context) {
    const changes = ROLES.flatMap(([role, argument]) => (input[argument] ? [{ role, modelId: input[argument] }] : []));
    const config = changes.length
      ? await updateTaskmasterConfig(context.projectRoot, (current) => {
          const section = configSection(current, 'models');
          for (const { role, modelId } of changes) section[role] = { ...roleEntry(section[role]), provider: 'ollama', modelId };
        })
      : await readTaskmasterConfig(context.projectRoot);
    const installed = changes.length || input.listAvailableModels ? await context.ai.models.listModels([...context.ai.inference.endpoints]) : [];
    const missing = changes.filter(({ modelId }) => !installed.some((model) => sameModel(model.name, modelId)));
    return {
      ...configuredModels(config),
      ...(input.listAvailableModels ? { available: installed.map(({ host, name, parameterSize, quantization }) => ({ host, name, parameterSize, quantization })) } : {}),
      ...(missing.length ? { warnings: missing.map(({ role, modelId }) => notInstalled(role, modelId, context)) } : {}),
    };
  },
};

function roleEntry(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function configuredModels(config: TaskmasterConfig) {
  const section = roleEntry(config.models);
  const global = roleEntry(config.global);
  const role = (name: string) => {
    const entry = roleEntry(section[name]);
    return typeof entry.modelId === 'string' ? { provider: entry.provider ?? null, modelId: entry.modelId } : null;
  };
  return { main: role('main'), research: role('research'), fallback: role('fallback'), ollamaBaseURL: global.ollamaBaseURL ?? null };
}

/** Ollama reads a name without a tag as ":latest". */
function sameModel(installed: string, wanted: string): boolean {
  const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return withTag(installed) === withTag(wanted);
}

function notInstalled(role: string, modelId: string, context: PlanToolContext): string {
  return `The ${role} model ${modelId} is not installed on any reachable Ollama host (${context.ai.inference.endpoints.join(', ')}): run "ollama pull ${modelId}" before using it.`;
}
