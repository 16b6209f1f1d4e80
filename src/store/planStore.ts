import type { Disposable, Event } from '../core/event';
import type { PlanOperation } from '../core/operations';
import type { PlanLocation } from './planLocation';
import type { LoadedPlan, PlanState } from './planReader';

/**
 * Where a plan lives, as every surface sees it: read it, edit it, follow its changes. Two kinds:
 * the project's own tasks.json (TaskStore) and a plan served by `tml serve` (RemotePlanStore).
 * Surfaces talk to this and never to one kind, except for what only a local file has
 * (`kind === 'file'`: git progress, the merge-conflict resolver, revealing the file).
 */
export interface PlanStore extends Disposable {
  readonly kind: 'file' | 'remote';
  /**
   * The project's folder and files. For a remote plan `root` and `taskmasterDir` are the local
   * folder the plan is opened for (reports and research are written there) and `tasksFile` names
   * the plan on the server, for messages only.
   */
  readonly location: PlanLocation;
  /** What is known of the plan now. */
  readonly state: PlanState;
  /** Fires when the plan or its current tag changed, whoever changed it. */
  readonly onDidChange: Event<PlanState>;
  /** Reads the plan again; fires onDidChange when anything differs from what was known. */
  reload(): Promise<PlanState>;
  /** Reloads and returns the plan; throws PlanMissingError or PlanUnreadableError when there is none to use. */
  load(): Promise<LoadedPlan>;
  /**
   * The text `state` was read from, for positions in the file; undefined when no plan is loaded or
   * the file changed since (the reload that follows brings the state that goes with it).
   */
  loadedText(): Promise<string | undefined>;
  /**
   * Applies an operation to the freshest plan and saves it; resolves once it is saved. When it
   * cannot be saved it throws, and the plan stays as it was.
   */
  edit(operation: PlanOperation, tag?: string): Promise<void>;
  /** Switches the current tag. */
  setCurrentTag(tag: string): Promise<void>;
  /** The tag Task Master's `branchTagMapping` gives a git branch, if any. */
  tagForBranch(branch: string): Promise<string | undefined>;
  /** Records in `branchTagMapping` that `branch` works on `tag`. */
  mapBranchToTag(branch: string, tag: string): Promise<void>;
  /**
   * Saves a copy of the plan as it is now, before a change to `tag` that replaces much of it, so
   * the previous plan can be had back. Returns the copy's path.
   */
  backup(tag: string): Promise<string>;
  /** Follows changes made by others from now on. */
  startWatching(): void;
}
