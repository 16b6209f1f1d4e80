import { promises as fs } from 'node:fs';
import type { PlanToolHost } from '../mcp/planMcpServer';
import { locatePlan } from '../store/planLocation';
import type { TaskStore } from '../store/taskStore';

/** A project the server serves: its name in URLs, its tools, and the one store every route writes through. */
export class ServedProject {
  /** The MCP resource of its plan. */
  readonly uri: string;
  readonly store: TaskStore;

  constructor(
    readonly name: string,
    readonly root: string,
    readonly host: PlanToolHost,
  ) {
    this.uri = `taskmaster://${name}/tasks.json`;
    // The store the tools use too: one queue and one watcher per plan.
    this.store = host.storeFor(locatePlan(root));
  }

  /** Reads the plan once and follows changes from any writer from then on. */
  async start(): Promise<void> {
    await this.store.reload();
    this.store.startWatching();
  }

  /** tasks.json as on disk; undefined when there is none. */
  async planBytes(): Promise<Buffer | undefined> {
    return fs.readFile(this.store.location.tasksFile).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }

  dispose(): void {
    this.host.dispose();
  }
}
