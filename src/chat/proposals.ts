import type { TaskProposal } from '../ai/aiService';
import type { Project } from '../workspace/projects';

interface PendingProposal {
  project: Project;
  proposal: TaskProposal;
  applied: boolean;
}

/**
 * Tasks proposed in the chat, waiting for the user's Apply. Kept in memory for the window:
 * a proposal is a preview, and nothing reaches tasks.json until Apply is pressed.
 */
export class ProposalStore {
  private readonly pending = new Map<string, PendingProposal>();
  private counter = 0;

  add(project: Project, proposal: TaskProposal): string {
    const id = `${Date.now().toString(36)}-${++this.counter}`;
    this.pending.set(id, { project, proposal, applied: false });
    // Old previews are dropped; a long chat session must not grow without bound.
    if (this.pending.size > 50) this.pending.delete(this.pending.keys().next().value!);
    return id;
  }

  /** The proposal to apply, once: a second Apply of the same preview gets undefined. */
  take(id: string): { project: Project; proposal: TaskProposal } | undefined {
    const entry = this.pending.get(id);
    if (!entry || entry.applied) return undefined;
    entry.applied = true;
    return entry;
  }

  /** Puts a proposal back after an apply that failed, so the user can try again. */
  release(id: string): void {
    const entry = this.pending.get(id);
    if (entry) entry.applied = false;
  }
}
