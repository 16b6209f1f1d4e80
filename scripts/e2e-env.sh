# shellcheck shell=bash
# Pinned versions and cache layout for the end-to-end tests (code-server + headless Chromium).
# Source it:  . scripts/e2e-env.sh   (scripts/install-e2e.sh does, and so can CI steps).
# test/e2e/vscodeHarness.ts uses the same defaults; keep the two in step when bumping a version.
#
#   ${TML_CACHE:-$HOME/.cache/taskmaster-local}/
#     node-<TML_NODE_VERSION>/bin/node                                  Node 24 (code-server needs it)
#     code-server-<TML_CODE_SERVER_VERSION>/node_modules/.bin/code-server
#     code-server-<TML_CODE_SERVER_VERSION>/.tml-install-complete       written last by install-e2e.sh
#     task-master-<TML_TASK_MASTER_VERSION>/node_modules/task-master-ai    the conformance peer
#
# code-server's bin starts with `#!/usr/bin/env node` and its native modules are built for Node 24's
# ABI, so run it with "$TML_NODE_DIR/bin" first on PATH (the machine's own node is 20).

export TML_CACHE="${TML_CACHE:-$HOME/.cache/taskmaster-local}"
export TML_NODE_VERSION="${TML_NODE_VERSION:-24.21.0}"
export TML_CODE_SERVER_VERSION="${TML_CODE_SERVER_VERSION:-4.139.1}"
export TML_NODE_DIR="$TML_CACHE/node-$TML_NODE_VERSION"
export TML_CODE_SERVER_DIR="$TML_CACHE/code-server-$TML_CODE_SERVER_VERSION"
export TML_CODE_SERVER="$TML_CODE_SERVER_DIR/node_modules/.bin/code-server"
export TML_CHROMIUM="${TML_CHROMIUM:-/usr/bin/chromium}"
export TML_TASK_MASTER_VERSION="${TML_TASK_MASTER_VERSION:-0.43.1}"
export TML_TASK_MASTER_DIR="$TML_CACHE/task-master-$TML_TASK_MASTER_VERSION"
export TML_TASK_MASTER="$TML_TASK_MASTER_DIR/node_modules/task-master-ai/dist/task-master.js"
