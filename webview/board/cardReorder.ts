/**
 * Dropping a card between two cards of its own column moves it there as `task-master move --from
 * <id> --to <id>` does: to the first free id between the ids of the cards either side
 * (src/board/cardPosition.ts). The kanban asks this module while a card is dragged over a card of
 * its own column; a drop on another column stays a status change.
 */
import { positionBetween } from '../../src/board/cardPosition';
import type { BoardCard } from '../../src/board/protocol';
import { closestTo } from './dom';

const BEFORE = 'is-drop-before';
const AFTER = 'is-drop-after';

/** Where a dragged card would land: before or after the card under the pointer. */
interface Slot {
  card: HTMLElement;
  after: boolean;
}

export class CardReorder {
  private slot: Slot | undefined;

  /**
   * Marks where `dragged` would land when the pointer is over another card of its own column;
   * true when it is (the caller then accepts the drag), false elsewhere.
   */
  over(event: DragEvent, dragged: BoardCard): boolean {
    const card = closestTo(event, '.card');
    const slot = card && card.dataset.taskId !== dragged.id && card.dataset.status === dragged.status ? { card, after: this.inLowerHalf(event, card) } : undefined;
    if (slot?.card !== this.slot?.card || slot?.after !== this.slot?.after) {
      this.clear();
      slot?.card.classList.add(slot.after ? AFTER : BEFORE);
      this.slot = slot;
    }
    return slot !== undefined;
  }

  /** The id `dragged` moves to when dropped where `over` marked; undefined when that changes nothing or nothing was marked. */
  drop(dragged: BoardCard, taken: ReadonlySet<string>): string | undefined {
    const slot = this.slot;
    this.clear();
    const list = slot?.card.parentElement;
    if (!slot || !list) return undefined;
    const ids = [...list.children].map((child) => (child as HTMLElement).dataset.taskId).filter((id): id is string => id !== undefined && id !== dragged.id);
    const at = ids.indexOf(slot.card.dataset.taskId!) + (slot.after ? 1 : 0);
    return positionBetween(dragged.id, ids[at - 1], ids[at], taken);
  }

  clear(): void {
    this.slot?.card.classList.remove(BEFORE, AFTER);
    this.slot = undefined;
  }

  private inLowerHalf(event: DragEvent, card: HTMLElement): boolean {
    const box = card.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  }
}
