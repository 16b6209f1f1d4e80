/**
 * The editor's subtasks: check off, reorder (buttons or Alt+Up/Down), add. Each change is posted
 * at once (it is not part of Save), to the project and tag of the open task; the extension answers
 * with the task as it now is, or with an error.
 */
import type { BoardPlace, BoardTask, WebviewMessage } from '../../src/board/protocol';
import { closestTo, el } from './dom';
import { statusBadge } from './labels';

export class SubtaskList {
  readonly element: HTMLElement;
  private readonly list = el('ol', { class: 'subtasks', 'aria-label': 'Subtasks', 'data-subtasks': '' });
  private readonly newTitle = el('input', { type: 'text', id: 'new-subtask', placeholder: 'New subtask title', 'data-new-subtask': '' });
  private task: BoardTask | undefined;
  private place: BoardPlace | undefined;
  /** The subtask being added: its title, and the ids there were before. */
  private adding: { title: string; before: Set<string> } | undefined;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    const add = el('button', { type: 'button', class: 'secondary', 'data-add-subtask': '' }, 'Add');
    this.element = el(
      'div',
      { class: 'field' },
      this.list,
      el('div', { class: 'inline-form' }, el('label', { for: this.newTitle.id, class: 'visually-hidden' }, 'New subtask title'), this.newTitle, add),
    );
    add.addEventListener('click', () => this.add());
    this.newTitle.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      this.add();
    });
    this.list.addEventListener('change', (event) => {
      const box = closestTo(event, '[data-subtask-done]') as HTMLInputElement | undefined;
      const id = box && closestTo(event, '[data-subtask-id]')?.dataset.subtaskId;
      if (box && id && this.place) this.post({ type: 'setStatus', ...this.place, id, status: box.checked ? 'done' : 'pending' });
    });
    this.list.addEventListener('click', (event) => {
      const move = closestTo(event, '[data-subtask-move]');
      const id = move && closestTo(event, '[data-subtask-id]')?.dataset.subtaskId;
      if (move && id) this.move(id, Number(move.dataset.subtaskMove));
    });
    this.list.addEventListener('keydown', (event) => {
      const row = closestTo(event, '[data-subtask-id]');
      if (!row?.dataset.subtaskId || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
      event.preventDefault();
      this.move(row.dataset.subtaskId, event.key === 'ArrowUp' ? -1 : 1);
    });
  }

  /** The task as it now is, in the project and tag it belongs to. */
  render(task: BoardTask, place: BoardPlace): void {
    if (task.id !== this.task?.id) this.adding = undefined;
    this.task = task;
    this.place = place;
    this.clearAdded(task);
    // Reordering rebuilds the rows: keep the keyboard on the control it was on.
    const active = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement : undefined;
    const focusedRow = active?.closest<HTMLElement>('[data-subtask-id]')?.dataset.subtaskId;
    const focusedControl = active?.hasAttribute('data-subtask-done') ? '[data-subtask-done]' : `[data-subtask-move="${active?.dataset.subtaskMove}"]`;
    const last = task.subtasks.length - 1;
    this.list.replaceChildren(
      ...task.subtasks.map((subtask, index) =>
        el(
          'li',
          { class: 'subtask', 'data-subtask-id': subtask.id },
          el(
            'label',
            { class: 'subtask-title' },
            el('input', { type: 'checkbox', checked: subtask.status === 'done', 'data-subtask-done': '' }),
            el('span', { class: 'subtask-id' }, subtask.id),
            ` ${subtask.title}`,
          ),
          statusBadge(subtask.status),
          el('button', { type: 'button', class: 'icon-button', 'aria-label': `Move ${subtask.id} up`, title: 'Move up (Alt+Up)', disabled: index === 0, 'data-subtask-move': -1 }, '↑'),
          el('button', { type: 'button', class: 'icon-button', 'aria-label': `Move ${subtask.id} down`, title: 'Move down (Alt+Down)', disabled: index === last, 'data-subtask-move': 1 }, '↓'),
        ),
      ),
    );
    if (!task.subtasks.length) this.list.append(el('li', { class: 'placeholder' }, 'No subtasks yet.'));
    if (focusedRow === undefined) return;
    const row = [...this.list.querySelectorAll<HTMLElement>('[data-subtask-id]')].find((element) => element.dataset.subtaskId === focusedRow);
    const control = row?.querySelector<HTMLElement>(`${focusedControl}:not(:disabled)`) ?? row?.querySelector<HTMLElement>('[data-subtask-done]');
    control?.focus();
  }

  private move(subtaskId: string, step: number): void {
    const subtasks = this.task?.subtasks ?? [];
    const toIndex = subtasks.findIndex((subtask) => subtask.id === subtaskId) + step;
    if (this.task && this.place && toIndex >= 0 && toIndex < subtasks.length) this.post({ type: 'moveSubtask', ...this.place, parentId: this.task.id, subtaskId, toIndex });
  }

  /** Posts the new subtask; its title stays in the field until the task comes back with it (a refused add keeps it). */
  private add(): void {
    const title = this.newTitle.value.trim();
    if (!this.task || !this.place || !title) return;
    this.adding = { title, before: new Set(this.task.subtasks.map((subtask) => subtask.id)) };
    this.post({ type: 'addSubtask', ...this.place, parentId: this.task.id, title });
  }

  /** Empties the title field once the subtask it named has arrived, unless the user typed on meanwhile. */
  private clearAdded(task: BoardTask): void {
    const adding = this.adding;
    if (!adding || !task.subtasks.some((subtask) => !adding.before.has(subtask.id) && subtask.title === adding.title)) return;
    this.adding = undefined;
    if (this.newTitle.value.trim() === adding.title) this.newTitle.value = '';
  }
}
