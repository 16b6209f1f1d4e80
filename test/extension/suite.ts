/**
 * The extension-host test suite. Bundled by esbuild.mjs to dist/test/extension/suite.js, which
 * runs inside VS Code's extension host: @vscode/test-electron calls run() (test/extension/runElectron.ts),
 * and the e2e tests run it inside code-server through test/extension/hostRunner, which calls runSuite().
 * 'mocha' stays external: it resolves from the repository's node_modules next to dist/.
 */
import Mocha from 'mocha';
import { taskmasterTests } from './taskmaster.ext';

export interface SuiteResult {
  passed: number;
  failed: number;
  failures: Array<{ title: string; message: string }>;
}

/** Runs every test case and reports the outcome; never rejects because a test failed. */
export function runSuite(): Promise<SuiteResult> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false });
  // The cases are bundled into this file rather than loaded from disk: give them mocha's
  // describe/it the way mocha does for each spec file it requires.
  mocha.suite.emit('pre-require', globalThis, 'taskmaster.ext', mocha);
  taskmasterTests();
  return new Promise((resolve) => {
    const failures: SuiteResult['failures'] = [];
    const runner = mocha.run();
    runner.on('fail', (test, error: Error) => failures.push({ title: test.fullTitle(), message: error.stack ?? String(error) }));
    runner.on('end', () => resolve({ passed: runner.stats?.passes ?? 0, failed: failures.length, failures }));
  });
}

/** The @vscode/test-electron entry point: resolves when every test passed. */
export async function run(): Promise<void> {
  const result = await runSuite();
  if (result.failed > 0) throw new Error(`${result.failed} extension-host test(s) failed:\n${result.failures.map((f) => `${f.title}: ${f.message}`).join('\n\n')}`);
}
