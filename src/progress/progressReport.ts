import { markdownCell } from '../core/markdown';
import type { TagView } from '../core/plan';
import type { ActivityLedger } from '../ledger';
import type { LedgerEvent } from '../ledger/types';

export interface ReportPeriod {
  from: Date;
  to: Date;
  label: string;
}

/** "7d", "2w", "24h" or "today" as a period ending now. */
export function parsePeriod(text: string, now = new Date()): ReportPeriod {
  if (text === 'today') {
    const from = new Date(now);
    from.setHours(0, 0, 0, 0);
    return { from, to: now, label: 'today' };
  }
  const match = /^(\d+)\s*([hdw])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a period: use today, 24h, 7d or 4w.`);
  const hours = Number(match[1]) * { h: 1, d: 24, w: 24 * 7 }[match[2] as 'h' | 'd' | 'w'];
  return { from: new Date(now.getTime() - hours * 3600_000), to: now, label: `the last ${match[1]}${match[2]}` };
}

function describeEvent(event: LedgerEvent): string {
  switch (event.kind) {
    case 'status':
      return `status ${event.data.from ?? 'new'} → ${event.data.to}`;
    case 'save':
      return `saved ${event.data.file}`;
    case 'commit':
      return `commit ${event.data.sha.slice(0, 7)}${event.data.message ? ` "${event.data.message.split('\n')[0]}"` : ''}`;
    case 'ai':
      return `AI ${event.data.operation}${event.data.model ? ` (${event.data.model})` : ''}`;
  }
}

export function eventLine(event: LedgerEvent): string {
  return `${new Date(event.at).toISOString().replace('T', ' ').slice(0, 16)}  ${event.taskId ? `${event.taskId}  ` : ''}${describeEvent(event)}`;
}

const day = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');

/** A task's history for its tooltip: when it started, saves, commits, time in progress. */
export function summarizeHistory(events: LedgerEvent[], status: string, now = Date.now()): string[] {
  const lines: string[] = [];
  const started = events.filter((event) => event.kind === 'status' && event.data.to === 'in-progress').at(-1);
  if (started) lines.push(`started ${day(started.at)}${status === 'in-progress' ? `, in progress for ${duration(now - started.at)}` : ''}`);
  const done = events.filter((event) => event.kind === 'status' && event.data.to === 'done').at(-1);
  if (done) lines.push(`done ${day(done.at)}`);
  const saves = events.filter((event) => event.kind === 'save');
  if (saves.length) lines.push(`${saves.length} save${saves.length === 1 ? '' : 's'}, last ${day(saves.at(-1)!.at)}`);
  for (const commit of events.filter((event) => event.kind === 'commit').slice(-5)) lines.push(describeEvent(commit));
  return lines;
}

function duration(ms: number): string {
  const hours = Math.floor(ms / 3600_000);
  return hours >= 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours} h ${Math.floor((ms % 3600_000) / 60_000)} min`;
}

/**
 * A markdown progress report for one tag of the project at `folder` (its root): what was completed
 * in the period, what is in progress with its latest activity, what is blocked and why, velocity,
 * and commits per task.
 */
export function renderProgressReport(ledger: ActivityLedger, tag: TagView, period: ReportPeriod, folder: string): string {
  const scope = { tag: tag.name, folder };
  const completed = ledger.completedBetween(period.from, period.to, scope);
  const inProgress = tag.tasks.filter((task) => task.status === 'in-progress');
  const activity = ledger.lastActivity(inProgress.map((task) => task.id), scope);
  const lines = [
    `# Progress report: ${tag.name}`,
    '',
    `${period.label}: ${period.from.toISOString().slice(0, 16).replace('T', ' ')} to ${period.to.toISOString().slice(0, 16).replace('T', ' ')} (UTC).`,
    '',
    `## Completed (${completed.length})`,
    '',
    ...(completed.length ? completed.map((event) => `- ${event.taskId} ${tag.byId.get(event.taskId ?? '')?.title ?? ''} — ${new Date(event.at).toISOString().slice(0, 10)}`) : ['Nothing was marked done in this period.']),
    '',
    `## In progress (${inProgress.length})`,
    '',
    ...(inProgress.length
      ? inProgress.map((task) => {
          const last = activity.get(task.id);
          return `- ${task.id} ${task.title}${last ? ` — last: ${describeEvent(last)}, ${new Date(last.at).toISOString().slice(0, 10)}` : ' — no recorded activity'}`;
        })
      : ['No task is in progress.']),
    '',
    '## Blocked',
    '',
    ...blockedLines(tag),
    '',
    '## Velocity (tasks done)',
    '',
    '| Day | Done |',
    '| --- | --- |',
    ...ledger.velocity(period.from, period.to, 'day', scope).map((bucket) => `| ${bucket.label} | ${bucket.done} |`),
    '',
    '## Commits per task',
    '',
  ];
  const commits = ledger.commitsPerTask(period.from, period.to, scope);
  if (commits.length === 0) lines.push('No commits were attributed to tasks in this period.');
  else lines.push('| Task | Commits |', '| --- | --- |', ...commits.map((entry) => `| ${entry.taskId} ${markdownCell(tag.byId.get(entry.taskId)?.title ?? '')} | ${entry.commits} |`));
  return lines.join('\n') + '\n';
}

function blockedLines(tag: TagView): string[] {
  const lines: string[] = [];
  for (const task of tag.tasks) {
    if (task.status === 'done' || task.status === 'cancelled') continue;
    const waiting = task.dependencies.filter((dep) => tag.byId.get(dep)?.status !== 'done');
    if (task.status === 'blocked') lines.push(`- ${task.id} ${task.title} — marked blocked${waiting.length ? `; waits on ${waiting.join(', ')}` : ''}`);
    else if (task.status === 'pending' && waiting.length) lines.push(`- ${task.id} ${task.title} — waits on ${waiting.map((dep) => `${dep} (${tag.byId.get(dep)?.status ?? 'missing'})`).join(', ')}`);
  }
  return lines.length ? lines : ['Nothing is blocked.'];
}
