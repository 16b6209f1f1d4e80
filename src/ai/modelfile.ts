/** The parts of an Ollama Modelfile that a create request carries: base, parameters, system prompt. */
export interface ModelfileParts {
  from?: string;
  parameters: Record<string, string | number>;
  system?: string;
}

/** Reads FROM, PARAMETER and SYSTEM (one line, or in triple quotes) from a Modelfile. */
export function parseModelfile(text: string): ModelfileParts {
  const parts: ModelfileParts = { parameters: {} };
  const system = /^SYSTEM\s+"""([\s\S]*?)"""/m.exec(text) ?? /^SYSTEM\s+(.+)$/m.exec(text);
  if (system) parts.system = system[1].trim();
  for (const line of text.split(/\r?\n/)) {
    const from = /^FROM\s+(\S+)/i.exec(line);
    if (from) parts.from = from[1];
    const parameter = /^PARAMETER\s+(\S+)\s+(.+)$/i.exec(line);
    if (parameter) {
      const value = parameter[2].trim();
      parts.parameters[parameter[1]] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
  }
  return parts;
}
