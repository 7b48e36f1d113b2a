#!/usr/bin/env bash
# The chaining micro-benchmark (bench/chaining): ns per chained exit and per
# link patch for the ways of chaining across a RW/RX split code buffer.
#   bash bench/chaining.sh [--blocks=64] [--exits=50000000] [--reps=5]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HOME="${HOME:-/root}"
bash tools/bootstrap.sh >/dev/null || exit 1
bazel build //bench/chaining:chain_bench >/dev/null 2>&1 || bazel build //bench/chaining:chain_bench
exec bazel-bin/bench/chaining/chain_bench "$@"
