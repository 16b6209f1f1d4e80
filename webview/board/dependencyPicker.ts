/**
 * The editor's dependency list: chips to remove, and a search over the plan's tasks to add one.
 * Tasks that already wait on this one are offered disabled ("would make a cycle"); the extension
 * checks again and answers `error` for any cycle that still gets through.
 */
import type { BoardCard } from '../../src/board/protocol';
import { compareIds } from '../../src/core/ids';
import { closestTo, el } from './dom';
import { statusBadge } from './labels';

const MAX_RESULTS = 8;

/** Every task that waits, directly or through others, on `id`. */
function dependentsOf(cards: readonly BoardCard[], id: string): Set<string> {
  const waitingOn = new Map<string, string[]>();
  for (const card of cards) {
    for (const dependency of card.dependencies) waitingOn.set(dependency, [...(waitingOn.get(dependency) ?? []), card.id]);
  }
  const found = new Set<string>();
  const queue = [id];
  while (queue.length) {
    for (const dependent of waitingOn.get(queue.pop()!) ?? []) {
      if (found.has(dependent)) continue;
      found.add(dependent);
      queue.push(dependent);
    }
  }
  return found;
}

export class DependencyPicker {
  readonly element: HTMLElement;
  private readonly chips = el('ul', { class: 'chips', 'aria-label': 'Dependencies', 'data-dependencies': '' });
  private readonly search = el('input', { type: 'search', id: 'dependency-search', placeholder: 'Add a dependency: id or title', autocomplete: 'off', 'data-dependency-search': '' });
  private readonly results = el('ul', { class: 'dependency-results', 'aria-label': 'Matching tasks' });
  private chosen: string[] = [];
  private taskId = '';
  private cards: readonly BoardCard[] = [];
  private wouldCycle = new Set<string>();

  constructor(private readonly onChange: () => void) {
    this.element = el(
      'div',
      { class: 'field dependency-picker' },
      this.chips,
      el('label', { for: this.search.id, class: 'visually-hidden' }, 'Add a dependency'),
      this.search,
      this.results,
    );
    this.search.addEventListener('input', () => this.renderResults());
    // Escape here clears the search; it must not reach the editor, which would close.
    this.search.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      event.preventDefault();
      this.search.value = '';
      this.renderResults();
    });
    this.element.addEventListener('click', (event) => {
      const remove = closestTo(event, '[data-remove-dependency]');
      const add = closestTo(event, '[data-add-dependency]');
      if (remove) this.setChosen(this.chosen.filter((id) => id !== remove.dataset.removeDependency));
      else if (add?.dataset.addDependency) {
        this.setChosen([...this.chosen, add.dataset.addDependency]);
        this.search.value = '';
        this.renderResults();
        this.search.focus();
      }
    });
  }

  get value(): string[] {
    return this.chosen;
  }

  /** The plan to pick from (a new state may have arrived), and the task being edited. */
  setPlan(taskId: string, cards: readonly BoardCard[]): void {
    this.taskId = taskId;
    this.cards = cards;
    this.wouldCycle = dependentsOf(cards, taskId);
    this.renderChips();
    this.renderResults();
  }

  reset(dependencies: string[]): void {
    this.chosen = [...dependencies];
    this.renderChips();
    this.renderResults();
  }

  private setChosen(ids: string[]): void {
    this.chosen = ids;
    this.renderChips();
    this.renderResults();
    this.onChange();
  }

  private renderChips(): void {
    const titles = new Map(this.cards.map((card) => [card.id, card]));
    this.chips.replaceChildren(
      ...this.chosen.map((id) => {
        const card = titles.get(id);
        return el(
          'li',
          { class: 'chip', 'data-dependency': id },
          card && statusBadge(card.status),
          el('span', { class: 'chip-text' }, `#${id}${card ? ` ${card.title}` : ''}`),
          el('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove dependency on #${id}`, title: 'Remove', 'data-remove-dependency': id }, '✕'),
        );
      }),
    );
    if (!this.chosen.length) this.chips.append(el('li', { class: 'placeholder' }, 'No dependencies.'));
  }

  private renderResults(): void {
    const needle = this.search.value.trim().toLowerCase().replace(/^#/, '');
    if (!needle) {
      this.results.replaceChildren();
      return;
    }
    const matches = this.cards
      .filter((card) => card.id !== this.taskId && !this.chosen.includes(card.id))
      .filter((card) => card.id.startsWith(needle) || card.title.toLowerCase().includes(needle))
      .sort((a, b) => Number(b.id === needle) - Number(a.id === needle) || compareIds(a.id, b.id))
      .slice(0, MAX_RESULTS);
    this.results.replaceChildren(
      ...matches.map((card) => {
        const cycle = this.wouldCycle.has(card.id);
        return el(
          'li',
          {},
          el(
            'button',
            { type: 'button', class: 'dependency-option', disabled: cycle, 'data-add-dependency': card.id },
            `#${card.id} ${card.title}`,
            cycle && el('span', { class: 'option-note' }, ' — waits on this task: would make a cycle'),
          ),
        );
      }),
    );
    if (!matches.length) this.results.append(el('li', { class: 'placeholder' }, 'No task matches.'));
  }
}
