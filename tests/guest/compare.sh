#!/bin/bash
# Runs a RISC-V guest program under the reference (/usr/bin/qemu-riscv64) and under
# the runner under test, and compares stdout, stderr and exit status.
#
# Usage: compare.sh [options] RUNNER PROG [ARGS...]
#   RUNNER   the dbt client, invoked as `RUNNER run [$GUEST_RUNNER_FLAGS] PROG ARGS...`;
#            "qemu" (or a path whose name starts with qemu-riscv64) runs qemu itself,
#            which checks the harness and that the program's output is deterministic.
#            The environment variable GUEST_RUNNER, when set, overrides RUNNER.
#   --stdin FILE          feed FILE to both runs (default /dev/null)
#   --stderr compare|guest|ignore
#                         compare: stderr must be identical (default)
#                         guest: compare after dropping the runners' own diagnostic
#                           lines, those starting with "qemu:" or "dbt:" (e.g. qemu's
#                           "qemu: uncaught target signal"), for programs that die by
#                           a signal
#                         ignore: do not compare stderr
#   --expect-status N     the status the reference run must have (default 0); a
#                         mismatch means the program or the oracle is wrong
#   --timeout SECS        per run (default 120)
#
# Both runs see the same fixed environment (env -i ...) and the same, fresh working
# directory; statuses are as a shell reports them (128+N for death by signal N).
# Exit status: 0 when everything matches, 1 on a mismatch, 2 on a usage error.
set -u

stdin_file=/dev/null
stderr_mode=compare
expect_status=0
timeout_secs=120
qemu=${GUEST_QEMU:-/usr/bin/qemu-riscv64}

usage() {
  sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --stdin) stdin_file=$2; shift 2 ;;
    --stderr) stderr_mode=$2; shift 2 ;;
    --expect-status) expect_status=$2; shift 2 ;;
    --timeout) timeout_secs=$2; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "compare.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[[ $# -ge 2 ]] || usage
case "$stderr_mode" in compare|guest|ignore) ;; *) usage ;; esac

runner=${GUEST_RUNNER:-$1}
prog=$2
shift 2

# Absolute paths without resolving symlinks: a Bazel runfiles path must stay a
# runfiles path (dbt may find its services next to itself), and the runs happen
# in another directory.
absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}
prog=$(absolute "$prog")
# Dynamically linked guests load Debian's riscv64 glibc from the cross
# sysroot; dbt uses it by default, qemu-riscv64 is told (-L).
qemu_sysroot=()
[[ -d /usr/riscv64-linux-gnu ]] && qemu_sysroot=(-L /usr/riscv64-linux-gnu)
stdin_file=$(absolute "$stdin_file")
case "$runner" in
  qemu) runner_cmd=("$qemu" "${qemu_sysroot[@]}") ;;
  *)
    runner=$(absolute "$runner")
    if [[ "$(basename "$runner")" == qemu-riscv64* ]]; then
      runner_cmd=("$runner" "${qemu_sysroot[@]}")
    else
      # shellcheck disable=SC2206  # GUEST_RUNNER_FLAGS is a word list on purpose.
      runner_cmd=("$runner" run ${GUEST_RUNNER_FLAGS:-})
      warm_run=1
    fi
    ;;
esac
for f in "$prog" "$stdin_file" "${runner_cmd[0]}"; do
  [[ -e "$f" ]] || { echo "compare.sh: $f does not exist" >&2; exit 2; }
done

base=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/compare.XXXXXX")
base=$(cd "$base" && pwd -P)
trap 'rm -rf "$base"' EXIT
work=$base/work
out=$base/out
mkdir -p "$out"

# The one environment both runs see. TEST_TMPDIR is where guest programs create
# their scratch files; it is the working directory itself, so it is fresh per run.
fixed_env=(
  PATH=/usr/bin:/bin
  HOME=/nonexistent
  LANG=C
  LC_ALL=C
  TZ=UTC
  TEST_TMPDIR="$work"
  DBT_GUEST_TEST=1
)
# dbt's translation cache: a store of this comparison's own, so that the
# second dbt run starts warm from the first (the guest sees the variable in
# every run alike).
fixed_env+=(XDG_CACHE_HOME="$base/cache")

