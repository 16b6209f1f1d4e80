import * as assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { cliBundle } from '../support/cliBundle';
import { closeServer, listenOnFreeLocalPort } from '../support/localServer';
import { makeProject, task, tagged, tempDir } from '../support/planBuilder';

const run = promisify(execFile);
const repoRoot = path.join(__dirname, '..', '..');
const deployDir = path.join(repoRoot, 'deploy');
const unitFile = path.join(deployDir, 'systemd', 'taskmaster-local.service');
const nixModule = path.join(deployDir, 'nixos', 'taskmaster-local.nix');
const nixPackage = path.join(deployDir, 'nixos', 'package.nix');
const nginxSnippet = path.join(deployDir, 'nginx', 'taskmaster-local.conf');
const PUBLIC_NAME = 'taskmaster.home-lab';
// nix reads /etc/nix/nix.conf, whose build-users-group names a group this machine may not have.
const nixEnv = { ...process.env, NIX_CONFIG: 'build-users-group =' };

/** The path of a program the deployment tests run; missing means install-e2e.sh was not run. */
function requireTool(program: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${program} is not installed (Debian package ${debianPackage}): run scripts/install-e2e.sh (npm test does).`);
  return found;
}

/** Runs a program to its end; its exit code and output, whatever the code. */
async function runToEnd(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  try {
    const { stdout, stderr } = await run(program, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** systemd-analyze verify on a unit file; fails on any complaint, warnings included (they exit 0). */
async function verifyUnit(file: string): Promise<void> {
  const systemdAnalyze = requireTool('systemd-analyze', 'systemd');
  const result = await runToEnd(systemdAnalyze, ['verify', file], { cwd: path.dirname(file) });
  assert.equal(result.code, 0, result.stderr);
  const complaints = result.stderr.split('\n').filter((line) => line.includes(path.basename(file)));
  assert.deepEqual(complaints, [], 'systemd-analyze verify complained');
}

/** The unit's directives, each key with its values in order (continuation lines joined). */
function unitDirectives(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  const joined = text.replace(/\\\n\s*/g, ' ');
  for (const line of joined.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) directives.set(match[1], [...(directives.get(match[1]) ?? []), match[2]]);
  }
  return directives;
}

/** The argv of an ExecStart line: "-quoted words as systemd reads them (%% and $$ are % and $). */
function execStartArgv(execStart: string): string[] {
  return (execStart.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((word) =>
    (word.startsWith('"') ? (JSON.parse(word) as string) : word).replace(/%%/g, '%').replace(/\$\$/g, '$'),
  );
}

describe('Deployment files stay out of the extension', () => {
  it('vsce lists nothing from deploy/ in the .vsix (.vscodeignore is an allow-list)', async function () {
    this.timeout(60_000);
    const listed = await runToEnd(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vsce', 'ls', '--no-dependencies'], { cwd: repoRoot });
    assert.equal(listed.code, 0, listed.stderr);
    const files = listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
    assert.ok(files.includes('README.md'), listed.stdout);
    assert.deepEqual(files.filter((file) => file.startsWith('deploy/')), []);
  });
});

describe('Deployment: the systemd unit (deploy/systemd)', () => {
  it('passes systemd-analyze verify (with this machine\'s node as the program) and rates OK in systemd-analyze security', async () => {
    const text = await fs.readFile(unitFile, 'utf8');
    assert.match(text, /^ExecStart=\/usr\/bin\/node /m);
    // verify checks that the program exists: CI machines keep node elsewhere than /usr/bin.
    const copy = path.join(await tempDir('tml-unit-'), path.basename(unitFile));
    await fs.writeFile(copy, text.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
    await verifyUnit(copy);
    const rating = await runToEnd(requireTool('systemd-analyze', 'systemd'), ['security', '--offline=true', '--threshold=20', copy]);
    assert.equal(rating.code, 0, `exposure above 2.0:\n${rating.stdout}${rating.stderr}`);
    assert.match(rating.stdout, /Overall exposure level for taskmaster-local\.service: 1\.\d OK/);
  });

  it('runs as a dedicated user, may write only its projects, and outlasts the server\'s 10 s drain on SIGTERM', async () => {
    const unit = unitDirectives(await fs.readFile(unitFile, 'utf8'));
    assert.deepEqual(unit.get('User'), ['taskmaster-local']);
    assert.deepEqual(unit.get('ProtectSystem'), ['strict']);
    assert.deepEqual(unit.get('NoNewPrivileges'), ['yes']);
    assert.deepEqual(unit.get('PrivateTmp'), ['yes']);
    const argv = execStartArgv(unit.get('ExecStart')![0]);
    const projectPaths = argv.filter((_, index) => argv[index - 1] === '--project').map((value) => value.slice(value.indexOf('=') + 1));
    assert.ok(projectPaths.length > 0);
    const writable = unit.get('ReadWritePaths')!.join(' ').split(' ');
    for (const project of projectPaths) assert.ok(writable.some((root) => project === root || project.startsWith(`${root}/`)), `${project} is not in ReadWritePaths`);
    assert.equal(argv[argv.indexOf('--tokens') + 1], '/var/lib/taskmaster-local/tokens.json');
    assert.deepEqual(unit.get('StateDirectory'), ['taskmaster-local']);
    assert.deepEqual(unit.get('KillSignal'), ['SIGTERM']);
    assert.ok(Number.parseInt(unit.get('TimeoutStopSec')![0], 10) > 10);
    assert.deepEqual(unit.get('Restart'), ['on-failure']);
  });
});

describe('Deployment: the unit\'s command line against the real tml serve', function () {
  this.timeout(60_000);

  /** The unit's ExecStart with this machine's node and cli.js, and the given paths and port. */
  async function unitArgv(replacements: Record<string, string>): Promise<string[]> {
    let execStart = unitDirectives(await fs.readFile(unitFile, 'utf8')).get('ExecStart')![0];
    for (const [from, to] of Object.entries({ '/usr/bin/node': process.execPath, '/opt/taskmaster-local/dist/cli.js': await cliBundle(), ...replacements })) {
      assert.ok(execStart.includes(from), `the unit's ExecStart no longer has "${from}"`);
      execStart = execStart.split(from).join(to);
    }
    return execStartArgv(execStart);
  }

  it('starts with the unit\'s flags, and exits 0 on SIGTERM, so Restart=on-failure leaves a stop alone', async () => {
    const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
    const tokens = path.join(await tempDir('tml-unit-state-'), 'tokens.json');
    const [program, ...args] = await unitArgv({ '--port 3001': '--port 0', '/var/lib/taskmaster-local/tokens.json': tokens, '/srv/taskmaster-local/home-lab': root });
    const { child, line } = await startUntilLine(program, args, /"msg":"listening"/);
    assert.deepEqual((JSON.parse(line) as { projects: string[] }).projects, ['home-lab']);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });

  it('drains and exits 0 on a SIGTERM that comes while it is still starting (a quick stop)', async () => {
    const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
    const tokens = path.join(await tempDir('tml-unit-state-'), 'tokens.json');
    const [program, ...args] = await unitArgv({ '--port 3001': '--port 0', '/var/lib/taskmaster-local/tokens.json': tokens, '/srv/taskmaster-local/home-lab': root });
    // Without tokens it warns as it starts, before it opens the projects and listens.
    const { child } = await startUntilLine(program, args, /no tokens yet/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });

  it('exits 2, which RestartPreventExitStatus names, when a project folder holds no plan', async () => {
    const unit = unitDirectives(await fs.readFile(unitFile, 'utf8'));
    const [program, ...args] = await unitArgv({ '--port 3001': '--port 0', '/srv/taskmaster-local/home-lab': await tempDir('tml-no-plan-') });
    const result = await runToEnd(program, args);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.deepEqual(unit.get('RestartPreventExitStatus'), ['2']);
  });
});

