import * as path from 'node:path';
import type { PlanTool } from './planTool';
import { inTag, MODEL_TOOL_ARGUMENTS } from './toolArguments';
import { inferenceOptions, readTag } from './toolContext';
import { modelFields } from './taskViews';

type AnalyzeProjectComplexityInput = { tag?: string };

export const analyzeProjectComplexity: PlanTool<AnalyzeProjectComplexityInput> = {
  name: 'analyze_project_complexity',
  title: 'Analyze project complexity',
  description:
    'Rate every open top-level task\'s complexity (1-10) with the local Ollama model and write Task Master\'s complexity report ' +
    '(.taskmaster/reports/). expand_task then uses each task\'s recommended subtask count and guidance. Returns the ratings, most complex first.',
  inputSchema: { type: 'object', properties: MODEL_TOOL_ARGUMENTS, additionalProperties: false },
  mutates: true,
  describeCall: (input) => `Rate the open tasks' complexity with the local model and write the complexity report${inTag(input.tag)}`,
  async run(input, context) {
    const tag = await readTag(context, input.tag);
    const result = await context.ai.analyzeComplexity(context.store, { tag: tag.name }, inferenceOptions(context));
    return {
      tag: tag.name,
      report: path.relative(context.projectRoot, result.file),
      tasks: result.entries
        .map((entry) => ({ id: String(entry.taskId), title: entry.taskTitle, complexityScore: entry.complexityScore, recommendedSubtasks: entry.recommendedSubtasks }))
        .sort((a, b) => b.complexityScore - a.complexityScore),
      ...modelFields(result),
    };
  },
};
