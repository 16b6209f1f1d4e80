/**
 * Builders for what the board webview is sent, so a test states only the cards that matter to it:
 * "blocked by", the next task and the dashboard counts follow from the cards.
 */
import type { BoardCard, BoardDashboard, BoardState, BoardTask } from '../../src/board/protocol';
import { isClosedStatus, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../src/core/task';

export type PlanState = Extract<BoardState, { kind: 'plan' }>;

/** The folder the built states are of: requests from the board name it. */
export const DEMO_PROJECT_URI = 'file:///work/demo';

export interface CardSpec {
  id: number | string;
  title?: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  dependencies?: Array<number | string>;
  subtasksDone?: number;
  subtasksTotal?: number;
  complexity?: number;
}

/** Cards with "blocked by" worked out from each other's statuses: only a done task meets a dependency. */
export function cards(...specs: CardSpec[]): BoardCard[] {
  const status = new Map(specs.map((spec) => [String(spec.id), spec.status ?? 'pending']));
  return specs.map((spec) => {
    const dependencies = (spec.dependencies ?? []).map(String);
    return {
      id: String(spec.id),
      title: spec.title ?? `Task ${spec.id}`,
      description: spec.description ?? `Description of ${spec.id}`,
      status: spec.status ?? 'pending',
      priority: spec.priority ?? 'medium',
      dependencies,
      blockedBy: dependencies.filter((id) => status.get(id) !== 'done'),
      subtasksDone: spec.subtasksDone ?? 0,
      subtasksTotal: spec.subtasksTotal ?? 0,
      complexity: spec.complexity,
      isNext: false,
    };
  });
}

function dashboardOf(list: BoardCard[], completion: BoardDashboard['completion']): BoardDashboard {
  const count = <K extends string>(keys: K[]) => keys.reduce<Partial<Record<K, number>>>((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});
  const scores = count(list.filter((card) => card.complexity !== undefined).map((card) => String(card.complexity)));
  return {
    byStatus: count(list.map((card) => card.status)),
    byPriority: count(list.map((card) => card.priority)),
    completion,
    doneThisWeek: completion.slice(-7).reduce((sum, day) => sum + day.done, 0),
    blocked: list.filter((card) => card.blockedBy.length && !isClosedStatus(card.status)).map((card) => ({ id: card.id, title: card.title, waitingOn: card.blockedBy })),
    complexity: Object.entries(scores).map(([score, n]) => ({ score: Number(score), count: n ?? 0 })),
  };
}

export interface PlanOptions {
  nextId?: string;
  columns?: TaskStatus[];
  tag?: string;
  tags?: string[];
  completion?: BoardDashboard['completion'];
}

export function planState(list: BoardCard[], options: PlanOptions = {}): PlanState {
  const marked = list.map((card) => ({ ...card, isNext: card.id === options.nextId }));
  return {
    kind: 'plan',
    project: 'demo',
    projectUri: DEMO_PROJECT_URI,
    tags: options.tags ?? ['master', 'feature'],
    tag: options.tag ?? 'master',
    columns: options.columns ?? TASK_STATUSES.filter((status) => status !== 'cancelled' && status !== 'blocked'),
    cards: marked,
    nextId: options.nextId,
    dashboard: dashboardOf(marked, options.completion ?? []),
  };
}

/** A card in full, as the editor receives it. */
export function boardTask(card: BoardCard, more: Partial<Pick<BoardTask, 'details' | 'testStrategy' | 'subtasks'>> = {}): BoardTask {
  return { ...card, details: more.details ?? '', testStrategy: more.testStrategy ?? '', subtasks: more.subtasks ?? [] };
}
