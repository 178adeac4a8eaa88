#!/usr/bin/env bash
# Runs the fuzz targets: `bash server/fuzz/run.sh SECONDS [TARGET...]` (all three by default).
# CI runs a few seconds of each; a real campaign is 20 minutes or more of each
# (`bash server/fuzz/run.sh 1200`). Findings land in server/fuzz/artifacts/TARGET/; copy the
# ones that reproduce to server/fuzz/regressions/TARGET/, where `cargo test --test fuzz`
# replays them. Needs `cargo install cargo-fuzz`; on a stable toolchain RUSTC_BOOTSTRAP lets
# cargo fuzz pass its flags, and no sanitizer is needed (the code has no `unsafe`).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyze_bytes analyze_json document_sync)
export RUSTC_BOOTSTRAP=1
# cargo fuzz has no `--locked`, and would rewrite a stale server/fuzz/Cargo.lock: resolving
# with `--locked` first fails instead (refresh the lock with `cargo metadata --manifest-path
# server/fuzz/Cargo.toml`, which changes only what the manifests changed, and commit it).
cargo metadata --locked --manifest-path server/fuzz/Cargo.toml --format-version 1 >/dev/null
fuzz=(cargo fuzz run --fuzz-dir server/fuzz --sanitizer none --release)
# Build first: a target that does not build fails the run (a finding does not, see below).
cargo fuzz build --fuzz-dir server/fuzz --sanitizer none --release
for target in "${targets[@]}"; do
  corpus=server/fuzz/corpus/$target
  mkdir -p "$corpus" "server/fuzz/artifacts/$target"
  seeds=()
  case $target in
    # The repo's policies (valid, broken, every rule's trigger) seed the byte-level target.
    analyze_bytes) seeds=(tests/fixtures) ;;
  esac
  # Keep going after a finding (each is saved), so that one run shows them all; libFuzzer
  # then exits non-zero, and the next target still runs.
  "${fuzz[@]}" "$target" "$corpus" "${seeds[@]}" -- \
    -dict=server/fuzz/iam.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=20000 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="server/fuzz/artifacts/$target/" || echo "fuzz: $target exited with $?" >&2
done
if find server/fuzz/artifacts -type f | grep -q .; then
  echo "fuzz: findings in server/fuzz/artifacts:" >&2
  find server/fuzz/artifacts -type f >&2
  exit 1
fi
