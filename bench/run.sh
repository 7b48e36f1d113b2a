#!/bin/bash
# Times every benchmark natively (x86-64 gcc -O2), under qemu-riscv64 and under
# `bazel-bin/clients/dbt run`, side by side in one run, and prints a table of
# seconds (best of N repetitions) with the ratios dbt/qemu and dbt/native and
# their geometric means. The table is also written as JSON to
# bench/out/results.json.
#
# Usage: bench/run.sh [--quick] [--reps N] [--only NAME,...] [--no-build]
#                     [--link static|dynamic|both] [--dbt PATH] [--timeout SECS]
#   --quick     one repetition (default: 3, best time kept)
#   --only      run only these benchmarks (default: all)
#   --link      the riscv64 builds to time: static, dynamically linked against
#               /usr/riscv64-linux-gnu's glibc (NAME_dyn; qemu gets -L), or both
#               (default); each against the same native build
#   --no-build  use what is in bazel-bin (default: bazel build //bench:all and,
#               if it builds, //clients:dbt)
#   --dbt PATH  the dbt client to time (default bazel-bin/clients/dbt); flags for
#               `dbt run` can be given in $DBT_RUN_FLAGS
#   --timeout   per run, in seconds (default 600)
#
# Every run's stdout must equal the native run's (each program prints a checksum);
# a run that fails, times out or prints something else shows as FAIL in its cell,
# and the script goes on. Without a working dbt the dbt columns say n/a.
set -u
cd "$(dirname "$0")/.." || exit 2
root=$PWD

reps=3
only=""
build=1
dbt=$root/bazel-bin/clients/dbt
timeout_secs=600
link=both
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) reps=1; shift ;;
    --reps) reps=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --dbt) dbt=$2; shift 2 ;;
    --timeout) timeout_secs=$2; shift 2 ;;
    --link) link=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

benchmarks=(sha256 sieve nbody matmul qsort interp tree strings)
if [[ -n $only ]]; then
  IFS=, read -r -a benchmarks <<<"$only"
fi
case "$link" in
  static) ;;
  dynamic) benchmarks=("${benchmarks[@]/%/_dyn}") ;;
  both) benchmarks=("${benchmarks[@]}" "${benchmarks[@]/%/_dyn}") ;;
  *) echo "bench/run.sh: --link takes static, dynamic or both" >&2; exit 2 ;;
esac

if [[ $build -eq 1 ]]; then
  echo "building //bench:all ..." >&2
  HOME=${HOME:-/root} bazel build //bench:all >&2 || { echo "bench/run.sh: build failed" >&2; exit 1; }
  if [[ $dbt == "$root/bazel-bin/clients/dbt" ]]; then
    echo "building //clients:dbt ..." >&2
    HOME=${HOME:-/root} bazel build //clients:dbt >&2 || echo "bench/run.sh: //clients:dbt does not build; dbt columns will say n/a" >&2
  fi
fi
qemu=/usr/bin/qemu-riscv64
have_dbt=0
[[ -x $dbt ]] && have_dbt=1

out_dir=$root/bench/out
mkdir -p "$out_dir"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# time_best LABEL EXPECTED_STDOUT_FILE CMD... : runs CMD $reps times; prints the
# best wall time in seconds, or FAIL (non-zero status, timeout, or stdout not
# equal to the expected file; the first such reason goes to stderr). With an empty
# EXPECTED file name, the first run's stdout becomes $scratch/LABEL.out.
time_best() {
  local label=$1 expected=$2
  shift 2
  local best="" start end elapsed status
  for ((r = 0; r < reps; r++)); do
    start=$EPOCHREALTIME
    /usr/bin/timeout -k 5 "$timeout_secs" "$@" >"$scratch/$label.run" 2>"$scratch/$label.err"
    status=$?
    end=$EPOCHREALTIME
    if [[ $status -ne 0 ]]; then
      echo "  $label: exit status $status; stderr: $(head -c 300 "$scratch/$label.err")" >&2
      echo FAIL
      return
    fi
    if [[ -z $expected ]]; then
      cp "$scratch/$label.run" "$scratch/$label.out"
      expected=$scratch/$label.out
    elif ! cmp -s "$expected" "$scratch/$label.run"; then
      echo "  $label: output differs from the native run:" >&2
      diff "$expected" "$scratch/$label.run" | head -5 >&2
      echo FAIL
      return
    fi
    elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
    if [[ -z $best ]] || awk -v a="$elapsed" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$elapsed
    fi
  done
  echo "$best"
}

