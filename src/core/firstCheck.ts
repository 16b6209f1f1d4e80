import type { Plan } from './plan';
import { isValidated } from './validation';

/** How long after a project's first plan is loaded it is checked. */
export const FIRST_CHECK_DELAY_MS = 500;

/**
 * When a plan may be checked for problems: a project's first plan (loaded at startup) a moment
 * later, so the editor's start and the first rows of a large plan do not wait for a check that
 * costs about as much as loading it; every later plan, or one already checked, at once.
 */
export class FirstCheck<Project extends object> {
  private readonly checked = new WeakSet<Project>();
  private readonly due = new Map<Project, ReturnType<typeof setTimeout>>();

  /** `onDue` runs once the delay of a project's first plan has passed; it may check then. */
  constructor(
    private readonly onDue: (project: Project) => void,
    private readonly delayMs = FIRST_CHECK_DELAY_MS,
  ) {}

  /** True: check `plan` now. False: its check is scheduled (onDue), show it without problems until then. */
  ready(project: Project, plan: Plan): boolean {
    if (this.checked.has(project) || isValidated(plan)) {
      this.checked.add(project);
      return true;
    }
    if (!this.due.has(project)) {
      this.due.set(
        project,
        setTimeout(() => {
          this.due.delete(project);
          this.checked.add(project);
          this.onDue(project);
        }, this.delayMs),
      );
    }
    return false;
  }

  dispose(): void {
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