// A stand-in for the parts of nixpkgs the module uses: lib's option and list helpers, the option
// types (each with a check, so a wrong value fails here as in NixOS), NixOS's utils.escapeSystemdExecArgs,
// and mkIf. evalModule fills the options from `settings` (else their defaults), evaluates the module's
// config with them, and drops what a false mkIf guards.
const NIX_STUB = `
{ modulePath, settingsJson, packagePath }:
let
  b = builtins;
  hasPrefix = prefix: s: b.substring 0 (b.stringLength prefix) s == prefix;
  filterAttrs = keep: set: b.removeAttrs set (b.filter (name: !(keep name (b.getAttr name set))) (b.attrNames set));
  type = name: check: { inherit name check; };
  lib = {
    inherit hasPrefix;
    inherit (b) any elem concatLists concatMap replaceStrings;
    mapAttrsToList = f: set: map (name: f name (b.getAttr name set)) (b.attrNames set);
    optional = condition: item: if condition then [ item ] else [ ];
    literalExpression = text: { _type = "literalExpression"; inherit text; };
    mkOption = option: option // { _type = "option"; };
    mkEnableOption = what: { _type = "option"; type = lib.types.bool; default = false; description = "Whether to enable " + what + "."; };
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    types = {
      bool = type "bool" b.isBool;
      str = type "str" b.isString;
      port = type "port" (v: b.isInt v && v >= 0 && v <= 65535);
      path = type "path" (v: (b.isString v && hasPrefix "/" v) || b.isPath v);
      package = type "package" (v: b.isAttrs v && (v.type or null) == "derivation");
      listOf = t: type ("listOf " + t.name) (v: b.isList v && b.all t.check v);
      attrsOf = t: type ("attrsOf " + t.name) (v: b.isAttrs v && b.all t.check (b.attrValues v));
    };
  };
  utils.escapeSystemdExecArgs = args: b.concatStringsSep " "
    (map (arg: b.replaceStrings [ "%" "$" ] [ "%%" "$$" ] (b.toJSON (if b.isString arg then arg else toString arg))) args);

  settings = b.fromJSON settingsJson;
  package = { type = "derivation"; name = "taskmaster-local"; outPath = packagePath; };
  given = settings // { inherit package; };
  module = import modulePath;
  declared = (module { inherit lib utils; config = throw "an option reads config"; pkgs = throw "an option reads pkgs"; }).options.services.taskmaster-local;
  unknown = b.filter (name: !(b.hasAttr name declared)) (b.attrNames given);
  valueOf = name: option:
    if b.hasAttr name given then b.getAttr name given
    else if option ? default then option.default
    else throw ("option " + name + " is not set and has no default");
  cfg = b.mapAttrs (name: option:
    let value = valueOf name option;
    in if option.type.check value then value else throw ("option " + name + ": not a " + option.type.name)) declared;
  isIf = v: b.isAttrs v && (v._type or null) == "if";
  resolve = v:
    if isIf v then resolve v.content
    else if b.isAttrs v then b.mapAttrs (_: resolve) (filterAttrs (_: item: !(isIf item && !item.condition)) v)
    else if b.isList v then map resolve v
    else v;
  evaluated = (module { inherit lib utils; config.services.taskmaster-local = cfg; pkgs = { }; }).config;
in
  if unknown != [ ] then throw ("no such option: " + b.concatStringsSep ", " unknown)
  else if isIf evaluated && !evaluated.condition then { }
  else resolve evaluated
`;

