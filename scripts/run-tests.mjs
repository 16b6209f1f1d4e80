// `npm test`: type-check, build, install what the end-to-end tests need (cached outside the
// clone), then every suite in one mocha run that ends with the line "N passed, N failed".
import { spawnSync } from 'node:child_process';

function step(label, command, args, options = {}) {
  process.stdout.write(`\n> ${label}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stdout.write(`\n0 passed, 1 failed\n`);
    process.stderr.write(`${label} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status || 1);
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
step('type check', npx, ['tsc', '--noEmit', '-p', '.']);
step('type check the webview', npx, ['tsc', '--noEmit', '-p', 'webview']);
step('build', process.execPath, ['esbuild.mjs']);
step('install end-to-end prerequisites (cached)', 'bash', ['scripts/install-e2e.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });

const suites = ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts', 'test/webview/**/*.test.ts', 'test/e2e/**/*.test.ts'];
const mocha = spawnSync(npx, ['mocha', ...suites, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(mocha.status ?? 1);
