import type { Ollama } from 'ollama';
import type { ModelfileParts } from './modelfile';

/** Model management over the same hosts inference uses: what is installed, pulling, health. */
export interface InstalledModel {
  host: string;
  name: string;
  sizeBytes: number;
  family: string;
  parameterSize: string;
  quantization: string;
  digest: string;
}

export interface HostHealth {
  host: string;
  reachable: boolean;
  version?: string;
  loaded?: string[];
  error?: string;
}

export interface PullProgress {
  status: string;
  /** 0..1 when the download size is known. */
  fraction?: number;
}

export class ModelManager {
  constructor(private readonly clientFor: (host: string, signal?: AbortSignal) => Ollama) {}

  /** Every model on every reachable host; hosts that do not answer are left out. */
  async listModels(hosts: string[]): Promise<InstalledModel[]> {
    const lists = await Promise.all(
      hosts.map(async (host) => {
        try {
          const { models } = await this.clientFor(host).list();
          return models.map((model) => ({
            host,
            name: model.name,
            sizeBytes: model.size,
            family: model.details?.family ?? '',
            parameterSize: model.details?.parameter_size ?? '',
            quantization: model.details?.quantization_level ?? '',
            digest: model.digest,
          }));
        } catch {
          return [];
        }
      }),
    );
    return lists.flat();
  }

  async health(host: string, signal?: AbortSignal): Promise<HostHealth> {
    try {
      const client = this.clientFor(host, signal);
      const [{ version }, running] = await Promise.all([client.version(), client.ps()]);
      return { host, reachable: true, version, loaded: running.models.map((model) => model.name) };
    } catch (error) {
      return { host, reachable: false, error: (error as Error).message };
    }
  }

  /** Creates a model from a base model with a system prompt and parameters (Ollama's create call). */
  async create(host: string, name: string, base: string, parts: ModelfileParts, onStatus: (status: string) => void): Promise<void> {
    const stream = await this.clientFor(host).create({ model: name, from: base, system: parts.system, parameters: parts.parameters, stream: true });
    for await (const part of stream) onStatus(part.status);
  }

  /** Pulls a model, reporting Ollama's streamed progress; the signal stops the download. */
  async pull(host: string, model: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const stream = await this.clientFor(host, signal).pull({ model, stream: true });
    for await (const part of stream) {
      const fraction = part.total ? (part.completed ?? 0) / part.total : undefined;
      onProgress({ status: part.status, fraction });
    }
  }
}

export function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
