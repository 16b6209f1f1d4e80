import * as path from 'node:path';
import { complexityReportPath, readComplexityReportFile } from '../store/complexityReport';
import { ToolInputError, type PlanTool } from './planTool';
import { PAGE_ARGUMENTS, TAG_ARGUMENT } from './toolArguments';
import { page } from './taskViews';

type ComplexityReportInput = { offset: number; limit: number; tag?: string };

/** Task Master's report names: task-complexity-report.json, task-complexity-report_TAG.json. */
const REPORT_NAME = /^task-complexity-report(_.+)?\.json$/;

export const complexityReport: PlanTool<ComplexityReportInput> = {
  name: 'complexity_report',
  title: 'Complexity report',
  description:
    'Read the complexity report analyze_project_complexity wrote for a tag (.taskmaster/reports/task-complexity-report*.json, or the ' +
    'report named by `file`): each task\'s score (1-10), recommended subtask count and reasoning, most complex first, one page at a time.',
  inputSchema: { type: 'object', properties: { ...PAGE_ARGUMENTS, tag: TAG_ARGUMENT }, additionalProperties: false },
  mutates: false,
  describeCall: (input) => `Read the complexity report${input.tag ? ` of tag "${input.tag}"` : ''}`,
  async run(input, context) {
    const { location } = context.store;
    // Task Master's `file` on this tool names the report itself; the bridge hands it over as the plan file.
    const named = REPORT_NAME.test(path.basename(location.tasksFile));
    const tag = named ? undefined : (input.tag ?? (await context.store.load()).currentTag);
    const file = tag === undefined ? location.tasksFile : complexityReportPath(location, tag);
    const shown = path.relative(context.projectRoot, file);
    const report = await readComplexityReportFile(file).catch((error: Error) => {
      throw new ToolInputError(`Cannot read the complexity report ${shown}: ${error.message}`);
    });
    if (!report) throw new ToolInputError(`No complexity report at ${shown}: run analyze_project_complexity${tag ? ` for tag "${tag}"` : ''} first.`);
    const entries = [...report.complexityAnalysis].sort((a, b) => b.complexityScore - a.complexityScore);
    const { items, ...paging } = page(entries, input.offset, input.limit);
    return { ...(tag ? { tag } : {}), report: shown, generatedAt: report.meta?.generatedAt, ...paging, tasks: items };
  },
};