interface ServiceConfig { [directive: string]: string | number | boolean | string[] }
interface EvaluatedConfig {
  assertions: Array<{ assertion: boolean; message: string }>;
  warnings: string[];
  users: { users: Record<string, { isSystemUser: boolean; group: string; home: string }>; groups: Record<string, unknown> };
  networking: { firewall: { allowedTCPPorts?: number[] } };
  systemd: { services: { 'taskmaster-local': { description: string; wantedBy: string[]; wants: string[]; after: string[]; serviceConfig: ServiceConfig } } };
}

let stubFile: Promise<string> | undefined;

/** The module evaluated with these option values; its package's outPath is packagePath. */
async function evalModule(settings: Record<string, unknown>, packagePath = '/nix/store/00000000000000000000000000000000-taskmaster-local-0.1.0'): Promise<EvaluatedConfig> {
  const nixInstantiate = requireTool('nix-instantiate', 'nix-bin');
  stubFile ??= (async () => {
    const file = path.join(await tempDir('tml-nix-'), 'evalModule.nix');
    await fs.writeFile(file, NIX_STUB);
    return file;
  })();
  const args = ['--eval', '--strict', '--json', await stubFile, '--arg', 'modulePath', nixModule, '--argstr', 'settingsJson', JSON.stringify(settings), '--argstr', 'packagePath', packagePath];
  const result = await runToEnd(nixInstantiate, args, { env: nixEnv });
  if (result.code !== 0) throw new Error(`nix-instantiate --eval failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as EvaluatedConfig;
}

/** The unit text NixOS writes for a service: one line per value, booleans as true/false. */
function renderUnit(service: EvaluatedConfig['systemd']['services']['taskmaster-local']): string {
  const line = (key: string, value: string | number | boolean) => `${key}=${typeof value === 'boolean' ? String(value) : value}`;
  const service_ = Object.entries(service.serviceConfig).flatMap(([key, value]) => (Array.isArray(value) ? value.map((item) => line(key, item)) : [line(key, value)]));
  return [
    '[Unit]', `Description=${service.description}`, `Wants=${service.wants.join(' ')}`, `After=${service.after.join(' ')}`, '',
    '[Service]', ...service_, '',
    '[Install]', `WantedBy=${service.wantedBy.join(' ')}`, '',
  ].join('\n');
}

/** A package as deploy/nixos/package.nix builds it: bin/tml runs node on the bundled cli.js. */
async function tmlPackage(): Promise<string> {
  const out = await tempDir('tml-package-');
  await fs.mkdir(path.join(out, 'bin'));
  await fs.writeFile(path.join(out, 'bin', 'tml'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(await cliBundle())} "$@"\n`, { mode: 0o755 });
  return out;
}

