#!/bin/bash
# `dbt run PROG 5<f5 9<f9`: the guest reads fds 5 and 9 as under qemu-riscv64
# (and fd 20, never opened, is EBADF), with the private services (the
# executor inherits dbt's fds and passes them on: StartGuest.inherit_fds) and
# in one process. An fd opened close-on-exec in dbt's starter is not passed.
# Usage: fds_test.sh DBT READ_FDS_PROG
set -u
dbt=$1 prog=$2
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-fds-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; cat "$f"; done; exit 1; }

echo "five" > "$work/f5"
echo "nine" > "$work/f9"
"$qemu" "$prog" 5 9 20 5<"$work/f5" 9<"$work/f9" > "$work/q.txt" 2>&1 || fail "qemu"
grep -q "^fd 5: five$" "$work/q.txt" || fail "qemu did not read fd 5 (the oracle is broken)"
for mode in "" "--one-process"; do
  # shellcheck disable=SC2086
  "$dbt" run $mode "$prog" 5 9 20 5<"$work/f5" 9<"$work/f9" > "$work/d.txt" 2>&1 || fail "dbt run $mode"
  cmp -s "$work/q.txt" "$work/d.txt" || fail "dbt run $mode: not as qemu"
  echo "dbt run $mode: fds 5 and 9 reached the guest, fd 20 is EBADF, as under qemu"
done
# Close-on-exec in the starter: not inherited by dbt, so not the guest's.
python3 - "$dbt" "$prog" "$work/f5" > "$work/cloexec.txt" 2>&1 <<'PY' || fail "cloexec run"
import os, subprocess, sys
dbt, prog, path = sys.argv[1:]
fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
os.dup2(fd, 50, inheritable=False)
sys.stdout.flush()
subprocess.run([dbt, "run", prog, "50"], check=True, close_fds=False)
PY
# (fd 50: the session's own fds take the lowest free numbers, see
# docs/ARCHITECTURE.md.)
grep -q "^fd 50: Bad file descriptor$" "$work/cloexec.txt" || fail "a close-on-exec fd reached the guest"
echo "a close-on-exec fd of the starter does not reach the guest"
echo PASS
