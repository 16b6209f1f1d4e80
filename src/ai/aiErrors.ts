import { promptBudget } from '../core/prompts';

/** Failures of inference a user can act on; each says what happened and what to do. */
export class OllamaUnreachableError extends Error {
  constructor(readonly hosts: string[]) {
    super(`Ollama is not reachable at ${hosts.join(', ')}. Check that it is running and that the endpoint setting is right.`);
    this.name = 'OllamaUnreachableError';
  }

  static is(error: unknown): error is OllamaUnreachableError {
    return error instanceof OllamaUnreachableError;
  }
}

export class ModelNotFoundError extends Error {
  constructor(
    readonly models: string[],
    readonly host: string,
  ) {
    super(`Model ${models.join(', ')} is not available on ${host}. Pull it first (ollama pull ${models[0]}) or pick another model.`);
    this.name = 'ModelNotFoundError';
  }

  static is(error: unknown): error is ModelNotFoundError {
    return error instanceof ModelNotFoundError;
  }
}

/** The model answered, but never with a reply that matches the schema; the plan is untouched. */
export class InvalidReplyError extends Error {
  constructor(
    readonly model: string,
    readonly reason: string,
    readonly rawReply: string,
  ) {
    super(`${model} did not give a usable answer (${reason}); nothing was changed. Try again, or a larger model.`);
    this.name = 'InvalidReplyError';
  }

  static is(error: unknown): error is InvalidReplyError {
    return error instanceof InvalidReplyError;
  }
}

/** A request that cannot fit the model's context window: Ollama would silently drop its beginning. */
export class PromptTooLargeError extends Error {
  constructor(
    readonly estimatedTokens: number,
    readonly windowTokens: number,
    what = 'The request',
  ) {
    super(
      `${what} is too big for the model's context window: about ${estimatedTokens} tokens (estimated at 4 characters a token), while num_ctx ${windowTokens} leaves room for ${promptBudget(windowTokens)} besides the answer. ` +
        'Nothing was sent or changed. Raise the taskmaster.ollama.numCtx setting (if the model supports a larger window), pick a model with a larger window, or shorten the text.',
    );
    this.name = 'PromptTooLargeError';
  }

  static is(error: unknown): error is PromptTooLargeError {
    return error instanceof PromptTooLargeError;
  }
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled; nothing was changed.');
    this.name = 'CancelledError';
  }

  static is(error: unknown): error is CancelledError {
    return error instanceof CancelledError;
  }
}
