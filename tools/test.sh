#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds
# everything offline with Bazel, runs every test (no cached results), prints
# `N passed, N failed`, and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export HOME="${HOME:-/root}"

bash tools/bootstrap.sh || exit 1

bazel test --nocache_test_results //... "$@"
rc=$?

bazel query 'tests(//...)' 2>/dev/null |
  python3 tools/test_summary.py "$(bazel info bazel-testlogs 2>/dev/null)"
bazel shutdown
# Bazel: 0 ok, 3 tests failed, 1 build failure, 4 no tests. Any of those but
# 0 fails the suite.
exit $rc
