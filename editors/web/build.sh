#!/usr/bin/env bash
# Builds the web playground into editors/web/dist/ (a static folder: serve it with any static
# server, e.g. `python3 -m http.server -d editors/web/dist`; server/release.sh ships it):
#   1. server/wasm for wasm32-unknown-unknown (profile wasm-release: small, full LTO);
#   2. npm ci and esbuild (build.mjs): the page, the worker (with its loader of the .wasm,
#      src/wasm.js), the examples and the code table.
# Installs the wasm32 target with rustup when it is missing. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

cargo build --locked -p iam-wasm --target wasm32-unknown-unknown --profile wasm-release
cd editors/web
[ -d node_modules/@codemirror/view ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
  || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf dist
node build.mjs --wasm "$repo/target/wasm32-unknown-unknown/wasm-release/iam_wasm.wasm" --out dist
ls -l dist
