/** What the board shows instead of a plan: tasks.json unreadable (with a way to the error), or missing. */
import type { BoardState, WebviewMessage } from '../../src/board/protocol';
import { button, el } from './dom';

export type ProblemState = Exclude<BoardState, { kind: 'plan' }>;

export function renderPlanProblem(state: ProblemState, post: (message: WebviewMessage) => void): HTMLElement {
  if (state.kind === 'missing') {
    return el('div', { class: 'problem', 'data-problem': 'missing' }, el('h2', {}, 'No plan here yet'), el('p', {}, state.message));
  }
  const where = state.line === undefined ? state.file : `${state.file}, line ${state.line}${state.column === undefined ? '' : `, column ${state.column}`}`;
  return el(
    'div',
    { class: 'problem', role: 'alert', 'data-problem': 'unreadable' },
    el('h2', {}, 'tasks.json cannot be read'),
    el('p', { class: 'problem-message' }, state.message),
    el('p', { class: 'problem-where' }, where),
    button('Open tasks.json', () => post({ type: 'openTasksFile', line: state.line, column: state.column }), { class: 'primary', 'data-action': 'open-tasks-file' }),
  );
}
