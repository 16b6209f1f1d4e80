/**
 * The webview's side of VS Code: posting protocol messages, and the view state VS Code keeps across
 * a window reload (`getState`/`setState`), so the user comes back to the same place. (While the
 * panel is only hidden the page lives on: the panel retains its context.)
 */
import type { WebviewMessage } from '../../src/board/protocol';
import type { CardFilter } from './cardFilter';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export type ViewName = 'board' | 'graph' | 'dashboard';
export const VIEW_NAMES: readonly ViewName[] = ['board', 'graph', 'dashboard'];

/** Where the user is: kept across a reload of the page. */
export interface SavedView {
  view: ViewName;
  filter: CardFilter;
  /** The task in the editor. */
  openTaskId?: string;
  /** The task whose critical path the graph highlights. */
  graphTargetId?: string;
}

// acquireVsCodeApi may be called once per page load.
const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadSavedView(): SavedView {
  const saved = api.getState() as Partial<SavedView> | undefined;
  return {
    view: saved?.view && VIEW_NAMES.includes(saved.view) ? saved.view : 'board',
    filter: { text: saved?.filter?.text ?? '', priority: saved?.filter?.priority ?? '' },
    openTaskId: saved?.openTaskId,
    graphTargetId: saved?.graphTargetId,
  };
}

export function saveView(view: SavedView): void {
  api.setState(view);
}
