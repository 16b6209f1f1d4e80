import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where scripts/install-e2e.sh keeps what the tests need outside the clone (code-server, Node 24,
 * the task-master peer); scripts/e2e-env.sh holds the same defaults.
 */
export function cacheDir(): string {
  return process.env.TML_CACHE ?? path.join(os.homedir(), '.cache', 'taskmaster-local');
}