const twoProjects = { 'home-lab': '/srv/taskmaster-local/home-lab', dotfiles: '/srv/taskmaster-local/dot files' };

describe('Deployment: the NixOS module (deploy/nixos)', function () {
  this.timeout(60_000);

  it('parses with nix-instantiate --parse, as do package.nix and the README\'s Nix examples', async () => {
    const nixInstantiate = requireTool('nix-instantiate', 'nix-bin');
    for (const file of [nixModule, nixPackage]) {
      const result = await runToEnd(nixInstantiate, ['--parse', file], { env: nixEnv });
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    }
    const readme = await fs.readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const deployment = readme.slice(readme.indexOf('### Deployment'));
    const examples = [...deployment.matchAll(/```nix\n([\s\S]*?)```/g)].map((match) => match[1]);
    assert.ok(examples.length >= 1, 'the README\'s Deployment section has no ```nix example');
    const dir = await tempDir('tml-readme-nix-');
    for (const [index, example] of examples.entries()) {
      const file = path.join(dir, `example${index}.nix`);
      await fs.writeFile(file, example);
      const result = await runToEnd(nixInstantiate, ['--parse', file], { env: nixEnv });
      assert.equal(result.code, 0, `README example ${index + 1}: ${result.stderr}\n${example}`);
    }
  });

  it('builds ExecStart from the options: every project as --project name=path, the tokens file, host, port, allowed hosts, extra arguments', async () => {
    const config = await evalModule({
      enable: true, projects: twoProjects, tokensFile: '/run/secrets/tml-tokens.json', host: '192.168.1.20', port: 3101,
      allowedHosts: [PUBLIC_NAME], extraArgs: ['--rate-limit', '120'],
    });
    const service = config.systemd.services['taskmaster-local'];
    assert.deepEqual(execStartArgv(String(service.serviceConfig.ExecStart)), [
      '/nix/store/00000000000000000000000000000000-taskmaster-local-0.1.0/bin/tml', 'serve', '--host', '192.168.1.20', '--port', '3101',
      '--tokens', '/run/secrets/tml-tokens.json', '--allowed-host', PUBLIC_NAME,
      '--project', 'dotfiles=/srv/taskmaster-local/dot files', '--project', 'home-lab=/srv/taskmaster-local/home-lab', '--rate-limit', '120',
    ]);
    assert.deepEqual(service.serviceConfig.ReadWritePaths, ['"/srv/taskmaster-local/dot files"', '"/srv/taskmaster-local/home-lab"']);
    assert.equal(service.serviceConfig.ProtectHome, true);
    assert.equal(service.serviceConfig.ProtectSystem, 'strict');
    assert.equal(service.serviceConfig.NoNewPrivileges, true);
    assert.equal(service.serviceConfig.User, 'taskmaster-local');
    assert.deepEqual(service.wantedBy, ['multi-user.target']);
    assert.deepEqual(config.networking.firewall, {});
    assert.deepEqual(config.warnings, []);
    assert.ok(config.assertions.every((check) => check.assertion));
  });

  it('defaults to 127.0.0.1:3001, a dedicated system user, the tokens file in its state folder and a closed firewall', async () => {
    const config = await evalModule({ enable: true, projects: { 'home-lab': '/srv/home-lab' } });
    const service = config.systemd.services['taskmaster-local'];
    const argv = execStartArgv(String(service.serviceConfig.ExecStart));
    assert.deepEqual(argv.slice(1, 8), ['serve', '--host', '127.0.0.1', '--port', '3001', '--tokens', '/var/lib/taskmaster-local/tokens.json']);
    assert.deepEqual(config.users.users, { 'taskmaster-local': { isSystemUser: true, group: 'taskmaster-local', home: '/var/lib/taskmaster-local' } });
    assert.deepEqual(config.users.groups, { 'taskmaster-local': {} });
    assert.equal(service.serviceConfig.StateDirectory, 'taskmaster-local');
    assert.deepEqual(config.networking.firewall, {});
    assert.deepEqual(await evalModule({ projects: { 'home-lab': '/srv/home-lab' } }), {}, 'a disabled service configures nothing');
  });

  it('opens the port only when asked (and warns when the server listens on loopback); projects under /home keep /home readable', async () => {
    const open = await evalModule({ enable: true, projects: { 'home-lab': '/home/geir/Home-lab' }, host: '0.0.0.0', openFirewall: true });
    assert.deepEqual(open.networking.firewall.allowedTCPPorts, [3001]);
    assert.deepEqual(open.warnings, []);
    assert.equal(open.systemd.services['taskmaster-local'].serviceConfig.ProtectHome, 'read-only');
    const loopback = await evalModule({ enable: true, projects: { 'home-lab': '/srv/home-lab' }, openFirewall: true });
    assert.equal(loopback.warnings.length, 1);
    assert.match(loopback.warnings[0], /listens on 127\.0\.0\.1 only/);
  });

  it('refuses a configuration without projects, with a message saying what to set', async () => {
    const config = await evalModule({ enable: true });
    assert.deepEqual(config.assertions.filter((check) => !check.assertion).map((check) => check.message), [
      'services.taskmaster-local.projects is empty: name at least one project folder to serve.',
    ]);
    await assert.rejects(evalModule({ enable: true, projects: { 'home-lab': 'relative/path' } }), /option projects: not a attrsOf path/);
    await assert.rejects(evalModule({ enable: true, projects: {}, prot: 3001 }), /no such option: prot/);
  });

  it('renders into a unit systemd-analyze verify accepts, with a user rename', async () => {
    const config = await evalModule({ enable: true, projects: twoProjects, user: 'sma', group: 'users' }, await tmlPackage());
    assert.deepEqual(config.users, {}, 'a user of your own is not created');
    const dir = await tempDir('tml-nixos-unit-');
    const unit = path.join(dir, 'taskmaster-local.service');
    await fs.writeFile(unit, renderUnit(config.systemd.services['taskmaster-local']));
    await verifyUnit(unit);
  });
});

