import type { LedgerEvent } from '../ledger';
import { eventLine } from './progressReport';

/** Where the work stands now: the last commit and what the working tree holds beyond it. */
export interface WorkingState {
  lastCommit?: { hash: string; subject: string; date: string };
  uncommitted?: { files: number; insertions: number; deletions: number };
}

/**
 * What moved since the last commit and today, in markdown: tasks completed and started, commits,
 * saves counted per task, and the uncommitted change. Events come from the activity ledger.
 */
export function renderRecentProgress(events: LedgerEvent[], working: WorkingState, now = new Date()): string {
  const dayStart = startOfDay(now);
  const commitAt = working.lastCommit ? Date.parse(working.lastCommit.date) : undefined;
  const lines: string[] = [];
  if (working.lastCommit) lines.push(`Last commit \`${working.lastCommit.hash.slice(0, 7)}\` "${working.lastCommit.subject}" (${working.lastCommit.date.replace('T', ' ').slice(0, 16)}).`);
  if (working.uncommitted?.files) lines.push(`Uncommitted: ${working.uncommitted.files} file(s) changed, +${working.uncommitted.insertions} −${working.uncommitted.deletions}.`);
  if (commitAt !== undefined && commitAt > dayStart) section(lines, 'Since the last commit', events.filter((event) => event.at > commitAt));
  section(lines, 'Today', events.filter((event) => event.at >= dayStart));
  return lines.join('\n');
}

function section(lines: string[], title: string, events: LedgerEvent[]): void {
  lines.push('', `**${title}**`);
  const statusChanges = events.filter((event) => event.kind === 'status' || event.kind === 'commit');
  const saves = new Map<string, number>();
  for (const event of events) if (event.kind === 'save' && event.taskId) saves.set(event.taskId, (saves.get(event.taskId) ?? 0) + 1);
  if (statusChanges.length === 0 && saves.size === 0) {
    lines.push('- nothing recorded');
    return;
  }
  for (const event of statusChanges.slice(-15)) lines.push(`- ${eventLine(event)}`);
  for (const [taskId, count] of saves) lines.push(`- ${taskId}: ${count} save${count === 1 ? '' : 's'}`);
}

/** Local midnight of `now`'s day, ms since the epoch. */
export function startOfDay(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}
