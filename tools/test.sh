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

# A real program as distributed: busybox from Debian's sources, built for
# riscv64 and dynamically linked (bench/programs/build.sh; its sources come
# from the Debian mirror, so outside Bazel's network-less sandbox), its
# shell, pipelines of exec'd applets, tar and gzip round trips under dbt,
# compared with qemu-riscv64 where qemu can run them.
if programs=$(bash bench/programs/build.sh 2> /tmp/dbt-programs-build.log | tail -1) &&
  [[ -x $programs/riscv64/busybox ]]; then
  if bash tests/programs/busybox_test.sh bazel-bin/clients/dbt "$programs/riscv64/busybox" \
    > /tmp/dbt-busybox-test.log 2>&1; then
    echo "busybox_test (tests/programs): PASSED ($(grep -c '^ok' /tmp/dbt-busybox-test.log) checks)"
  else
    echo "busybox_test (tests/programs): FAILED"
    tail -n 30 /tmp/dbt-busybox-test.log
    rc=1
  fi
else
  echo "busybox_test (tests/programs): FAILED: bench/programs/build.sh did not build busybox"
  tail -n 30 /tmp/dbt-programs-build.log
  rc=1
fi

bazel query 'tests(//...)' 2>/dev/null |
  python3 tools/test_summary.py "$(bazel info bazel-testlogs 2>/dev/null)"
bazel shutdown
# Bazel: 0 ok, 3 tests failed, 1 build failure, 4 no tests. Any of those but
# 0 fails the suite.
exit $rc