/** An nginx.conf around the shipped snippet; only ports and certificate paths changed, each checked to exist. */
async function nginxConfig(dir: string, ports: { tls: number; plain: number; upstream: number }, certificate: { cert: string; key: string }): Promise<string> {
  let snippet = await fs.readFile(nginxSnippet, 'utf8');
  const replace = (from: string, to: string) => {
    assert.ok(snippet.includes(from), `the nginx snippet no longer has "${from}"`);
    snippet = snippet.split(from).join(to);
  };
  replace('server 127.0.0.1:3001;', `server 127.0.0.1:${ports.upstream};`);
  replace('listen 443 ssl;', `listen 127.0.0.1:${ports.tls} ssl;`);
  replace('listen 80;', `listen 127.0.0.1:${ports.plain};`);
  replace('/etc/ssl/taskmaster-local/fullchain.pem', certificate.cert);
  replace('/etc/ssl/taskmaster-local/privkey.pem', certificate.key);
  await fs.writeFile(path.join(dir, 'taskmaster-local.conf'), snippet);
  const temp = (name: string) => path.join(dir, name);
  const conf = path.join(dir, 'nginx.conf');
  await fs.writeFile(conf, [
    'daemon off;', `pid ${temp('nginx.pid')};`, `error_log ${temp('error.log')} info;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${temp('access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${temp(kind)};`),
    `  include ${path.join(dir, 'taskmaster-local.conf')};`,
    '}', '',
  ].join('\n'));
  return conf;
}

