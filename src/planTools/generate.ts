import * as path from 'node:path';
import { TASK_FILES_DIR, writeTaskFiles } from '../store/taskFileWriter';
import type { PlanTool } from './planTool';
import { resolveInside } from '../store/projectPaths';
import { inTag, TAG_ARGUMENT } from './toolArguments';
import { readTag } from './toolContext';

type GenerateInput = { output?: string; tag?: string };

export const generate: PlanTool<GenerateInput> = {
  name: 'generate',
  title: 'Generate task files',
  description:
    'Write one markdown file per task of the tag (task_001.md, …, with its subtasks), as `task-master generate` does, and remove the files ' +
    'of tasks the tag no longer has. Returns how many were written and where.',
  inputSchema: {
    type: 'object',
    properties: {
      output: { type: 'string', minLength: 1, description: `Folder for the files, relative to the project folder and inside it (default ${TASK_FILES_DIR}).` },
      tag: TAG_ARGUMENT,
    },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => `Write the task files${inTag(input.tag)} to ${input.output ?? TASK_FILES_DIR}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const directory = await resolveInside(context.projectRoot, input.output ?? TASK_FILES_DIR, 'output');
    const written = await writeTaskFiles(tag, directory);
    return { tag: tag.name, ...written, directory: path.relative(context.projectRoot, directory) || '.' };
  },
};
