/**
 * A markdown field of the task editor (details, test strategy): the rendered text, or the source
 * in a textarea after "Edit". It opens rendered when there is text to read.
 */
import { button, el } from './dom';
import { renderMarkdown } from './markdown';

export class MarkdownField {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly preview: HTMLElement;
  private readonly toggle: HTMLButtonElement;

  constructor(name: string, label: string, onInput: () => void) {
    const labelId = `field-label-${name}`;
    this.textarea = el('textarea', { id: `field-${name}`, rows: 6, 'data-field': name, 'aria-labelledby': labelId });
    this.textarea.addEventListener('input', onInput);
    this.preview = el('div', { class: 'markdown', 'data-preview': name, tabindex: 0, 'aria-labelledby': labelId });
    this.toggle = button('', () => this.setEditing(this.textarea.hidden), { class: 'secondary small', 'data-toggle-preview': name });
    this.element = el(
      'div',
      { class: 'field markdown-field' },
      el('div', { class: 'field-label-row' }, el('label', { id: labelId, for: this.textarea.id }, label), this.toggle),
      this.preview,
      this.textarea,
    );
  }

  get value(): string {
    return this.textarea.value;
  }

  /** Replaces the text; the field shows it rendered unless it is empty. */
  reset(value: string): void {
    this.textarea.value = value;
    this.setEditing(!value.trim());
  }

  /** Renders the text again if it shows rendered (its textarea changed from outside). */
  refresh(): void {
    if (this.textarea.hidden) this.renderPreview();
  }

  private setEditing(editing: boolean): void {
    this.textarea.hidden = !editing;
    this.preview.hidden = editing;
    this.toggle.textContent = editing ? 'Preview' : 'Edit';
    this.toggle.setAttribute('aria-pressed', String(editing));
    if (editing) return;
    this.renderPreview();
  }

  private renderPreview(): void {
    this.preview.replaceChildren(this.textarea.value.trim() ? renderMarkdown(this.textarea.value) : el('p', { class: 'placeholder' }, 'Nothing written yet.'));
  }
}
