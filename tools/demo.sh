#!/usr/bin/env bash
# The main job, from a fresh clone: installs what is missing, builds dbt,
# brings the three services up, shows their status, brings them down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HOME="${HOME:-/root}"

bash tools/bootstrap.sh
bazel build //clients:dbt //clients:dbtctl
dir="$(mktemp -d /tmp/dbt-demo-XXXXXX)"
trap 'bazel-bin/clients/dbt services down --dir="$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

bazel-bin/clients/dbt services up --dir="$dir"
bazel-bin/clients/dbt services status --dir="$dir"
bazel-bin/clients/dbtctl --connect="unix:$dir/executor.sock" status
bazel-bin/clients/dbt services down --dir="$dir"
