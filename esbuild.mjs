// One build script, one entry per target: the extension (vscode external), the CLI (two bundles),
// and the extension-host test runner. Type checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

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

// The extension is split so that activation compiles only what the first view needs.
// dist/extension.js: activation, the Tasks tree, the status bar, Problems. dist/features.js: the rest
// (commands, AI, ledger, git, board, chat), required on first use (src/extension.ts says when); it
// takes every module extension.js already has from extension.js, so each module, its state and its
// classes (`instanceof`) exist once. The npm packages these load lazily are bundles of their own in
// dist/lib/, required when first called.
const LAZY_PACKAGES = { ajv: 'ajv', ollama: 'ollama', 'simple-git': 'simple-git', 'proper-lockfile': 'proper-lockfile', 'sql.js': 'sql-js' };

// Source modules that only re-export a lazily loaded package's parts, bundled the same way.
const LAZY_MODULES = { 'src/remote/mcpClientSdk.ts': 'mcp-client' };

const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    const names = Object.keys(LAZY_PACKAGES).map((name) => name.replace('.', '\\.'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: `./lib/${LAZY_PACKAGES[args.path]}.js`, external: true }));
    build.onResolve({ filter: /^\./ }, (args) => {
      const module = path.relative(process.cwd(), path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
      const file = LAZY_MODULES[`${module}.ts`];
      return file ? { path: `./lib/${file}.js`, external: true } : undefined;
    });
  },
};

/** src/extension.ts requires './features.js' when first needed: the features bundle beside it. */
const featuresApart = {
  name: 'features-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/features\.js$/ }, () => ({ path: './features.js', external: true }));
  },
};

/** Resolves the modules extension.js holds to its `sharedModules` export instead of bundling them again. */
function fromExtensionBundle(modules) {
  return {
    name: 'from-extension-bundle',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.namespace === 'extension-bundle') return { path: args.path, external: true };
        if (args.pluginData === 'resolving') return undefined;
        const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
        const module = path.relative(process.cwd(), resolved.path).split(path.sep).join('/');
        return modules.includes(module) ? { path: module, namespace: 'extension-bundle' } : resolved;
      });
      build.onLoad({ filter: /.*/, namespace: 'extension-bundle' }, (args) => ({
        contents: `module.exports = require('./extension.js').sharedModules[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/**
 * `import * as vscode from 'vscode'` makes esbuild copy the whole API object into a namespace of
 * its own in every module that imports it (13 in activation, 30 more with the features: about 1 ms
 * each). Every module takes the one namespace made here instead.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const extensionOptions = { ...common, outdir: 'dist', external: ['vscode'], plugins: [vscodeOnce, lazyPackages, featuresApart] };
/** The source modules activation bundles (a quick first pass: the second one exports them). */
const { metafile } = await esbuild.build({ ...extensionOptions, entryPoints: { extension: 'src/extension.ts' }, write: false, metafile: true, sourcemap: false, minify: false });
const activationModules = Object.keys(metafile.inputs).filter((file) => file.startsWith('src/') && file !== 'src/extension.ts');
const extensionEntry = [
  "export * from './src/extension';",
  ...activationModules.map((file, index) => `import * as m${index} from './${file}';`),
  `export const sharedModules = { ${activationModules.map((file, index) => `${JSON.stringify(file)}: m${index}`).join(', ')} };`,
].join('\n');

const targets = [
  { ...extensionOptions, stdin: { contents: extensionEntry, resolveDir: '.', sourcefile: 'extension-entry.ts', loader: 'ts' }, outfile: 'dist/extension.js', outdir: undefined },
  { ...extensionOptions, entryPoints: { features: 'src/features.ts' }, plugins: [vscodeOnce, lazyPackages, fromExtensionBundle(activationModules)] },
  { ...common, entryPoints: Object.fromEntries([...Object.entries(LAZY_PACKAGES), ...Object.entries(LAZY_MODULES)].map(([source, file]) => [`lib/${file}`, source])), outdir: 'dist' },
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
