/**
 * The task editor, a panel beside the current view. Opening posts `openTask` for the project and
 * tag the board shows; every request from the editor names that place, so it lands on the task the
 * user sees even if the board has moved on. The extension answers with `task`, and again whenever
 * the task changes on disk. Such an update refreshes the fields the user has not touched and keeps
 * the ones being edited. Save posts one `saveTask` with only what really changed (compared
 * normalised, see taskFields), dependencies included when they differ.
 */
import type { BoardPlace, BoardTask, TaskFieldChanges, WebviewMessage } from '../../src/board/protocol';
import { changedTaskFields, normaliseTaskField, type EditableField } from '../../src/board/taskFields';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../src/core/task';
import { AiActions, type AiAction, type AiProgress } from './aiActions';
import { DependencyPicker } from './dependencyPicker';
import { button, el } from './dom';
import { PRIORITY_LABELS, STATUS_LABELS } from './labels';
import { MarkdownField } from './markdownField';
import type { PlanState } from './kanban';
import { SubtaskList } from './subtaskList';

export interface TaskEditorActions {
  post(message: WebviewMessage): void;
  startAi(place: BoardPlace, taskId: string, action: AiAction, prompt: string | undefined): void;
  /** The editor now shows this task (undefined: it closed); `closedId` is the one it showed before. */
  onOpenChange(openId: string | undefined, closedId: string | undefined): void;
}

