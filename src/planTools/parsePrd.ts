import { readFile } from 'node:fs/promises';
import { requireTask } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { plural } from '../core/text';
import { ToolInputError, type PlanTool } from './planTool';
import { resolveInside } from '../store/projectPaths';
import { inTag, MODEL_TOOL_ARGUMENTS } from './toolArguments';
import { inferenceOptions, readTag } from './toolContext';
import { modelFields, taskRow } from './taskViews';

type ParsePrdInput = { input: string; numTasks?: number; append: boolean; force: boolean; tag?: string };

/** Where Task Master's project template puts the PRD. */
const DEFAULT_PRD = '.taskmaster/docs/prd.txt';

export const parsePrd: PlanTool<ParsePrdInput> = {
  name: 'parse_prd',
  title: 'Parse PRD',
  description:
    'Turn a requirements document (PRD, text or markdown, inside the project) into tasks with the local Ollama model; ' +
    'a project without tasks.json gets one. ' +
    'When the tag already has tasks, say what to do with them: `append` adds the new tasks after them, `force` replaces them ' +
    '(a backup is kept in .taskmaster/backups). Returns the new tasks as rows.',
  inputSchema: {
    type: 'object',
    properties: {
      input: { type: 'string', minLength: 1, default: DEFAULT_PRD, description: `Path of the PRD, relative to the project folder (default ${DEFAULT_PRD}).` },
      numTasks: { type: 'integer', minimum: 1, maximum: 50, description: 'About how many tasks to create (default 10).' },
      append: { type: 'boolean', default: false, description: 'Add the new tasks after the tag\'s existing tasks.' },
      force: { type: 'boolean', default: false, description: 'Replace the tag\'s existing tasks.' },
      ...MODEL_TOOL_ARGUMENTS,
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    `Turn ${input.input} into ${input.numTasks ?? 'about 10'} tasks with the local model${input.force ? ', replacing the existing tasks' : ''}${inTag(input.tag)}`,
  async run(input, context) {
    if (input.append && input.force) throw new ToolInputError('Give `append` (add after the existing tasks) or `force` (replace them), not both.');
    const file = await resolveInside(context.projectRoot, input.input, 'input');
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ToolInputError(`Cannot read \`input\` ${input.input}: ${error.code === 'ENOENT' ? 'no such file in the project' : error.message}.`);
    });
    // No tasks.json yet is the usual case for a first PRD: then there is no tag to read or protect.
    const missing = (await context.store.reload()).kind === 'missing';
    let tagName = input.tag ?? DEFAULT_TAG;
    if (!missing) {
      const tag = await readTag(context, input.tag);
      if (tag.tasks.length > 0 && !input.append && !input.force) {
        throw new ToolInputError(`Tag "${tag.name}" already has ${plural(tag.tasks.length, 'task')}: pass \`append: true\` to add the PRD's tasks after them, or \`force: true\` to replace them.`);
      }
      tagName = tag.name;
    }
    const outcome = await context.ai.parsePrd(context.store, { text, count: input.numTasks, replace: input.force, tag: tagName }, inferenceOptions(context));
    const after = await readTag(context, tagName);
    return { tag: tagName, tasks: outcome.ids.map((id) => taskRow(requireTask(after, id))), ...modelFields(outcome) };
  },
};
