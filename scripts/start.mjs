// `npm start`: build, then open the extension on a demo plan in a real VS Code. With a `code` CLI on
// PATH that is VS Code's extension development host; without one (a server, a container) it is the
// pinned code-server that the end-to-end tests use (scripts/install-e2e.sh), served on 127.0.0.1
// until Ctrl+C. The demo plan is copied once to <cache>/demo-workspace and kept, edits and all.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The flags the e2e harness starts code-server with too (test/e2e/vscodeHarness.ts). */
const CODE_SERVER_FLAGS = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'code-server-flags.json'), 'utf8'));
const cache = process.env.TML_CACHE ?? path.join(os.homedir(), '.cache', 'taskmaster-local');
const demo = path.join(cache, 'demo-workspace');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function runOrFail(label, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}).`);
  return result;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** Copies what the .vsix ships (see .vscodeignore) as an installed extension folder. */
function stageExtension(extensionsDir) {
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.rmSync(extensionsDir, { recursive: true, force: true }); // always the build just made
  const target = path.join(extensionsDir, `${publisher}.${name}-${version}`);
  const shipped = (file) => path.relative(root, file) !== path.join('resources', 'screenshots'); // README pictures stay out
  for (const entry of ['package.json', 'README.md', 'LICENSE', 'media', 'resources', 'dist/extension.js', 'dist/extension.js.map', 'dist/features.js', 'dist/features.js.map', 'dist/lib', 'dist/cli.js', 'dist/cliCommands.js', 'dist/sql-wasm.wasm']) {
    const source = path.join(root, entry);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(target, entry), { recursive: true, filter: shipped });
  }
}

runOrFail('Build', process.execPath, ['esbuild.mjs']);

if (fs.existsSync(demo)) {
  console.log(`Using the demo plan at ${demo} (delete the folder for a fresh copy).`);
} else {
  fs.cpSync(path.join(root, 'demo'), demo, { recursive: true });
  console.log(`Copied the demo plan to ${demo}.`);
}

const code = findOnPath('code');
if (code) {
  const result = spawnSync(code, [`--extensionDevelopmentPath=${root}`, demo], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

console.log('No `code` on PATH: starting the pinned code-server instead (installed once, then cached).');
runOrFail('Installing code-server', 'bash', [path.join(root, 'scripts', 'install-e2e.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
// The pins and paths live in one place, scripts/e2e-env.sh.
const pins = runOrFail('Reading scripts/e2e-env.sh', 'bash', ['-c', '. scripts/e2e-env.sh && printf "%s\\n%s\\n" "$TML_NODE_DIR" "$TML_CODE_SERVER"'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  env: { ...process.env, TML_CACHE: cache },
});
const [nodeDir, codeServer] = pins.stdout.trim().split('\n');

const session = path.join(cache, 'start');
const extensionsDir = path.join(session, 'extensions');
const userDataDir = path.join(session, 'user-data');
stageExtension(extensionsDir);
const settingsFile = path.join(userDataDir, 'User', 'settings.json');
if (!fs.existsSync(settingsFile)) {
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  // Stay on this machine: no Copilot/chat background process, no telemetry, no update checks.
  const settings = {
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

const port = await freePort();
const logFile = path.join(session, 'code-server.log');
const log = fs.openSync(logFile, 'w');
// VSCODE_* variables from a surrounding VS Code terminal would make code-server hand the folder over.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_')));
const server = spawn(
  path.join(nodeDir, 'bin', 'node'), // code-server's native modules are built for this Node
  [
    codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    ...CODE_SERVER_FLAGS,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    demo,
  ],
  {
    cwd: demo,
    env: {
      ...env,
      PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH ?? ''}`,
      EXTENSIONS_GALLERY: '{}', // no outside extension gallery
      // code-server keeps its config.yaml and state here rather than in the user's ~/.config.
      XDG_CONFIG_HOME: path.join(session, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(session, 'xdg', 'data'),
    },
    detached: true, // its own process group, so stopping it stops its extension host and watchers too
    stdio: ['ignore', log, log],
  },
);
fs.closeSync(log);

const logTail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
const signalGroup = (signal) => {
  try {
    process.kill(-server.pid, signal);
  } catch {
    // the whole group is gone
  }
};
let stopping = false;
server.on('exit', (code, signal) => {
  signalGroup('SIGKILL'); // stragglers: the group can outlive its leader
  if (stopping) process.exit(0);
  fail(`code-server stopped (${signal ?? `exit ${code}`}). The end of ${logFile}:\n${logTail()}`);
});

function stop() {
  if (stopping) return;
  stopping = true;
  signalGroup('SIGTERM');
  setTimeout(() => {
    signalGroup('SIGKILL');
    process.exit(0);
  }, 5000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
// `npm start` runs this under `sh -c`, which does not pass a SIGTERM sent to npm on: when the
// process that started this one is gone, stop as if told to.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 1000).unref();

const deadline = Date.now() + 60_000;
while (!(await healthy(port))) {
  if (Date.now() > deadline) {
    stop();
    fail(`code-server did not answer on 127.0.0.1:${port} within 60 s. The end of ${logFile}:\n${logTail()}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log(`Taskmaster Local is running in VS Code at http://127.0.0.1:${port}/?folder=${encodeURI(demo)}`);
console.log(`Press Ctrl+C to stop it. code-server's log: ${logFile}`);