# run_one LABEL CMD... : runs the guest in a fresh $work, records stdout, stderr and
# status in $out/LABEL.*. Core dumps are off: qemu would write qemu_*.core files
# into $work and the host would dump the runner's core.
run_one() {
  local label=$1
  shift
  rm -rf "$work"
  mkdir -p "$work"
  (
    cd "$work" || exit 2
    ulimit -c 0
    exec /usr/bin/timeout -k 5 "$timeout_secs" /usr/bin/env -i "${fixed_env[@]}" "$@" \
      <"$stdin_file" >"$out/$label.stdout" 2>"$out/$label.stderr"
  )
  echo $? >"$out/$label.status"
}

run_one qemu "$qemu" "${qemu_sysroot[@]}" "$prog" "$@"
run_one runner "${runner_cmd[@]}" "$prog" "$@"
# dbt again, on the store the first run filled: a warm start must behave
# exactly like the cold one.
if [[ ${warm_run:-0} -eq 1 ]]; then run_one warm "${runner_cmd[@]}" "$prog" "$@"; fi

ref_status=$(cat "$out/qemu.status")
status=$(cat "$out/runner.status")
describe() {
  local s=$1
  if [[ $s -eq 124 ]]; then
    echo "$s (timed out after ${timeout_secs}s)"
  elif [[ $s -gt 128 ]]; then
    echo "$s (killed by signal $((s - 128)): $(kill -l $((s - 128)) 2>/dev/null))"
  else
    echo "$s"
  fi
}

failed=0
show_diff() {
  local what=$1 label=${2:-runner}
  if ! cmp -s "$out/qemu.$what" "$out/$label.$what"; then
    echo "=== $what differs (--- qemu-riscv64, +++ $label) ==="
    diff -u --label "qemu-riscv64 $what" --label "$label $what" \
      "$out/qemu.$what" "$out/$label.$what" | head -n 200
    failed=1
  fi
}
labels=(runner)
if [[ ${warm_run:-0} -eq 1 ]]; then labels+=(warm); fi
for label in "${labels[@]}"; do
  show_diff stdout "$label"
  if [[ $stderr_mode == guest ]]; then
    for l in qemu "$label"; do
      grep -Ev '^(qemu|dbt):' "$out/$l.stderr" >"$out/$l.guest-stderr"
    done
    show_diff guest-stderr "$label"
  elif [[ $stderr_mode == compare ]]; then
    show_diff stderr "$label"
  fi
  if [[ "$ref_status" != "$(cat "$out/$label.status")" ]]; then
    echo "=== exit status differs ($label) ==="
    failed=1
  fi
done
if [[ "$ref_status" != "$expect_status" ]]; then
  echo "=== reference status $ref_status != expected $expect_status: the program or the oracle is wrong ==="
  echo "--- qemu-riscv64 stdout (tail) ---"
  tail -n 40 "$out/qemu.stdout"
  echo "--- qemu-riscv64 stderr (tail) ---"
  tail -n 20 "$out/qemu.stderr"
  failed=1
fi

echo "program: $prog $*"
echo "runner:  ${runner_cmd[*]}"
echo "status:  qemu-riscv64 $(describe "$ref_status"), runner $(describe "$status")$(
  [[ ${warm_run:-0} -eq 1 ]] && echo ", warm runner $(describe "$(cat "$out/warm.status")")")"
if [[ $failed -ne 0 ]]; then
  if [[ $stderr_mode != compare ]]; then
    echo "--- runner stderr (not compared as is; tail) ---"
    tail -n 20 "$out/runner.stderr"
  fi
  echo "FAIL"
  exit 1
fi
echo "PASS ($(wc -l <"$out/qemu.stdout") stdout lines compared)"
exit 0
