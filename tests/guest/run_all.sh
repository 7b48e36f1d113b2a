#!/bin/bash
# Runs every guest comparison test through Bazel and prints a pass/fail table: one
# row per program (and run variant), one column per optimization level.
#
# Usage: tests/guest/run_all.sh [--runner dbt|qemu] [--tags TAG,...] [--fresh]
#                               [-- BAZEL_TEST_FLAGS...]
#   --runner dbt   compare against //clients:dbt (--define guest_runner=dbt)
#   --runner qemu  compare qemu-riscv64 with itself (checks the harness and that
#                  every program is deterministic)
#   (no --runner)  the BUILD file's default runner
#   --tags         only tests with these tags (e.g. signal,smc,guest_O2)
#   --fresh        do not reuse cached test results
# Failing tests' logs are in bazel-testlogs/tests/guest/<test>/test.log; each
# holds compare.sh's diff. Exit status: 0 if every test passed, 1 otherwise.
set -u
cd "$(dirname "$0")/../.." || exit 2

bazel_flags=(--test_output=summary --keep_going)
tags=guest
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runner) bazel_flags+=("--define=guest_runner=$2"); shift 2 ;;
    --tags) tags=$2; shift 2 ;;
    --fresh) bazel_flags+=(--nocache_test_results); shift ;;
    --) shift; bazel_flags+=("$@"); break ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
HOME=${HOME:-/root} bazel test //tests/guest/... "--test_tag_filters=$tags" "${bazel_flags[@]}" \
  2>&1 | tee "$log" | grep -E '^(ERROR|FAIL|INFO: Elapsed)' >&2

# Summary lines look like "//tests/guest:printf_O2   (cached) PASSED in 0.2s".
awk '
  $1 ~ /^\/\/tests\/guest:/ {
    name = substr($1, length("//tests/guest:") + 1)
    status = ""
    for (i = 2; i <= NF; i++) {
      if ($i ~ /^(PASSED|FAILED|TIMEOUT|FLAKY|INCOMPLETE|SKIPPED)$/ || $i == "NO" ) {
        status = ($i == "NO") ? "NO_STATUS" : $i
        if ($i == "FAILED" && $(i + 1) == "TO") status = "NO_BUILD"
        break
      }
    }
    if (status == "" || name !~ /_O(0|1|2|3|s|fast)$/) next
    n = split(name, parts, "_")
    opt = parts[n]
    program = substr(name, 1, length(name) - length(opt) - 1)
    cell[program, opt] = status
    if (!(program in seen)) { seen[program] = 1; order[++rows] = program }
    if (!(opt in opt_seen)) { opt_seen[opt] = 1 }
    total++
    if (status == "PASSED") passed++
  }
  END {
    split("O0 O1 O2 O3 Os Ofast", all_opts, " ")
    cols = 0
    for (k = 1; k <= 6; k++) if (all_opts[k] in opt_seen) used[++cols] = all_opts[k]
    printf "%-28s", "program"
    for (c = 1; c <= cols; c++) printf " %-9s", used[c]
    printf "\n"
    # Sort rows by name (insertion sort: the table is small).
    for (i = 2; i <= rows; i++) {
      v = order[i]
      for (j = i - 1; j >= 1 && order[j] > v; j--) order[j + 1] = order[j]
      order[j + 1] = v
    }
    for (r = 1; r <= rows; r++) {
      printf "%-28s", order[r]
      for (c = 1; c <= cols; c++) {
        s = ((order[r], used[c]) in cell) ? cell[order[r], used[c]] : "-"
        if (s == "PASSED") s = "pass"
        else if (s != "-") s = s "!"
        printf " %-9s", s
      }
      printf "\n"
    }
    printf "\n%d of %d tests passed\n", passed, total
    exit (total > 0 && passed == total) ? 0 : 1
  }
' "$log"
