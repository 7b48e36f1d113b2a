#!/bin/bash
# Start-up cost of `dbt run` in its three modes against qemu-riscv64, on a
# minimal program and on a translation-heavy one (C++ iostreams: ~3,300 TBs),
# cold (--no-cache) and warm (a store the first run filled), plus the per-TB
# translation cost each mode sees (--stats-json translate_ns /
# tbs_translated, --no-cache) and the translator's own latency percentiles.
#
# Usage: bench/startup.sh [--reps N]   (default 10; median wall time reported)
# Needs: bazel build //clients:dbt //clients:dbtctl //tests/guest:exit_O2_bin //tests/guest:cxx_O2_bin
set -eu
reps=10
[[ "${1:-}" == "--reps" ]] && reps=$2
cd "$(dirname "$0")/.."
dbt=bazel-bin/clients/dbt
dbtctl=bazel-bin/clients/dbtctl
bin=bazel-bin/tests/guest/riscv64
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d /tmp/dbt-startup-XXXXXX)
trap '"$dbt" services down --dir="$work/svc" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
XDG_CACHE_HOME="$work/svc-cache" "$dbt" services up --dir="$work/svc" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_ms CMD...: the median wall time of $reps runs, in milliseconds.
time_ms() {
  for _ in $(seq "$reps"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}
per_tb_us() {  # mode flags...: translate_ns / tbs_translated of one run
  "$dbt" run --no-cache --stats-json "$work/s.json" "$@" >/dev/null 2>&1 || true
  python3 -c "import json;d=json.load(open('$work/s.json'));print('%.1f' % (d['translate_ns']/1e3/max(1,d['tbs_translated'])), d['tbs_translated'])"
}

printf "%-10s %12s %12s %12s %12s %12s %10s\n" program "private_ms" "priv_warm" "connect_ms" \
  "conn_warm" "1process_ms" "qemu_ms"
for p in "exit_O2_bin return 0" "cxx_O2_bin"; do
  set -- $p
  prog="$bin/$1"; shift
  a=$(time_ms "$dbt" run --no-cache "$prog" "$@")
  "$dbt" run --cache-dir="$work/cache" "$prog" "$@" >/dev/null 2>&1 || true
  aw=$(time_ms "$dbt" run --cache-dir="$work/cache" "$prog" "$@")
  b=$(time_ms "$dbt" run --no-cache --connect="unix:$work/svc/executor.sock" "$prog" "$@")
  "$dbt" run --connect="unix:$work/svc/executor.sock" "$prog" "$@" >/dev/null 2>&1 || true
  bw=$(time_ms "$dbt" run --connect="unix:$work/svc/executor.sock" "$prog" "$@")
  c=$(time_ms "$dbt" run --one-process "$prog" "$@")
  d=$(time_ms "$qemu" "$prog" "$@")
  printf "%-10s %12s %12s %12s %12s %12s %10s\n" "${p%% *}" "$a" "$aw" "$b" "$bw" "$c" "$d"
done
echo
echo "per-TB translation as the executor sees it (cxx_O2_bin; us per TB, TBs):"
echo "  private services:  $(per_tb_us "$bin/cxx_O2_bin")"
echo "  connect:           $(per_tb_us --connect="unix:$work/svc/executor.sock" "$bin/cxx_O2_bin")"
echo "  one process:       $(per_tb_us --one-process "$bin/cxx_O2_bin")"
echo "translator service (inside, request received -> answer written, last 4096):"
"$dbtctl" --dir="$work/svc" translator-stats | grep -E "latency|requests:"
