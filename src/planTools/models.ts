import { configureModels, MODEL_ROLES } from '../ai/modelRoles';
import type { PlanTool } from './planTool';

type ModelsInput = { setMain?: string; setResearch?: string; setFallback?: string; listAvailableModels: boolean; ollama?: boolean };

/** The argument that sets each of Task Master's model roles. */
const ARGUMENT = { main: 'setMain', research: 'setResearch', fallback: 'setFallback' } as const;

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
    const changes = MODEL_ROLES.flatMap((role) => (input[ARGUMENT[role]] ? [`${role} to ${input[ARGUMENT[role]]}`] : []));
    return changes.length ? `Set the ${changes.join(', ')} model in .taskmaster/config.json` : 'Read the configured models';
  },
  run: (input, context) =>
    configureModels(context.projectRoot, { set: { main: input.setMain, research: input.setResearch, fallback: input.setFallback }, listAvailable: input.listAvailableModels }, context.ai),
};
