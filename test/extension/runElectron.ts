/**
 * `npm run test:electron`: the extension-host suite in VS Code desktop through @vscode/test-electron,
 * on a fresh copy of demo/. It downloads VS Code unless VSCODE_EXECUTABLE_PATH names an installed one.
 * Bundled to dist/test/runElectron.js, so the repository root is two folders up.
 */
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tml-electron-'));
  fs.cpSync(path.join(root, 'demo'), workspace, { recursive: true });
  // The demo's config.json names a home-lab Ollama host: keep the test's checks on this machine.
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'taskmaster.ollama.endpoint': 'http://127.0.0.1:9' }));
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'dist', 'test', 'extension', 'suite.js'),
      launchArgs: [workspace, '--disable-extensions'],
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = process.env.VSCODE_EXECUTABLE_PATH
      ? `VSCODE_EXECUTABLE_PATH is ${process.env.VSCODE_EXECUTABLE_PATH}.`
      : 'If VS Code could not be downloaded, set VSCODE_EXECUTABLE_PATH to an installed VS Code.';
    process.stderr.write(
      `The extension-host suite did not pass in VS Code desktop: ${reason}\n${hint}\n` +
        `Without VS Code desktop, the same suite runs inside code-server: npx mocha test/e2e/extension.e2e.test.ts --grep "extension-host suite"\n`,
    );
    process.exitCode = 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