function choice<T extends string>(name: string, values: readonly T[], labels: Record<T, string>, onChange: () => void): HTMLSelectElement {
  const select = el('select', { id: `field-${name}`, 'data-field': name }, ...values.map((value) => el('option', { value }, labels[value])));
  select.addEventListener('change', onChange);
  return select;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

export class TaskEditor {
  readonly element = el('aside', { class: 'editor', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'editor-heading', hidden: true, 'data-editor': '' });
  private readonly heading = el('h2', { id: 'editor-heading', tabindex: -1 });
  private readonly loading = el('p', { class: 'placeholder', 'data-editor-loading': '' });
  private readonly form = el('div', { class: 'editor-form' });
  private readonly title = el('input', { type: 'text', id: 'field-title', 'data-field': 'title', 'aria-describedby': 'title-error' });
  private readonly fields: Record<EditableField, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>;
  private readonly titleError = el('p', { class: 'field-error', id: 'title-error', hidden: true }, 'A task needs a title.');
  private readonly details: MarkdownField;
  private readonly testStrategy: MarkdownField;
  private readonly dependencies: DependencyPicker;
  private readonly subtasks: SubtaskList;
  private readonly ai: AiActions;
  private readonly save: HTMLButtonElement;
  private readonly unsavedNote = el('span', { class: 'unsaved-note', hidden: true }, '● Unsaved changes');
  /** Says the task is gone while the form keeps the user's unsaved edits. */
  private readonly goneNote = el('p', { class: 'gone-note', role: 'alert', hidden: true, 'data-editor-gone': '' });
  private readonly discardBar: HTMLElement;
  private readonly discardQuestion = el('span', {});
  /** The task as the extension last sent it: what "changed" is measured against. */
  private base: BoardTask | undefined;
  private openId: string | undefined;
  /** Where the open task lives: the project and tag the board showed when it was opened. */
  private place: BoardPlace | undefined;
  /** The task is no longer in its tag; the form stays for the user's unsaved edits, Save is off. */
  private gone = false;
  /** The task to open once the user discards the unsaved edits of this one. */
  private openAfterDiscard: string | undefined;
  /** The plan the board shows; undefined until the first one arrives. */
  private plan: PlanState | undefined;
  /** A task asked for before any plan arrived (the one open before a reload): opened with the first. */
  private pendingOpen: string | undefined;

  constructor(private readonly actions: TaskEditorActions) {
    const onEdit = () => this.refreshDirty();
    const title = this.title;
    const description = el('textarea', { id: 'field-description', rows: 3, 'data-field': 'description' });
    title.addEventListener('input', onEdit);
    description.addEventListener('input', onEdit);
    const status = choice<TaskStatus>('status', TASK_STATUSES, STATUS_LABELS, onEdit);
    const priority = choice<TaskPriority>('priority', TASK_PRIORITIES, PRIORITY_LABELS, onEdit);
    this.details = new MarkdownField('details', 'Details', onEdit);
    this.testStrategy = new MarkdownField('testStrategy', 'Test strategy', onEdit);
    this.fields = { title, description, status, priority, details: this.details.textarea, testStrategy: this.testStrategy.textarea };
    this.dependencies = new DependencyPicker(onEdit);
    this.subtasks = new SubtaskList(actions.post);
    this.ai = new AiActions(
      (id, action, prompt) => this.place && actions.startAi(this.place, id, action, prompt),
      (id) => actions.post({ type: 'cancelAiAction', id }),
    );
    this.save = button('Save', () => this.saveChanges(), { class: 'primary', disabled: true, title: 'Save (Ctrl+Enter)', 'data-action': 'save' });
    this.discardBar = el(
      'div',
      { class: 'discard-bar', role: 'alert', hidden: true, 'data-discard-bar': '' },
      this.discardQuestion,
      button('Discard changes', () => this.discard(), { class: 'secondary', 'data-action': 'discard' }),
      button('Keep editing', () => (this.discardBar.hidden = true), { class: 'secondary', 'data-action': 'keep-editing' }),
    );

    this.form.append(
      el('div', { class: 'field' }, el('label', { for: title.id }, 'Title'), title, this.titleError),
      el('div', { class: 'field-row' }, el('div', { class: 'field' }, el('label', { for: status.id }, 'Status'), status), el('div', { class: 'field' }, el('label', { for: priority.id }, 'Priority'), priority)),
      el('div', { class: 'field' }, el('label', { for: description.id }, 'Description'), description),
      this.details.element,
      this.testStrategy.element,
      el('h3', {}, 'Dependencies'),
      this.dependencies.element,
      el('h3', {}, 'Subtasks'),
      this.subtasks.element,
      el('h3', {}, 'AI'),
      this.ai.element,
    );
    this.element.append(
      el(
        'header',
        { class: 'editor-header' },
        this.heading,
        button('Reveal in tree', () => this.openId && this.place && actions.post({ type: 'revealInTree', ...this.place, id: this.openId }), { class: 'secondary small', 'data-action': 'reveal' }),
        button('✕', () => this.requestClose(), { class: 'icon-button', 'aria-label': 'Close editor', title: 'Close (Escape)', 'data-action': 'close' }),
      ),
      this.discardBar,
      this.goneNote,
      this.loading,
      this.form,
      el('footer', { class: 'editor-footer' }, this.save, button('Close', () => this.requestClose(), { class: 'secondary', 'data-action': 'cancel' }), this.unsavedNote),
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.defaultPrevented) this.requestClose();
      else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.saveChanges();
      else return;
      event.preventDefault();
    });
  }

  /** Shows the editor for `id` and asks the extension for the task (after asking to discard edits). */
  open(id: string): void {
    if (!this.plan) {
      this.pendingOpen = id;
      return;
    }
    if (this.openId === id && this.base && !this.gone) return;
    if (this.isDirty()) {
      this.confirmDiscard(`Open #${id} without saving your changes to #${this.openId}?`, id);
      return;
    }
    const closedId = this.openId;
    this.openId = id;
    this.place = { projectUri: this.plan.projectUri, tag: this.plan.tag };
    this.base = undefined;
    this.setGone(undefined);
    this.discardBar.hidden = true;
    this.heading.textContent = `Task #${id}`;
    this.loading.textContent = `Loading task #${id}…`;
    this.loading.hidden = false;
    this.form.hidden = true;
    this.element.hidden = false;
    this.actions.post({ type: 'openTask', ...this.place, id });
    this.actions.onOpenChange(id, closedId);
  }

  /** The task arrived, first or again after a change on disk. */
  show(task: BoardTask, progress: AiProgress | undefined): void {
    if (task.id !== this.openId || this.gone) return;
    const first = this.base === undefined;
    const changed = this.changes();
    for (const name of Object.keys(this.fields) as EditableField[]) {
      // The form holds values as it will give them back: a title on one line, `\n` line ends.
      if (first || !(name in changed)) this.fields[name].value = normaliseTaskField(name, task[name]);
    }
    if (first) {
      this.details.reset(this.details.value);
      this.testStrategy.reset(this.testStrategy.value);
    } else {
      this.details.refresh();
      this.testStrategy.refresh();
    }
    if (first || sameSet(this.dependencies.value, this.base!.dependencies)) this.dependencies.reset(task.dependencies);
    this.base = task;
    this.dependencies.setPlan(task.id, this.plan?.cards ?? []);
    this.subtasks.render(task, this.place!);
    this.ai.show(task.id, progress);
    this.heading.textContent = `Task #${task.id}`;
    this.loading.hidden = true;
    this.form.hidden = false;
    this.refreshDirty();
    if (first) this.title.focus();
  }

  /** The plan changed: the dependency picker offers its tasks; a task asked for before the first plan opens now. */
  setPlan(plan: PlanState): void {
    this.plan = plan;
    if (this.base) this.dependencies.setPlan(this.base.id, plan.cards);
    const pending = this.pendingOpen;
    this.pendingOpen = undefined;
    if (pending !== undefined) this.open(pending);
  }

  showProgress(taskId: string, progress: AiProgress): void {
    if (taskId === this.openId && this.base) this.ai.show(taskId, progress);
  }

  /**
   * The task is gone from its tag (deleted, or the board moved elsewhere): the editor closes, and the
   * caller says why. With unsaved edits it stays open so they can be copied, and cannot save.
   */
  taskGone(id: string): boolean {
    if (id !== this.openId) return false;
    if (this.isDirty()) this.setGone(`Task ${id} is no longer in tag ${this.place?.tag}. Your edits are still here: copy them before closing.`);
    else this.hide();
    return true;
  }

  requestClose(): void {
    if (this.element.hidden) return;
    if (this.isDirty()) this.confirmDiscard('Close without saving your changes?', undefined);
    else this.closeNow();
  }

  private confirmDiscard(question: string, openAfterDiscard: string | undefined): void {
    this.openAfterDiscard = openAfterDiscard;
    this.discardQuestion.textContent = question;
    this.discardBar.hidden = false;
    this.discardBar.querySelector('button')?.focus();
  }

  private discard(): void {
    const next = this.openAfterDiscard;
    this.closeNow();
    if (next !== undefined) this.open(next);
  }

  private closeNow(): void {
    this.hide();
    this.actions.post({ type: 'closeTask' });
  }

  private hide(): void {
    const closedId = this.openId;
    this.element.hidden = true;
    this.discardBar.hidden = true;
    this.openId = undefined;
    this.place = undefined;
    this.base = undefined;
    this.setGone(undefined);
    this.actions.onOpenChange(undefined, closedId);
  }

  /** Marks the task gone with `notice`, or (undefined) as there again. */
  private setGone(notice: string | undefined): void {
    this.gone = notice !== undefined;
    this.goneNote.textContent = notice ?? '';
    this.goneNote.hidden = !this.gone;
    this.element.classList.toggle('is-gone', this.gone);
    this.refreshDirty();
  }

  /** What really changed: both sides normalised, so the form's way of holding text is no change. */
  private changes(): TaskFieldChanges {
    if (!this.base) return {};
    const values = Object.fromEntries(Object.entries(this.fields).map(([name, field]) => [name, field.value])) as Record<EditableField, string>;
    return changedTaskFields(this.base, values);
  }

  private dependenciesChanged(): boolean {
    return !!this.base && !sameSet(this.dependencies.value, this.base.dependencies);
  }

  private isDirty(): boolean {
    return Object.keys(this.changes()).length > 0 || this.dependenciesChanged();
  }

  private refreshDirty(): void {
    const dirty = this.isDirty();
    this.save.disabled = !dirty || this.gone;
    this.unsavedNote.hidden = !dirty;
    const titleMissing = !!this.base && !this.title.value.trim();
    this.titleError.hidden = !titleMissing;
    this.title.setAttribute('aria-invalid', String(titleMissing));
  }

  private saveChanges(): void {
    if (!this.base || !this.place || this.gone || !this.isDirty()) return;
    if (!normaliseTaskField('title', this.title.value)) {
      this.refreshDirty();
      this.title.focus();
      return;
    }
    // One message, one write: the fields and the dependencies land together or not at all.
    const dependencies = this.dependenciesChanged() ? { dependencies: this.dependencies.value } : {};
    this.actions.post({ type: 'saveTask', ...this.place, id: this.base.id, changes: this.changes(), ...dependencies });
  }
}
