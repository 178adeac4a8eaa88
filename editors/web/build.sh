#!/usr/bin/env bash
# Builds the web playground into editors/web/dist/ (a static folder: serve it with any static
# server, e.g. `python3 -m http.server -d editors/web/dist`; server/release.sh ships it):
#   1. server/wasm for wasm32-unknown-unknown (profile wasm-release: small, full LTO);
#   2. wasm-bindgen --target web (the CLI, the same version as the crate, installed once under
#      target/tools/ if it is missing);
#   3. npm ci and esbuild (build.mjs): the page, the worker, the examples and the code table.
# Installs the wasm32 target with rustup when it is missing. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
out="$repo/target/playground"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The CLI must match the wasm-bindgen crate exactly (Cargo.lock pins it).
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
bindgen="$repo/target/tools/wasm-bindgen-$version/bin/wasm-bindgen"
if [ ! -x "$bindgen" ]; then
  echo "playground: installing wasm-bindgen-cli $version (once, into target/tools/; a few minutes)"
  cargo install wasm-bindgen-cli --version "$version" --locked --root "$repo/target/tools/wasm-bindgen-$version"
fi

cargo build --locked -p iam-wasm --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out/pkg"
"$bindgen" --target web --no-typescript --out-dir "$out/pkg" \
  "$repo/target/wasm32-unknown-unknown/wasm-release/iam_wasm.wasm"

cd editors/web
[ -d node_modules/@codemirror/view ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
  || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf dist
node build.mjs --pkg "$out/pkg" --out dist
ls -l dist
