import type { AiService } from '../ai/aiService';
import type { PlanStore } from '../store/planStore';

/**
 * A plan tool: one capability a model can call, defined once and served by every bridge (the
 * language-model tools in VS Code and the `tml mcp` server). Names and argument names follow Task
 * Master's MCP tools so agent rules written for Task Master keep working. No `vscode` import here.
 */
export interface PlanTool<Input = Record<string, unknown>> {
  /** Task Master's MCP tool name, e.g. `get_tasks`. */
  readonly name: string;
  /** A short human title, e.g. "Get tasks". */
  readonly title: string;
  /** What it does and when to use it, written for a model choosing between tools. */
  readonly description: string;
  /** JSON Schema (draft-07 subset) of the input, without the bridge's own `projectRoot`/`file`. */
  readonly inputSchema: JsonSchemaObject;
  /** True when a call changes tasks.json (or another project file): bridges ask before running it. */
  readonly mutates: boolean;
  /** One sentence saying what a call is about to do, for a confirmation ("Set task 3 to done"). */
  describeCall(input: Input): string;
  /** Runs the call; the result is compact JSON a model can read. Throws ToolInputError for bad input. */
  run(input: Input, context: PlanToolContext): Promise<unknown>;
}

export interface JsonSchemaObject {
  type: 'object';
  properties: Record<string, object>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface PlanToolContext {
  store: PlanStore;
  ai: AiService;
  /** The project folder: every file argument must resolve inside it. */
  projectRoot: string;
  signal?: AbortSignal;
  /** Where diagnostics go that are not for the model: a raw invalid model reply, a bug's stack. */
  log?: (line: string) => void;
}

/** Input a model got wrong: the message says what was wrong and what to send instead. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }

  static is(error: unknown): error is ToolInputError {
    return error instanceof ToolInputError;
  }
}