/** A self-signed certificate for the public name, made by openssl. */
async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const openssl = requireTool('openssl', 'openssl');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const result = await runToEnd(openssl, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${PUBLIC_NAME}`,
    '-addext', `subjectAltName=DNS:${PUBLIC_NAME}`, '-keyout', key, '-out', cert,
  ]);
  assert.equal(result.code, 0, result.stderr);
  return { cert, key };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  const port = await listenOnFreeLocalPort(server);
  await closeServer(server);
  return port;
}

type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * fetch as a client on another machine does it: by the public name (SNI, Host header and the
 * certificate checked against it), here reaching nginx on 127.0.0.1.
 */
function fetchByPublicName(port: number, ca: string): FetchLike {
  return (url, init = {}) => new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const headers = { ...Object.fromEntries(new Headers(init.headers).entries()), host: target.host };
    const request = https.request({ host: '127.0.0.1', port, servername: target.hostname, ca, method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, headers }, (response) => {
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(response.headers)) for (const item of [value ?? []].flat()) responseHeaders.append(name, item);
      const status = response.statusCode ?? 0;
      const empty = status === 204 || status === 304 || init.method === 'HEAD';
      if (empty) response.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), { status, headers: responseHeaders }));
    });
    request.on('error', reject);
    init.signal?.addEventListener('abort', () => request.destroy(new Error('aborted')));
    request.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

/** Starts a program and resolves with it once a line of its stdout matches. */
async function startUntilLine(program: string, args: string[], pattern: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let buffered = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const found = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (found) resolve(found);
    });
    child.on('exit', (code) => reject(new Error(`${program} exited (${code}) before printing ${pattern}:\n${buffered}${stderr}`)));
  });
  return { child, line };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

describe('Deployment: nginx in front (deploy/nginx)', function () {
  this.timeout(90_000);

  it('nginx -t accepts a configuration that includes the snippet', async () => {
    const nginx = requireTool('nginx', 'nginx');
    const dir = await tempDir('tml-nginx-');
    const conf = await nginxConfig(dir, { tls: 8443, plain: 8080, upstream: 3001 }, await selfSignedCertificate(dir));
    const result = await runToEnd(nginx, ['-t', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /syntax is ok/);
    assert.match(result.stderr, /test is successful/);
  });

  describe('live: TLS through nginx to tml serve started as the NixOS module says', () => {
    let server: ChildProcess | undefined;
    let proxy: ChildProcess | undefined;
    let client: Client | undefined;
    let tasksFile = '';
    let fetchPublic: FetchLike;
    let base = '';
    let readToken = '';

    before(async () => {
      const nginx = requireTool('nginx', 'nginx');
      const { root, tasksFile: file } = await makeProject(tagged({ master: [task({ id: 1, title: 'Set up nginx', status: 'done' }), task({ id: 2, title: 'Serve the plan over TLS', dependencies: [1] })] }));
      tasksFile = file;
      const stateDir = await tempDir('tml-state-');
      const tokensFile = path.join(stateDir, 'tokens.json');
      const tml = path.join(await tmlPackage(), 'bin', 'tml');
      const added = await runToEnd(tml, ['token', 'add', 'editor', '--scope', 'read', '--tokens', tokensFile]);
      assert.equal(added.code, 0, added.stderr);
      readToken = added.stdout.trim();

      const config = await evalModule({ enable: true, projects: { 'home-lab': root }, port: 0, tokensFile, allowedHosts: [PUBLIC_NAME] }, path.dirname(path.dirname(tml)));
      const [program, ...args] = execStartArgv(String(config.systemd.services['taskmaster-local'].serviceConfig.ExecStart));
      const started = await startUntilLine(program, args, /"msg":"listening"/);
      server = started.child;
      const upstream = Number(new URL((JSON.parse(started.line) as { url: string }).url).port);

      const dir = await tempDir('tml-nginx-live-');
      // Workers drop to nobody when nginx runs as root: they must reach the temp folders.
      await fs.chmod(dir, 0o755);
      const certificate = await selfSignedCertificate(dir);
      const ports = { tls: await freePort(), plain: await freePort(), upstream };
      const conf = await nginxConfig(dir, ports, certificate);
      proxy = spawn(nginx, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], { stdio: 'ignore' });
      fetchPublic = fetchByPublicName(ports.tls, await fs.readFile(certificate.cert, 'utf8'));
      base = `https://${PUBLIC_NAME}:${ports.tls}`;
      // nginx prints nothing when ready: ask until it answers.
      for (;;) {
        const answer = await fetchPublic(`${base}/healthz`).catch(() => undefined);
        if (answer) {
          assert.equal(answer.status, 200, await answer.text());
          break;
        }
        if (proxy.exitCode !== null) throw new Error(`nginx exited: ${await fs.readFile(path.join(dir, 'error.log'), 'utf8')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      client = new Client({ name: 'deploy-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp/home-lab`), {
        fetch: fetchPublic, requestInit: { headers: { Authorization: `Bearer ${readToken}` } },
      }));
    });

    after(async () => {
      await client?.close();
      await stop(proxy);
      await stop(server);
    });

    it('an MCP client (official SDK) over https lists the tools and reads the plan', async () => {
      const tools = (await client!.listTools()).tools.map((tool) => tool.name);
      assert.ok(tools.includes('get_tasks') && tools.includes('next_task'), tools.join(', '));
      const next = await client!.callTool({ name: 'next_task', arguments: {} });
      assert.match(JSON.stringify(next.content), /Serve the plan over TLS/);
      const resource = await client!.readResource({ uri: 'taskmaster://home-lab/tasks.json' });
      assert.equal((resource.contents[0] as { text: string }).text, await fs.readFile(tasksFile, 'utf8'));
    });

    it('streams: a change to tasks.json reaches a subscriber through nginx while its event stream stays open', async () => {
      const uri = 'taskmaster://home-lab/tasks.json';
      const updated = new Promise<string>((resolve) => client!.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => resolve(note.params.uri)));
      await client!.subscribeResource({ uri });
      const text = await fs.readFile(tasksFile, 'utf8');
      await fs.writeFile(tasksFile, text.replace('Serve the plan over TLS', 'Serve the plan over TLS, streaming'));
      assert.equal(await updated, uri);
    });

    it('serves /plans with the ETag, and refuses a request without a token, through nginx', async () => {
      const plan = await fetchPublic(`${base}/plans/home-lab`, { headers: { Authorization: `Bearer ${readToken}` } });
      assert.equal(plan.status, 200);
      assert.equal(await plan.text(), await fs.readFile(tasksFile, 'utf8'));
      assert.match(plan.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
      const anonymous = await fetchPublic(`${base}/plans/home-lab`);
      assert.equal(anonymous.status, 401);
      assert.equal((await anonymous.json() as { error: string }).error.length > 0, true);
      const elsewhere = await fetchPublic(`${base}/metrics`, { headers: { Authorization: `Bearer ${readToken}` } });
      assert.equal(elsewhere.status, 404, '/metrics stays on loopback');
    });
  });
});
