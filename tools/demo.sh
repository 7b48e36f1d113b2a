#!/usr/bin/env bash
# The main job, from a fresh clone: installs what is missing, builds dbt and a
# bundled RISC-V program, runs the program under `dbt run` (and under
# qemu-riscv64 for comparison), then brings the three services up, shows
# their status and brings them down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HOME="${HOME:-/root}"

bash tools/bootstrap.sh
bazel build //clients:dbt //clients:dbtctl //examples:primes
prog=bazel-bin/examples/riscv64/primes
dir="$(mktemp -d /tmp/dbt-demo-XXXXXX)"
trap 'bazel-bin/clients/dbt services down --dir="$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

echo "== dbt run $prog 2000000   (private translator + executor processes)"
status=0
bazel-bin/clients/dbt run --stats-json "$dir/stats.json" "$prog" 2000000 || status=$?
echo "exit status $status; translation statistics:"
cat "$dir/stats.json"
echo "== the same under qemu-riscv64, for comparison"
qemu-riscv64 "$prog" 2000000 || true

echo "== dbt services"
bazel-bin/clients/dbt services up --dir="$dir"
bazel-bin/clients/dbt services status --dir="$dir"
bazel-bin/clients/dbtctl --connect="unix:$dir/executor.sock" status
echo "== the program again, as a session of those running services"
bazel-bin/clients/dbt run --connect="unix:$dir/executor.sock" "$prog" 2000000
bazel-bin/clients/dbtctl --dir="$dir" sessions
bazel-bin/clients/dbtctl --dir="$dir" translator-stats
bazel-bin/clients/dbt services down --dir="$dir"
