import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ComplexityAnalysis } from '../core/aiSchemas';
import { isValidTagName, OperationError } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { writeFileAtomic } from './atomicWrite';
import type { PlanLocation } from './planLocation';

/** One entry of Task Master's task-complexity-report.json. */
export interface ComplexityEntry extends ComplexityAnalysis {
  taskTitle: string;
}

export interface ComplexityReport {
  meta: {
    generatedAt: string;
    tasksAnalyzed: number;
    totalTasks: number;
    analysisCount: number;
    thresholdScore: number;
    projectName: string;
    usedResearch: boolean;
  };
  complexityAnalysis: ComplexityEntry[];
}

/**
 * Task Master keeps one report per tag: the master tag's has no suffix. The tag becomes part of a
 * file name, so a name that could leave reports/ ("../x", "a/b") has no report.
 */
export function complexityReportPath(location: PlanLocation, tag: string): string {
  if (tag !== DEFAULT_TAG && !isValidTagName(tag)) throw new OperationError(`Tag "${tag}" cannot name a report file: use letters, digits, ".", "_" and "-" only.`, 'invalid');
  const name = tag === DEFAULT_TAG ? 'task-complexity-report.json' : `task-complexity-report_${tag}.json`;
  return path.join(location.taskmasterDir, 'reports', name);
}

export async function readComplexityReport(location: PlanLocation, tag: string): Promise<ComplexityReport | undefined> {
  return readComplexityReportFile(complexityReportPath(location, tag)).catch(() => undefined);
}

/** A report file: undefined when there is none; a file that is not a readable report throws, saying why. */
export async function readComplexityReportFile(file: string): Promise<ComplexityReport | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const report = JSON.parse(text) as ComplexityReport;
  if (!Array.isArray(report?.complexityAnalysis)) throw new Error(`${file} is not a complexity report: it has no complexityAnalysis list.`);
  return report;
}

/** Writes the report, keeping entries of tasks this run did not analyse, as Task Master does. */
export async function writeComplexityReport(location: PlanLocation, tag: string, entries: ComplexityEntry[], totalTasks: number): Promise<string> {
  const file = complexityReportPath(location, tag);
  const previous = (await readComplexityReport(location, tag))?.complexityAnalysis ?? [];
  const analysed = new Set(entries.map((entry) => entry.taskId));
  const merged = [...previous.filter((entry) => !analysed.has(entry.taskId)), ...entries].sort((a, b) => a.taskId - b.taskId);
  const report: ComplexityReport = {
    meta: {
      generatedAt: new Date().toISOString(),
      tasksAnalyzed: entries.length,
      totalTasks,
      analysisCount: merged.length,
      thresholdScore: 5,
      projectName: path.basename(location.root),
      usedResearch: false,
    },
    complexityAnalysis: merged,
  };
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}