# ratio A B: A/B to 2 decimals, or n/a / FAIL when either is not a number.
is_number() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
ratio() {
  if is_number "$1" && is_number "$2" && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  elif [[ $1 == FAIL || $2 == FAIL ]]; then
    echo FAIL
  else
    echo n/a
  fi
}

declare -A native_s qemu_s dbt_s
for b in "${benchmarks[@]}"; do
  guest=$root/bazel-bin/bench/riscv64/$b
  host=$root/bazel-bin/bench/x86_64/${b%_dyn}
  if [[ ! -x $guest || ! -x $host ]]; then
    echo "bench/run.sh: $b is not built (bazel build //bench:all)" >&2
    native_s[$b]=FAIL qemu_s[$b]=FAIL dbt_s[$b]=n/a
    continue
  fi
  echo "running $b ..." >&2
  native_s[$b]=$(time_best "$b.native" "" "$host")
  expected=$scratch/$b.native.out
  [[ -f $expected ]] || expected=/dev/null  # native failed: nothing to compare with
  qemu_s[$b]=$(time_best "$b.qemu" "$expected" "$qemu" -L /usr/riscv64-linux-gnu "$guest")
  if [[ $have_dbt -eq 1 ]]; then
    # shellcheck disable=SC2086  # DBT_RUN_FLAGS is a word list on purpose.
    dbt_s[$b]=$(time_best "$b.dbt" "$expected" "$dbt" run ${DBT_RUN_FLAGS:-} "$guest")
  else
    dbt_s[$b]=n/a
  fi
done

# Geometric mean of the numeric entries of a list of ratios ("-" if none).
geomean() {
  awk 'BEGIN { n = 0; s = 0 }
       { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+(\.[0-9]+)?$/ && $i > 0) { s += log($i); n++ } }
       END { if (n) printf "%.2f", exp(s / n); else printf "-" }' <<<"$*"
}

printf '%-10s %10s %10s %10s %9s %11s %11s\n' program native_s qemu_s dbt_s dbt/qemu dbt/native qemu/native
dq_all=() dn_all=() qn_all=()
json_rows=()
json_value() { if is_number "$1"; then echo "$1"; else echo "\"$1\""; fi; }
for b in "${benchmarks[@]}"; do
  dq=$(ratio "${dbt_s[$b]}" "${qemu_s[$b]}")
  dn=$(ratio "${dbt_s[$b]}" "${native_s[$b]}")
  qn=$(ratio "${qemu_s[$b]}" "${native_s[$b]}")
  dq_all+=("$dq") dn_all+=("$dn") qn_all+=("$qn")
  printf '%-10s %10s %10s %10s %9s %11s %11s\n' "$b" "${native_s[$b]}" "${qemu_s[$b]}" \
    "${dbt_s[$b]}" "$dq" "$dn" "$qn"
  json_rows+=("$(printf '    {"program": "%s", "native_s": %s, "qemu_s": %s, "dbt_s": %s, "dbt_over_qemu": %s, "dbt_over_native": %s, "qemu_over_native": %s}' \
    "$b" "$(json_value "${native_s[$b]}")" "$(json_value "${qemu_s[$b]}")" \
    "$(json_value "${dbt_s[$b]}")" "$(json_value "$dq")" "$(json_value "$dn")" \
    "$(json_value "$qn")")")
done
gdq=$(geomean "${dq_all[@]}")
gdn=$(geomean "${dn_all[@]}")
gqn=$(geomean "${qn_all[@]}")
printf '%-10s %10s %10s %10s %9s %11s %11s\n' geomean "" "" "" "$gdq" "$gdn" "$gqn"

{
  printf '{\n'
  printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '  "repetitions": %d,\n' "$reps"
  printf '  "dbt": %s,\n' "$([[ $have_dbt -eq 1 ]] && printf '"%s"' "$dbt" || echo null)"
  printf '  "qemu": "%s",\n' "$($qemu --version | head -n 1)"
  printf '  "results": [\n'
  for ((i = 0; i < ${#json_rows[@]}; i++)); do
    printf '%s%s\n' "${json_rows[$i]}" "$([[ $i -lt $((${#json_rows[@]} - 1)) ]] && echo ,)"
  done
  printf '  ],\n'
  printf '  "geomean": {"dbt_over_qemu": %s, "dbt_over_native": %s, "qemu_over_native": %s}\n' \
    "$(json_value "$gdq")" "$(json_value "$gdn")" "$(json_value "$gqn")"
  printf '}\n'
} >"$out_dir/results.json"
echo "wrote $out_dir/results.json" >&2
