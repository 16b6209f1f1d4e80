// One build script, one entry per target: the extension (vscode external), the CLI (two bundles),
// and the extension-host test runner. Type checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

// The CLI's process entry (main.ts) runs list, show and next itself and loads the other commands
// (commands.ts, with the AI stack, the MCP SDK and sql.js) from their own bundle when one runs.
const cliCommandsApart = {
  name: 'cli-commands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\.js$/ }, () => ({ path: './cliCommands.js', external: true }));
  },
};

const targets = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [cliCommandsApart] },
  { ...common, entryPoints: { cliCommands: 'src/cli/commands.ts' }, outdir: 'dist' },
];
// The board webview: one script and one stylesheet for the browser, shipped in media/.
if (existsSync('webview/board/main.ts')) {
  targets.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { board: 'webview/board/main.ts' },
    outdir: 'media',
  });
}
if (!production && existsSync('test/extension/suite.ts')) {
  targets.push({
    ...common,
    entryPoints: {
      'test/runElectron': 'test/extension/runElectron.ts',
      'test/extension/suite': 'test/extension/suite.ts',
    },
    outdir: 'dist',
    external: ['vscode', 'mocha', '@vscode/test-electron'],
  });
}

if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
}
// The activity ledger's SQLite engine: shipped beside the bundles that load it.
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
