/**
 * The task editor, a panel beside the current view. Opening posts `openTask`; the extension answers
 * with `task`, and again whenever the task changes on disk. Such an update refreshes the fields the
 * user has not touched and keeps the ones being edited. Save posts only what changed: `saveTask` for
 * text and choices, `setDependencies` when the dependencies differ.
 */
import type { BoardCard, BoardTask, TaskFieldChanges, WebviewMessage } from '../../src/board/protocol';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../src/core/task';
import { AiActions, type AiAction, type AiProgress } from './aiActions';
import { DependencyPicker } from './dependencyPicker';
import { button, el } from './dom';
import { PRIORITY_LABELS, STATUS_LABELS } from './labels';
import { MarkdownField } from './markdownField';
import { SubtaskList } from './subtaskList';

export interface TaskEditorActions {
  post(message: WebviewMessage): void;
  startAi(taskId: string, action: AiAction, prompt: string | undefined): void;
  /** The editor now shows this task (undefined: it closed); `closedId` is the one it showed before. */
  onOpenChange(openId: string | undefined, closedId: string | undefined): void;
}

type EditableField = keyof TaskFieldChanges;

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
  private readonly discardBar: HTMLElement;
  private readonly discardQuestion = el('span', {});
  /** The task as the extension last sent it: what "changed" is measured against. */
  private base: BoardTask | undefined;
  private openId: string | undefined;
  /** The task to open once the user discards the unsaved edits of this one. */
  private openAfterDiscard: string | undefined;
  private cards: readonly BoardCard[] = [];

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
    this.ai = new AiActions(actions.startAi, (id) => actions.post({ type: 'cancelAiAction', id }));
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
        button('Reveal in tree', () => this.openId && actions.post({ type: 'revealInTree', id: this.openId }), { class: 'secondary small', 'data-action': 'reveal' }),
        button('✕', () => this.requestClose(), { class: 'icon-button', 'aria-label': 'Close editor', title: 'Close (Escape)', 'data-action': 'close' }),
      ),
      this.discardBar,
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
    if (this.openId === id && this.base) return;
    if (this.isDirty()) {
      this.confirmDiscard(`Open #${id} without saving your changes to #${this.openId}?`, id);
      return;
    }
    const closedId = this.openId;
    this.openId = id;
    this.base = undefined;
    this.discardBar.hidden = true;
    this.heading.textContent = `Task #${id}`;
    this.loading.textContent = `Loading task #${id}…`;
    this.loading.hidden = false;
    this.form.hidden = true;
    this.element.hidden = false;
    this.actions.post({ type: 'openTask', id });
    this.actions.onOpenChange(id, closedId);
  }

  /** The task arrived, first or again after a change on disk. */
  show(task: BoardTask, progress: AiProgress | undefined): void {
    if (task.id !== this.openId) return;
    const first = this.base === undefined;
    const values: Record<EditableField, string> = { title: task.title, description: task.description, details: task.details, testStrategy: task.testStrategy, status: task.status, priority: task.priority };
    for (const name of Object.keys(values) as EditableField[]) {
      if (first || !this.isChanged(name)) this.fields[name].value = values[name];
    }
    if (first) {
      this.details.reset(task.details);
      this.testStrategy.reset(task.testStrategy);
    } else {
      this.details.refresh();
      this.testStrategy.refresh();
    }
    if (first || sameSet(this.dependencies.value, this.base!.dependencies)) this.dependencies.reset(task.dependencies);
    this.base = task;
    this.dependencies.setPlan(task.id, this.cards);
    this.subtasks.render(task);
    this.ai.show(task.id, progress);
    this.heading.textContent = `Task #${task.id}`;
    this.loading.hidden = true;
    this.form.hidden = false;
    this.refreshDirty();
    if (first) this.title.focus();
  }

  /** The plan changed: the dependency picker offers its tasks. */
  setPlan(cards: readonly BoardCard[]): void {
    this.cards = cards;
    if (this.base) this.dependencies.setPlan(this.base.id, cards);
  }

  showProgress(taskId: string, progress: AiProgress): void {
    if (taskId === this.openId && this.base) this.ai.show(taskId, progress);
  }

  /** The task was deleted: the editor closes (the caller says why). */
  taskGone(id: string): boolean {
    if (id !== this.openId) return false;
    this.hide();
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
    this.base = undefined;
    this.actions.onOpenChange(undefined, closedId);
  }

  private isChanged(name: EditableField): boolean {
    if (!this.base) return false;
    const value = this.fields[name].value;
    return name === 'title' ? value.trim() !== this.base.title : value !== this.base[name];
  }

  private changes(): TaskFieldChanges {
    const changes: Record<string, string> = {};
    for (const name of Object.keys(this.fields) as EditableField[]) {
      if (this.isChanged(name)) changes[name] = name === 'title' ? this.title.value.trim() : this.fields[name].value;
    }
    return changes as TaskFieldChanges;
  }

  private dependenciesChanged(): boolean {
    return !!this.base && !sameSet(this.dependencies.value, this.base.dependencies);
  }

  private isDirty(): boolean {
    return Object.keys(this.changes()).length > 0 || this.dependenciesChanged();
  }

  private refreshDirty(): void {
    const dirty = this.isDirty();
    this.save.disabled = !dirty;
    this.unsavedNote.hidden = !dirty;
    const titleMissing = !!this.base && !this.title.value.trim();
    this.titleError.hidden = !titleMissing;
    this.title.setAttribute('aria-invalid', String(titleMissing));
  }

  private saveChanges(): void {
    if (!this.base || !this.isDirty()) return;
    if (!this.title.value.trim()) {
      this.refreshDirty();
      this.title.focus();
      return;
    }
    const changes = this.changes();
    if (Object.keys(changes).length) this.actions.post({ type: 'saveTask', id: this.base.id, changes });
    if (this.dependenciesChanged()) this.actions.post({ type: 'setDependencies', id: this.base.id, dependencies: this.dependencies.value });
  }
}
