#!/bin/bash
# The cache, measured: for each program, qemu-riscv64, dbt --no-cache, dbt
# with a cold store (emptied before each repetition) and dbt warm (the store
# the cold run filled), in one run, best of N wall seconds each; the TBs
# translated cold and warm, the TBs loaded, whether the warm run attached to
# a translator at all (conn: 0 when the preload image held every TB), and the
# ratios users care about:
# warm/qemu, warm/cold, cold/--no-cache, warm TBs translated / cold.
# Then the cost per TB of a preload (from --stats-json: translate_ns of a
# warm run, which covers the preload, / TBs loaded) and of a single lookup
# (a warm run with DBT_CACHE_NO_PRELOAD=1: every TB is a miss the
# translator answers from the cache; translate_ns / cache_hits) against a
# translation (translate_ns / TBs translated of a --no-cache run).
#
# Usage: bench/cache.sh [--reps N] [--no-build] [--load N] [PROGRAM...]
#   PROGRAM   a riscv64 ELF file and its arguments, as one word ("lua x.lua");
#             default: Lua 5.4 built from Debian's sources running
#             bench/programs/lua/startup.lua (9,300 TBs, the translation-heavy
#             short run; bench/programs/build.sh builds it), a C++ start-up
#             (3,300 TBs), and the bench/ kernels
#   --load N  run N busy loops (one per CPU is a fully loaded machine) in the
#             background while measuring
set -u
cd "$(dirname "$0")/.." || exit 2
root=$PWD
reps=3
build=1
load=0
progs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --load) load=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) progs+=("$1"); shift ;;
  esac
done
if [[ $build -eq 1 ]]; then
  HOME=${HOME:-/root} bazel build //clients:dbt //services/... //bench:all //tests/guest:cxx_O2_bin >&2 ||
    { echo "bench/cache.sh: build failed" >&2; exit 1; }
fi
if [[ ${#progs[@]} -eq 0 ]]; then
  if programs=$(bench/programs/build.sh | tail -1) && [[ -x $programs/riscv64/lua ]]; then
    progs+=("$programs/riscv64/lua $root/bench/programs/lua/startup.lua")
  else
    echo "bench/cache.sh: no Lua (bench/programs/build.sh failed): left out" >&2
  fi
  progs+=("$root/bazel-bin/tests/guest/riscv64/cxx_O2_bin")
  for b in sha256 sieve nbody matmul qsort interp tree strings; do progs+=("$root/bazel-bin/bench/riscv64/$b"); done
fi
dbt=$root/bazel-bin/clients/dbt
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d /tmp/dbt-bench-cache-XXXXXX)
loaders=()
cleanup() { for p in "${loaders[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
for ((i = 0; i < load; i++)); do (while :; do :; done) & loaders+=($!); done

now() { date +%s.%N; }
# best CMD...: best wall seconds of $reps runs; $pre is run before each.
best() {
  local b=""
  for ((r = 0; r < reps; r++)); do
    [[ -n ${pre:-} ]] && eval "$pre"
    local s e t
    s=$(now); "$@" > /dev/null 2>&1; e=$(now)
    t=$(echo "$e - $s" | bc -l)
    if [[ -z $b ]] || (( $(echo "$t < $b" | bc -l) )); then b=$t; fi
  done
  printf "%.3f" "$b"
}
# Waits (at most 5 s) until no translator of this benchmark runs: what a
# cold run stores after it ended is not charged to the next repetition.
settle() {
  for _ in $(seq 500); do pgrep -f -- "--cache=$work/" > /dev/null || return 0; sleep 0.01; done
}
stat_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

echo "reps=$reps load=$load ($(nproc) CPUs)"
printf "%-10s %7s %8s %7s %7s %6s %6s %7s %4s %9s %9s %9s %8s %8s %8s\n" program qemu nocache cold warm \
  tb_cold tb_warm loaded conn warm/qemu warm/cold cold/noc us/tb_tr us/tb_pre us/tb_hit
for cmd in "${progs[@]}"; do
  read -r -a p <<< "$cmd"
  name=$(basename "${p[0]}")
  store=$work/store-$name
  q=$(pre="" best "$qemu" -L /usr/riscv64-linux-gnu "${p[@]}")
  nc=$(pre="" best "$dbt" run --no-cache "${p[@]}")
  # The last run's translator may still be storing (after dbt exited):
  # each cold repetition starts once it is done.
  cold=$(pre="settle; rm -rf $store" best "$dbt" run --cache-dir="$store" "${p[@]}")
  settle
  warm=$(pre="" best "$dbt" run --cache-dir="$store" "${p[@]}")
  rm -rf "$store"
  "$dbt" run --cache-dir="$store" --stats-json "$work/c.json" "${p[@]}" > /dev/null 2>&1
  "$dbt" run --cache-dir="$store" --stats-json "$work/w.json" "${p[@]}" > /dev/null 2>&1
  "$dbt" run --no-cache --stats-json "$work/n.json" "${p[@]}" > /dev/null 2>&1
  DBT_CACHE_NO_PRELOAD=1 "$dbt" run --cache-dir="$store" --stats-json "$work/h.json" "${p[@]}" > /dev/null 2>&1
  tc=$(stat_of "$work/c.json" tbs_translated)
  tw=$(stat_of "$work/w.json" tbs_translated)
  ld=$(stat_of "$work/w.json" tbs_loaded_from_cache)
  per_tr=$(echo "$(stat_of "$work/n.json" translate_ns) / $(stat_of "$work/n.json" tbs_translated) / 1000" | bc -l)
  per_pre=$(echo "$(stat_of "$work/w.json" translate_ns) / ($ld + 1) / 1000" | bc -l)
  per_hit=$(echo "$(stat_of "$work/h.json" translate_ns) / ($(stat_of "$work/h.json" cache_hits) + 1) / 1000" | bc -l)
  printf "%-10s %7s %8s %7s %7s %6s %6s %7s %4s %9.2f %9.2f %9.2f %8.1f %8.2f %8.2f\n" "$name" "$q" "$nc" "$cold" \
    "$warm" "$tc" "$tw" "$ld" "$(stat_of "$work/w.json" translator_connects)" "$(echo "$warm / $q" | bc -l)" "$(echo "$warm / $cold" | bc -l)" \
    "$(echo "$cold / $nc" | bc -l)" "$per_tr" "$per_pre" "$per_hit"
done
