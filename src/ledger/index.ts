/** The activity ledger: what happened to which task, for history, reports and charts. No 'vscode' here. */
export { ActivityLedger } from './activityLedger';
export type { CommitCount, EventScope, HistoryOptions, RecentOptions, VelocityBucket } from './queries';
export { SCHEMA_VERSION } from './schema';
export * from './types';
export { locateSqlWasm } from './locateWasm';
