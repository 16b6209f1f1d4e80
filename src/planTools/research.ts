import * as path from 'node:path';
import type { AiService, ResearchAnswer } from '../ai/aiService';
import { DETAIL_LEVELS, parseDetailLevel } from '../core/researchPrompt';
import { answeredBy } from '../core/researchRecord';
import { writeResearchAs, writeResearchFile } from '../store/researchContext';
import type { PlanStore } from '../store/planStore';
import type { PlanTool } from './planTool';
import { commaList } from '../core/ids';
import { inTag, quoted, TAG_ARGUMENT } from './toolArguments';
import { inferenceOptions } from './toolContext';

type ResearchInput = {
  query: string;
  taskIds?: string;
  filePaths?: string;
  customContext?: string;
  includeProjectTree?: boolean;
  detailLevel?: string;
  saveTo?: string;
  saveToFile?: boolean;
  tag?: string;
};

/** Where an answer was saved, or why saving it failed (the answer is returned either way). */
export interface ResearchSaving {
  savedTo?: string;
  savedFilePath?: string;
  /** The file named with `tml research --save` (a CLI flag of Task Master's, not an MCP argument). */
  savedAsPath?: string;
  saveError?: string;
}

export const research: PlanTool<ResearchInput> = {
  name: 'research',
  title: 'Research',
  description:
    'Ask a question answered with the project\'s context: chosen tasks (and tasks the question is about), files, custom text and ' +
    'the project file tree. Unlike Task Master, which sends this to a cloud search model, the local Ollama model answers from what ' +
    'it knows, without web access; the result names the model. `saveTo` appends the answer to a task or subtask as a timestamped ' +
    'note; `saveToFile` writes it to .taskmaster/docs/research/.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'The question to research.' },
      taskIds: { type: 'string', description: 'Comma-separated task/subtask ids whose text goes along, e.g. "15,16.2".' },
      filePaths: { type: 'string', description: 'Comma-separated file paths inside the project whose text goes along, e.g. "src/api.ts,README.md".' },
      customContext: { type: 'string', description: 'More context to include, as text.' },
      includeProjectTree: { type: 'boolean', default: false, description: 'Include the project\'s file tree (without .git, node_modules and git-ignored files).' },
      detailLevel: { type: 'string', enum: [...DETAIL_LEVELS], default: 'medium', description: 'How long and thorough the answer is.' },
      saveTo: { type: 'string', description: 'Task or subtask id ("15" or "15.2") to append the answer to, as a timestamped note.' },
      saveToFile: { type: 'boolean', default: false, description: 'Also write the answer to .taskmaster/docs/research/<date>_<query>.md.' },
      tag: TAG_ARGUMENT,
    },
    required: ['query'],
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) =>
    `Research ${quoted(input.query)} with the local Ollama model${input.saveTo ? `, saving the answer to ${input.saveTo}` : ''}${input.saveToFile ? ', saving it to .taskmaster/docs/research' : ''}${inTag(input.tag)}`,
  async run(input, context) {
    const request = {
      query: input.query,
      taskIds: commaList(input.taskIds),
      filePaths: commaList(input.filePaths),
      customContext: input.customContext,
      includeProjectTree: input.includeProjectTree,
      detailLevel: parseDetailLevel(input.detailLevel),
      tag: input.tag,
    };
    const answer = await context.ai.research(context.store, request, undefined, inferenceOptions(context));
    const saving = await saveResearch(context.ai, context.store, answer, { saveTo: input.saveTo, saveToFile: input.saveToFile, tag: input.tag });
    return researchView(answer, saving, context.store.location.root);
  },
};

/** Saves an answer where asked, as Task Master does: a failed save is reported, the answer kept. */
export async function saveResearch(
  ai: AiService,
  store: PlanStore,
  answer: ResearchAnswer,
  target: { saveTo?: string; saveToFile?: boolean; saveAs?: string; tag?: string },
): Promise<ResearchSaving> {
  const saving: ResearchSaving = {};
  try {
    if (target.saveTo) saving.savedTo = await ai.saveResearchToTask(store, answer, { id: target.saveTo, tag: answer.tag ?? target.tag });
    if (target.saveToFile) saving.savedFilePath = await writeResearchFile(store.location.root, answer);
    if (target.saveAs) saving.savedAsPath = await writeResearchAs(target.saveAs, answer);
  } catch (error) {
    saving.saveError = (error as Error).message;
  }
  return saving;
}

/** An answer as the research tool and `tml research --json` give it: Task Master's fields, and who answered. */
export function researchView(answer: ResearchAnswer, saving: ResearchSaving, root: string) {
  return {
    query: answer.query,
    result: answer.answer,
    answeredBy: answeredBy(answer),
    model: answer.model,
    host: answer.host,
    detailLevel: answer.detailLevel,
    contextSize: answer.contextChars,
    contextTokens: answer.contextTokens,
    ...(answer.tag ? { tag: answer.tag } : {}),
    tasks: answer.tasks,
    relatedTasks: answer.relatedTasks,
    files: answer.files,
    projectTree: answer.projectTree,
    ...(answer.cuts.length ? { cuts: answer.cuts } : {}),
    ...(saving.savedTo ? { savedTo: saving.savedTo } : {}),
    ...(saving.savedFilePath ? { savedFilePath: path.relative(root, saving.savedFilePath) } : {}),
    ...(saving.savedAsPath ? { savedAs: path.relative(root, saving.savedAsPath) } : {}),
    ...(saving.saveError ? { saveError: saving.saveError } : {}),
  };
}
