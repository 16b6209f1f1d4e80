import type { HostHealth } from './modelManager';

/** How long a probe of a host nothing recent is known about may take before it counts as down. */
export const PROBE_TIMEOUT_MS = 2_000;

export interface ReachabilitySources {
  inference: { knownReachable(host: string): boolean | undefined; noteHealth(host: string, reachable: boolean): void };
  models: { health(host: string, signal?: AbortSignal): Promise<HostHealth> };
}

/**
 * Whether any of the hosts can answer, before a command asks its questions: what the last request
 * or health check said (no network), else a short probe of the hosts nothing recent is known about.
 */
export async function isOllamaReachable(sources: ReachabilitySources, endpoints: string[], probeTimeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const known = endpoints.map((host) => sources.inference.knownReachable(host));
  if (known.includes(true)) return true;
  const unknown = endpoints.filter((_, index) => known[index] === undefined);
  if (unknown.length === 0) return false;
  // The probe's own timeout ends it like a cancellation (health rethrows those); here it means "down".
  const probe = (host: string) => sources.models.health(host, AbortSignal.timeout(probeTimeoutMs)).catch((): HostHealth => ({ host, reachable: false, error: `no answer within ${probeTimeoutMs} ms` }));
  const probed = await Promise.all(unknown.map(probe));
  for (const health of probed) sources.inference.noteHealth(health.host, health.reachable);
  return probed.some((health) => health.reachable);
}
