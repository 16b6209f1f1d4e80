/**
 * The dashboard: totals, counts by status and priority, completions per day, tasks done this week,
 * blocked tasks (each opens in the editor) and the complexity distribution.
 */
import type { BoardDashboard } from '../../src/board/protocol';
import { TASK_PRIORITIES, TASK_STATUSES } from '../../src/core/task';
import { columnChart, horizontalBars } from './charts';
import { button, el, type Child } from './dom';
import { PRIORITY_LABELS, STATUS_LABELS } from './labels';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-03-07" → "Mar 7" (read as written: no time zone can move the day). */
function shortDay(day: string): string {
  const [, month, date] = day.split('-').map(Number);
  return month && date ? `${MONTHS[month - 1]} ${date}` : day;
}

function tile(label: string, value: string | number, name: string): HTMLElement {
  return el('div', { class: 'tile', 'data-tile': name }, el('div', { class: 'tile-value' }, value), el('div', { class: 'tile-label' }, label));
}

function panel(title: string, name: string, ...content: Child[]): HTMLElement {
  return el('section', { class: 'dashboard-panel', 'data-chart': name, 'aria-label': title }, el('h2', {}, title), ...content);
}

export function renderDashboard(dashboard: BoardDashboard, openTask: (id: string) => void): HTMLElement {
  const total = TASK_STATUSES.reduce((sum, status) => sum + (dashboard.byStatus[status] ?? 0), 0);
  const done = dashboard.byStatus.done ?? 0;
  const percentDone = total ? Math.round((done / total) * 100) : 0;

  const statusBars = TASK_STATUSES.filter((status) => dashboard.byStatus[status]).map((status) => ({ label: STATUS_LABELS[status], value: dashboard.byStatus[status] ?? 0, className: `status-${status}` }));
  const priorityBars = TASK_PRIORITIES.map((priority) => ({ label: PRIORITY_LABELS[priority], value: dashboard.byPriority[priority] ?? 0, className: `priority-${priority}` }));
  const completion = dashboard.completion.map(({ day, done: count }) => ({ label: shortDay(day), value: count, className: 'status-done' }));
  const complexity = Array.from({ length: 10 }, (_, index) => ({ label: String(index + 1), value: dashboard.complexity.find((entry) => entry.score === index + 1)?.count ?? 0, className: 'complexity' }));
  const hasComplexity = dashboard.complexity.some((entry) => entry.count > 0);

  return el(
    'div',
    { class: 'dashboard', 'data-dashboard': '' },
    el(
      'div',
      { class: 'tiles' },
      tile('Tasks', total, 'total'),
      tile(`Done (${percentDone}%)`, done, 'done'),
      tile('Done this week', dashboard.doneThisWeek, 'done-this-week'),
      tile('In progress', dashboard.byStatus['in-progress'] ?? 0, 'in-progress'),
      tile('Blocked', dashboard.blocked.length, 'blocked'),
    ),
    el(
      'div',
      { class: 'dashboard-grid' },
      panel('By status', 'status', statusBars.length ? horizontalBars(statusBars, 'Tasks by status') : el('p', { class: 'placeholder' }, 'No tasks yet.')),
      panel('By priority', 'priority', horizontalBars(priorityBars, 'Tasks by priority')),
      panel(
        'Completed per day',
        'completion',
        completion.length
          ? columnChart(completion, { title: 'Tasks completed per day', showLabel: (index, count) => index === 0 || index === count - 1 || index === Math.floor(count / 2) })
          : el('p', { class: 'placeholder' }, 'No completions recorded yet: the activity ledger records each task marked done.'),
      ),
      panel(
        'Complexity',
        'complexity',
        hasComplexity ? columnChart(complexity, { title: 'Tasks by complexity score', showLabel: () => true }) : el('p', { class: 'placeholder' }, 'No complexity report for this tag yet.'),
      ),
      panel(
        'Blocked tasks',
        'blocked',
        dashboard.blocked.length
          ? el(
              'ul',
              { class: 'blocked-list' },
              ...dashboard.blocked.map((task) =>
                el(
                  'li',
                  {},
                  button([el('span', { class: 'card-id' }, `#${task.id}`), ` ${task.title}`], () => openTask(task.id), { class: 'link-button', 'data-open-task': task.id }),
                  el('span', { class: 'waiting-on' }, ` waits on ${task.waitingOn.map((id) => `#${id}`).join(', ')}`),
                ),
              ),
            )
          : el('p', { class: 'placeholder' }, 'Nothing is blocked.'),
      ),
    ),
  );
}
