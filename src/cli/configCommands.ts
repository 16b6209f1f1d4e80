import * as path from 'node:path';
import type { AiService } from '../ai/aiService';
import { configureModels, MODEL_ROLES, type ModelsResult } from '../ai/modelRoles';
import { OperationError } from '../core/operations';
import { plural } from '../core/text';
import { complexityReportPath, readComplexityReportFile, type ComplexityEntry } from '../store/complexityReport';
import { responseLanguageSetting } from '../store/taskmasterConfig';
import type { TaskStore } from '../store/taskStore';
import { loadTag, type Print } from './parityCommands';

/** What `models`, `lang` and `complexity-report` take from the command line. */
export interface ConfigOptions {
  project: string;
  tag?: string;
  /** The report to read, for complexity-report (Task Master's --file there). */
  file?: string;
  setMain?: string;
  setResearch?: string;
  setFallback?: string;
  listAvailable?: boolean;
  response?: string;
}

export type ConfigCommand = 'models' | 'lang' | 'complexity-report';

/** Task Master's project-settings commands, over the same functions its MCP tools use. */
export async function runConfigCommand(command: ConfigCommand, options: ConfigOptions, store: TaskStore, print: Print, ai: () => Promise<AiService>): Promise<number> {
  switch (command) {
    case 'models': {
      const set = { main: options.setMain, research: options.setResearch, fallback: options.setFallback };
      const result = await configureModels(options.project, { set, listAvailable: options.listAvailable === true }, await ai());
      print(result, () => describeModels(result));
      return 0;
    }
    case 'lang': {
      const { responseLanguage } = await responseLanguageSetting(options.project, options.response);
      print({ responseLanguage }, () =>
        responseLanguage === null ? 'No response language set in .taskmaster/config.json.' : `Response language: ${responseLanguage}`,
      );
      return 0;
    }
    case 'complexity-report':
      return printComplexityReport(options, store, print);
  }
}

function describeModels(result: ModelsResult): string {
  const roles = MODEL_ROLES.map((role) => {
    const model = result[role];
    return `${role.padEnd(9)} ${model ? `${model.modelId} (${String(model.provider ?? 'no provider')})` : 'not set'}`;
  });
  const hosts = result.ollamaBaseURL ? [`Ollama:   ${String(result.ollamaBaseURL)}`] : [];
  const available = result.available
    ? result.available.length
      ? ['Available on the Ollama hosts:', ...result.available.map((m) => `  ${m.name.padEnd(32)} ${[m.parameterSize, m.quantization].filter(Boolean).join(' ').padEnd(14)} ${m.host}`)]
      : ['No models on the Ollama hosts (none installed, or none reachable).']
    : [];
  return [...roles, ...hosts, ...available, ...(result.warnings ?? []).map((warning) => `warning: ${warning}`)].join('\n');
}

/** `complexity-report`: the report of the tag (or the file named), most complex first, as Task Master shows it. */
async function printComplexityReport(options: ConfigOptions, store: TaskStore, print: Print): Promise<number> {
  const root = store.location.root;
  const tag = options.file ? undefined : (await loadTag(store, options.tag)).name;
  const file = options.file ? path.resolve(root, options.file) : complexityReportPath(store.location, tag!);
  const report = await readComplexityReportFile(file);
  const shown = path.relative(root, file);
  if (!report) throw new OperationError(`No complexity report at ${shown}: run tml analyze-complexity${options.tag ? ` --tag ${options.tag}` : ''} first.`, 'not-found');
  const entries = [...report.complexityAnalysis].sort((a, b) => b.complexityScore - a.complexityScore);
  print(entries, () => {
    const meta = report.meta;
    const summary = meta
      ? `Generated ${meta.generatedAt}; ${plural(meta.tasksAnalyzed, 'task')} analysed of ${meta.totalTasks}; threshold ${meta.thresholdScore}.`
      : `${plural(entries.length, 'task')} analysed.`;
    return [`Complexity report ${shown}`, summary, distribution(entries), '', `${'ID'.padEnd(6)}${'Score'.padEnd(7)}${'Subtasks'.padEnd(10)}Title`, ...entries.flatMap(entryLines)].join('\n');
  });
  return 0;
}

/** Task Master's bands: low 1-4, medium 5-7, high 8-10. */
function distribution(entries: ComplexityEntry[]): string {
  const count = (low: number, high: number) => entries.filter((entry) => entry.complexityScore >= low && entry.complexityScore <= high).length;
  return `Low (1-4): ${count(1, 4)}, medium (5-7): ${count(5, 7)}, high (8-10): ${count(8, 10)}.`;
}

function entryLines(entry: ComplexityEntry): string[] {
  const row = `${String(entry.taskId).padEnd(6)}${String(entry.complexityScore).padEnd(7)}${String(entry.recommendedSubtasks).padEnd(10)}${entry.taskTitle}`;
  const prompt = entry.expansionPrompt ? ` --prompt ${shellQuoted(entry.expansionPrompt)}` : '';
  return [row, `${' '.repeat(6)}tml expand ${entry.taskId} --num ${entry.recommendedSubtasks}${prompt}`];
}

/** Quoted for a POSIX shell, so the expansion command can be pasted as it is. */
function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
