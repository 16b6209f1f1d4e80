import type { Plan } from './plan';
import { isValidated } from './validation';

/** How long after a project's first plan is loaded it is checked. */
export const FIRST_CHECK_DELAY_MS = 500;

/**
 * When a plan may be checked for problems: a project's first plan (loaded at startup) a moment
 * later, so the editor's start and the first rows of a large plan do not wait for a check that
 * costs about as much as loading it; every later plan, or one already checked, at once. Projects
 * are told apart by `keyOf` (their folder): a project opened again (a plan server's new token) is
 * not a first plan, and its rows keep their problems.
 */
export class FirstCheck<Project> {
  private readonly checked = new Set<string>();
  /** The pending checks, with the project last asked about (a reopened one replaces the old). */
  private readonly due = new Map<string, { timer: ReturnType<typeof setTimeout>; project: Project }>();

  /** `onDue` runs once the delay of a project's first plan has passed; it may check then. */
  constructor(
    private readonly keyOf: (project: Project) => string,
    private readonly onDue: (project: Project) => void,
    private readonly delayMs = FIRST_CHECK_DELAY_MS,
  ) {}

  /** True: check `plan` now. False: its check is scheduled (onDue), show it without problems until then. */
  ready(project: Project, plan: Plan): boolean {
    const key = this.keyOf(project);
    if (this.checked.has(key) || isValidated(plan)) {
      this.checked.add(key);
      return true;
    }
    const pending = this.due.get(key);
    if (pending) pending.project = project;
    else {
      const timer = setTimeout(() => {
        const { project: latest } = this.due.get(key)!;
        this.due.delete(key);
        this.checked.add(key);
        this.onDue(latest);
      }, this.delayMs);
      this.due.set(key, { timer, project });
    }
    return false;
  }

  dispose(): void {
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
