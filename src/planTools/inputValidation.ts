import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ToolInputError, type PlanTool } from './planTool';

// Models send 5 as "5" and ids as numbers: coercion accepts both. Defaults in the schema (what a
// model reads) are also what a call gets when it leaves an argument out.
// Built on the first tool call: Ajv's load and set-up cost nothing until a tool is used.
let loadedAjv: Ajv | undefined;
function ajv(): Ajv {
  return (loadedAjv ??= new (require('ajv') as typeof import('ajv')).default({ allErrors: true, coerceTypes: true, useDefaults: true, verbose: true }));
}
const validators = new WeakMap<PlanTool, ValidateFunction>();

function validatorFor(tool: PlanTool): ValidateFunction {
  let validate = validators.get(tool);
  if (!validate) {
    validate = ajv().compile(tool.inputSchema);
    validators.set(tool, validate);
  }
  return validate;
}

/** The call's arguments, checked against the tool's schema, coerced and with defaults filled in. */
export function validateInput(tool: PlanTool, raw: unknown): Record<string, unknown> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ToolInputError(`${tool.name} takes its arguments as a JSON object, not ${JSON.stringify(raw)}.`);
  }
  const input = structuredClone((raw ?? {}) as Record<string, unknown>);
  const validate = validatorFor(tool);
  if (!validate(input)) {
    const problems = new Set((validate.errors ?? []).map((error) => describeError(tool, error)));
    throw new ToolInputError(`Invalid arguments for ${tool.name}: ${[...problems].join(' ')}`);
  }
  return input;
}

/** One ajv error as a sentence a model can act on: which argument, what it must be, what it got. */
function describeError(tool: PlanTool, error: ErrorObject): string {
  const argument = error.instancePath.slice(1).replace(/\//g, '.');
  const got = error.data === undefined ? '' : ` (got ${JSON.stringify(error.data)})`;
  const hint = (name: string) => {
    const description = (tool.inputSchema.properties[name] as { description?: string } | undefined)?.description;
    return description ? `: ${description}` : '.';
  };
  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      return `\`${missing}\` is required${hint(missing)}`;
    }
    case 'additionalProperties':
      return `\`${String(error.params.additionalProperty)}\` is not an argument of ${tool.name}; it takes ${Object.keys(tool.inputSchema.properties).join(', ')}.`;
    case 'enum':
      return `\`${argument}\` must be one of ${(error.params.allowedValues as unknown[]).join(', ')}${got}.`;
    case 'type':
      return `\`${argument}\` must be ${error.params.type === 'integer' ? 'an integer' : `a ${String(error.params.type)}`}${got}${hint(argument)}`;
    case 'minLength':
      return `\`${argument}\` must not be empty${hint(argument)}`;
    default:
      return `\`${argument}\` ${error.message ?? 'is not valid'}${got}.`;
  }
}
