/**
 * What the board shows, built from plain data: a tag of the loaded plan, its complexity report
 * entries and what the activity ledger says about completions. No `vscode`: tested in plain Node.
 * Every pass is linear in tasks plus dependencies, so 1,000 cards stay cheap to rebuild.
 */
import { findNextTask } from '../core/nextTask';
import type { Plan, TagView, TaskNode } from '../core/plan';
import { isClosedStatus, type TaskPriority, type TaskStatus } from '../core/task';
import type { CompletionHistory } from '../progress/completionHistory';
import type { ComplexityEntry } from '../store/complexityReport';
import type { BoardCard, BoardDashboard, BoardState, BoardTask } from './protocol';

export interface BoardSource {
  /** The workspace folder's name. */
  project: string;
  /** The workspace folder's URI, as a string. */
  projectUri: string;
  plan: Plan;
  tag: TagView;
  columns: TaskStatus[];
  /** The tag's complexity report entries; none without a report. */
  complexity: readonly ComplexityEntry[];
  /** None while the ledger is opening, or when it could not start. */
  history?: CompletionHistory;
}

/** What cards need beyond the task itself, worked out once per tag. */
interface CardContext {
  tag: TagView;
  next: TaskNode | undefined;
  /** Complexity score by top-level task id, for tasks of this tag. */
  scores: Map<string, number>;
}

function cardContext(tag: TagView, complexity: readonly ComplexityEntry[]): CardContext {
  const scores = new Map<string, number>();
  for (const entry of complexity) {
    const id = String(entry.taskId);
    if (tag.byId.has(id) && Number.isFinite(entry.complexityScore)) scores.set(id, entry.complexityScore);
  }
  return { tag, next: findNextTask(tag), scores };
}

function card(task: TaskNode, context: CardContext): BoardCard {
  const complexity = context.scores.get(task.id);
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    dependencies: [...task.dependencies],
    // As for the next task: only `done` meets a dependency, and a missing task never will.
    blockedBy: task.dependencies.filter((dep) => context.tag.byId.get(dep)?.status !== 'done'),
    subtasksDone: task.subtasks.filter((sub) => sub.status === 'done').length,
    subtasksTotal: task.subtasks.length,
    ...(complexity === undefined ? {} : { complexity }),
    // A next subtask highlights its parent's card.
    isNext: context.next !== undefined && (context.next === task || context.next.parent === task),
  };
}

/** The tag's top-level tasks, each id once (the first of duplicates, as dependencies resolve them). */
function uniqueTasks(tag: TagView): TaskNode[] {
  return tag.tasks.filter((task) => tag.byId.get(task.id) === task);
}

export function buildBoardState(source: BoardSource): BoardState {
  const { tag } = source;
  const context = cardContext(tag, source.complexity);
  const tasks = uniqueTasks(tag);
  const cards = tasks.map((task) => card(task, context));
  return {
    kind: 'plan',
    project: source.project,
    projectUri: source.projectUri,
    tags: [...source.plan.tags.keys()],
    tag: tag.name,
    columns: source.columns,
    cards,
    ...(context.next ? { nextId: context.next.id } : {}),
    dashboard: buildDashboard(tag, cards, context, source.history),
  };
}

/** A task or subtask in full for the editor; undefined when the tag has no such task (deleted meanwhile). */
export function boardTask(tag: TagView, id: string, complexity: readonly ComplexityEntry[]): BoardTask | undefined {
  const task = tag.byId.get(id);
  if (!task) return undefined;
  return {
    ...card(task, cardContext(tag, complexity)),
    details: task.details,
    testStrategy: task.testStrategy,
    subtasks: task.subtasks.map((sub) => ({ id: sub.id, title: sub.title, status: sub.status })),
  };
}

function buildDashboard(tag: TagView, cards: BoardCard[], context: CardContext, history: CompletionHistory | undefined): BoardDashboard {
  const byStatus: Partial<Record<TaskStatus, number>> = {};
  const byPriority: Partial<Record<TaskPriority, number>> = {};
  for (const card of cards) {
    byStatus[card.status] = (byStatus[card.status] ?? 0) + 1;
    byPriority[card.priority] = (byPriority[card.priority] ?? 0) + 1;
  }
  const doneThisWeek = new Set((history?.doneThisWeek ?? []).filter((id) => tag.byId.get(id)?.status === 'done'));
  return {
    byStatus,
    byPriority,
    completion: history?.completion ?? [],
    doneThisWeek: doneThisWeek.size,
    blocked: cards
      .filter((card) => card.blockedBy.length > 0 && !isClosedStatus(card.status))
      .map((card) => ({ id: card.id, title: card.title, waitingOn: card.blockedBy })),
    complexity: complexityDistribution(context.scores),
  };
}

/** Tasks per score from 1 to 10, every score present once there is a report, so the chart's axis is whole. */
function complexityDistribution(scores: Map<string, number>): Array<{ score: number; count: number }> {
  if (scores.size === 0) return [];
  const counts = new Array<number>(10).fill(0);
  for (const score of scores.values()) counts[Math.min(Math.max(Math.round(score), 1), 10) - 1]++;
  return counts.map((count, i) => ({ score: i + 1, count }));
}
