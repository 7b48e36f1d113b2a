#!/bin/bash
# Checks compare.sh itself: with runners that imitate dbt getting something wrong
# (extra output, wrong status, wrong signal, lost stdin, extra stderr, hanging), it
# must fail; with a faithful runner it must pass.
# Usage: compare_selftest.sh COMPARE_SH EXIT_PROG CRASH_PROG STDIN_PROG STDIN_FILE
set -u
compare=$1
exit_prog=$2
crash_prog=$3
stdin_prog=$4
stdin_file=$5
dir=$(mktemp -d "${TEST_TMPDIR:-/tmp}/selftest.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# make_runner NAME BODY: a fake `dbt` taking `run PROG ARGS...`.
make_runner() {
  printf '#!/bin/bash\n[[ $1 == run ]] || exit 2\nshift\n%s\n' "$2" >"$dir/$1"
  chmod +x "$dir/$1"
}
make_runner faithful 'exec /usr/bin/qemu-riscv64 "$@"'
make_runner extra_stdout '/usr/bin/qemu-riscv64 "$@"; s=$?; echo extra; exit $s'
make_runner wrong_status '/usr/bin/qemu-riscv64 "$@"; exit 3'
make_runner wrong_signal '/usr/bin/qemu-riscv64 "$@" 2>/dev/null; kill -SEGV $$'
make_runner drops_stdin 'exec /usr/bin/qemu-riscv64 "$@" </dev/null'
make_runner own_message 'echo "dbt: translated 12 blocks" >&2; exec /usr/bin/qemu-riscv64 "$@"'
make_runner foreign_message 'echo "warning: something" >&2; exec /usr/bin/qemu-riscv64 "$@"'
make_runner hangs 'sleep 30'

failures=0
# expect PASS|FAIL DESCRIPTION ARGS... : runs compare.sh and checks its verdict.
expect() {
  local want=$1 what=$2
  shift 2
  "$compare" "$@" >"$dir/log" 2>&1
  local rc=$?
  local got=FAIL
  [[ $rc -eq 0 ]] && got=PASS
  if [[ $rc -gt 1 || $got != "$want" ]]; then
    echo "SELFTEST FAIL: $what: expected $want, compare.sh exited $rc"
    sed 's/^/    /' "$dir/log"
    failures=$((failures + 1))
  else
    echo "ok: $what -> $got"
  fi
}

expect PASS "faithful runner, exit 42" --expect-status 42 "$dir/faithful" "$exit_prog" exit 42
expect PASS "qemu keyword as runner" --expect-status 42 qemu "$exit_prog" exit 42
expect FAIL "runner adds stdout" --expect-status 42 "$dir/extra_stdout" "$exit_prog" exit 42
expect FAIL "runner changes the status" --expect-status 42 "$dir/wrong_status" "$exit_prog" exit 42
expect FAIL "expected status differs from qemu's" --expect-status 41 "$dir/faithful" "$exit_prog" exit 42
expect PASS "faithful runner, abort" --stderr guest --expect-status 134 "$dir/faithful" "$crash_prog" abort
expect FAIL "runner dies by another signal" --stderr guest --expect-status 134 "$dir/wrong_signal" "$crash_prog" abort
expect PASS "stdin passed through" --stdin "$stdin_file" "$dir/faithful" "$stdin_prog" scanf
expect FAIL "runner drops stdin" --stdin "$stdin_file" "$dir/drops_stdin" "$stdin_prog" scanf
expect FAIL "runner message, stderr compared exactly" --expect-status 42 "$dir/own_message" "$exit_prog" exit 42
expect PASS "dbt: message dropped in guest mode" --stderr guest --expect-status 42 "$dir/own_message" "$exit_prog" exit 42
expect FAIL "other stderr still compared in guest mode" --stderr guest --expect-status 42 "$dir/foreign_message" "$exit_prog" exit 42
expect PASS "stderr ignored" --stderr ignore --expect-status 42 "$dir/foreign_message" "$exit_prog" exit 42
expect FAIL "runner hangs (timeout)" --timeout 2 --expect-status 42 "$dir/hangs" "$exit_prog" exit 42
GUEST_RUNNER="$dir/extra_stdout" expect FAIL "GUEST_RUNNER overrides the argument" --expect-status 42 "$dir/faithful" "$exit_prog" exit 42

if [[ $failures -ne 0 ]]; then
  echo "$failures self-test case(s) failed"
  exit 1
fi
echo "all compare.sh self-test cases passed"
