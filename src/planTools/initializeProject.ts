import * as path from 'node:path';
import { initializeProject as initializeProjectFiles } from '../store/projectInit';
import type { PlanTool } from './planTool';

type InitializeProjectInput = Record<string, boolean | undefined>;

/** Task Master's switches for npm, shell aliases, git and editor rules: nothing here installs or runs those. */
const IGNORED_SWITCHES = ['skipInstall', 'addAliases', 'initGit', 'storeTasksInGit', 'yes'];

export const initializeProject: PlanTool<InitializeProjectInput> = {
  name: 'initialize_project',
  title: 'Initialize project',
  description:
    'Set up Task Master in the project folder as `task-master init` does: .taskmaster/ with tasks/tasks.json (an empty "master" tag), ' +
    'config.json (local Ollama models), state.json, docs/, reports/ and an example PRD in templates/. Files that exist are left as ' +
    'they are. Returns the files created. Next: write the PRD to .taskmaster/docs/prd.txt and call parse_prd.',
  inputSchema: {
    type: 'object',
    properties: Object.fromEntries(IGNORED_SWITCHES.map((name) => [name, { type: 'boolean', description: 'Accepted as Task Master takes it; nothing is installed or run.' }])),
    additionalProperties: false,
  },
  mutates: true,
  describeCall: () => 'Create .taskmaster/ with tasks.json, config.json and state.json where missing',
  async run(_input, context) {
    const created = await initializeProjectFiles(context.store.location);
    await context.store.reload();
    return { projectRoot: context.projectRoot, created: created.map((file) => path.relative(context.projectRoot, file)) };
  },
};
