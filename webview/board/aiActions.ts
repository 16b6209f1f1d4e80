/**
 * The editor's AI actions: expand the task into subtasks, or update it from a prompt. They run in
 * the extension's AI service; its `progress` messages show here until the one marked done.
 */
import { button, el } from './dom';

export type AiAction = 'expand' | 'update';

/** An AI action's latest progress message, and whether it has finished. */
export interface AiProgress {
  message: string;
  done: boolean;
}

export class AiActions {
  readonly element: HTMLElement;
  private readonly prompt = el('textarea', { id: 'ai-prompt', rows: 2, placeholder: 'What should change? (needed to update; optional guidance to expand)', 'data-ai-prompt': '' });
  private readonly expand: HTMLButtonElement;
  private readonly update: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly status = el('div', { class: 'ai-progress', role: 'status', 'aria-live': 'polite', 'data-ai-progress': '' });
  private taskId = '';
  private running = false;

  /** `start` asks the extension to run the action (the board records it as running); `cancel` to stop it. */
  constructor(start: (taskId: string, action: AiAction, prompt: string | undefined) => void, cancel: (taskId: string) => void) {
    const run = (action: AiAction) => start(this.taskId, action, this.prompt.value.trim() || undefined);
    this.expand = button('Expand into subtasks', () => run('expand'), { class: 'secondary', 'data-ai-action': 'expand' });
    this.update = button('Update with AI', () => run('update'), { class: 'secondary', 'data-ai-action': 'update' });
    this.cancel = button('Cancel', () => cancel(this.taskId), { class: 'secondary', hidden: true, 'data-ai-action': 'cancel' });
    this.prompt.addEventListener('input', () => this.refreshButtons());
    this.element = el(
      'div',
      { class: 'field ai-actions' },
      el('label', { for: this.prompt.id }, 'Prompt'),
      this.prompt,
      el('div', { class: 'button-row' }, this.expand, this.update, this.cancel),
      this.status,
    );
  }

  /** The task the actions apply to, and how far an action on it has got (undefined: none ran). */
  show(taskId: string, progress: AiProgress | undefined): void {
    if (taskId !== this.taskId) this.prompt.value = '';
    this.taskId = taskId;
    this.running = progress !== undefined && !progress.done;
    this.status.replaceChildren(...(progress ? [this.running && el('span', { class: 'spinner', 'aria-hidden': 'true' }), progress.message].filter((part) => part !== false) : []));
    this.status.classList.toggle('is-running', this.running);
    this.refreshButtons();
  }

  private refreshButtons(): void {
    this.expand.disabled = this.running;
    this.update.disabled = this.running || !this.prompt.value.trim();
    this.cancel.hidden = !this.running;
  }
}
