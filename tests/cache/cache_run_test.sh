#!/bin/bash
# The cache through `dbt run`, end to end with real processes (a private
# cache service on an LMDB store per run, the translator storing, the
# session preloading): warm start, identity by content, bad stores, a dead
# cache service, concurrent writers. qemu-riscv64 is the output oracle.
# Usage: cache_run_test.sh DBT CXX_PROG EXIT_PROG SMC_PROG PHASED_PROG PATHS_PROG CXX_DYN_PROG
set -u
dbt=$1 cxx=$2 other=$3 smc=$4 phased=$5 paths=$6 cxx_dyn=$7
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-cache-XXXXXX")
svc=$(mktemp -d /tmp/dbt-svc-XXXXXX)  # short: unix socket paths
trap '"$dbt" services down --dir="$svc" >/dev/null 2>&1 || true; rm -rf "$work" "$svc"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; head -c 3000 "$f"; done; exit 1; }
stat_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

"$qemu" "$cxx" > "$work/q_cxx.txt" 2> "$work/q_cxx_err.txt" || fail "qemu cxx"
store="$work/store"

# 1. Cold, then warm: the warm run translates at most 2% of the cold one's
# TBs, and both print what qemu prints.
"$dbt" run --cache-dir="$store" --stats-json "$work/cold.json" "$cxx" > "$work/cold.txt" 2> "$work/cold_err.txt" || fail "cold run"
cmp -s "$work/cold.txt" "$work/q_cxx.txt" || fail "cold run: stdout not as qemu"
cmp -s "$work/cold_err.txt" "$work/q_cxx_err.txt" || fail "cold run: stderr not as qemu"
[ "$(stat -c %a "$store")" = 700 ] || fail "the store directory is not 0700"
cold=$(stat_of "$work/cold.json" tbs_translated)
stored=$(stat_of "$work/cold.json" cache_stored)
[ "$cold" -gt 100 ] && [ "$stored" -gt $((cold * 9 / 10)) ] || fail "cold: translated $cold, stored $stored"
"$dbt" run --cache-dir="$store" --stats-json "$work/warm.json" "$cxx" > "$work/warm.txt" 2> "$work/warm_err.txt" || fail "warm run"
cmp -s "$work/warm.txt" "$work/q_cxx.txt" || fail "warm run: stdout not as qemu"
cmp -s "$work/warm_err.txt" "$work/q_cxx_err.txt" || fail "warm run: stderr not as qemu"
warm=$(stat_of "$work/warm.json" tbs_translated)
loaded=$(stat_of "$work/warm.json" tbs_loaded_from_cache)
[ $((warm * 50)) -le "$cold" ] || fail "warm run translated $warm of $cold TBs (more than 2%)"
[ "$loaded" -ge $((cold * 9 / 10)) ] || fail "warm run loaded only $loaded TBs"
[ "$(stat_of "$work/warm.json" cache_rejected)" = 0 ] || fail "warm run rejected entries"
# Everything came from the program's preload image: no translator process.
[ "$(stat_of "$work/warm.json" translator_connects)" = 0 ] || fail "the warm run attached to a translator"
ls "$store"/preload/*.dbtp > /dev/null 2>&1 || fail "no preload image written"
[ "$(stat -c %a "$store/preload")" = 700 ] || fail "the preload directory is not 0700"
echo "cold: $cold TBs translated, $stored stored; warm: $warm translated, $loaded loaded, no translator"
# Without the preload (DBT_CACHE_NO_PRELOAD, a measuring knob) every TB is a
# miss that the translator answers from the cache: right, and nothing
# translated again.
DBT_CACHE_NO_PRELOAD=1 "$dbt" run --cache-dir="$store" --stats-json "$work/hits.json" "$cxx" > "$work/hits.txt" 2> "$work/hits_err.txt" || fail "run without preload"
cmp -s "$work/hits.txt" "$work/q_cxx.txt" || fail "run without preload: stdout not as qemu"
[ "$(stat_of "$work/hits.json" tbs_loaded_from_cache)" = 0 ] || fail "DBT_CACHE_NO_PRELOAD preloaded"
[ "$(stat_of "$work/hits.json" cache_hits)" -ge $((cold * 9 / 10)) ] || fail "lookups did not hit: $(cat "$work/hits.json")"
[ $(( $(stat_of "$work/hits.json" tbs_translated) * 50 )) -le "$cold" ] || fail "lookups translated again: $(cat "$work/hits.json")"
echo "single lookups: $(stat_of "$work/hits.json" cache_hits) hits, $(stat_of "$work/hits.json" tbs_translated) translated"

# 1a. A dynamically linked program: its libraries' code (libc, libstdc++,
# the loader) is cached too, under the program (dbt maps them at the same
# addresses every run); the preload places it before the loader maps the
# libraries and checks each TB at its first use.
"$qemu" -L /usr/riscv64-linux-gnu "$cxx_dyn" > "$work/q_dyn.txt" 2> "$work/q_dyn_err.txt" || fail "qemu cxx_dyn"
for run in cold warm; do
  "$dbt" run --cache-dir="$work/dynstore" --stats-json "$work/dyn_$run.json" "$cxx_dyn" > "$work/dyn_$run.txt" 2> "$work/dyn_${run}_err.txt" || fail "cxx_dyn $run"
  cmp -s "$work/dyn_$run.txt" "$work/q_dyn.txt" || fail "cxx_dyn $run: stdout not as qemu"
  cmp -s "$work/dyn_${run}_err.txt" "$work/q_dyn_err.txt" || fail "cxx_dyn $run: stderr not as qemu"
done
dyn_cold=$(stat_of "$work/dyn_cold.json" tbs_translated)
dyn_warm=$(stat_of "$work/dyn_warm.json" tbs_translated)
dyn_loaded=$(stat_of "$work/dyn_warm.json" tbs_loaded_from_cache)
[ "$dyn_cold" -gt 2000 ] || fail "cxx_dyn cold translated only $dyn_cold TBs (libraries' code not run?)"
[ $((dyn_warm * 50)) -le "$dyn_cold" ] || fail "cxx_dyn warm translated $dyn_warm of $dyn_cold"
[ "$dyn_loaded" -ge $((dyn_cold * 9 / 10)) ] || fail "cxx_dyn warm loaded only $dyn_loaded of $dyn_cold"
[ "$(stat_of "$work/dyn_warm.json" cache_rejected)" = 0 ] || fail "cxx_dyn warm rejected entries"
echo "dynamically linked: cold $dyn_cold TBs translated; warm $dyn_warm translated, $dyn_loaded loaded"

# 1b. The translator starts when first needed: a warm run that needs code
# its image lacks (phase B after a run of phase A only) starts it from the
# main thread, around a fork, or from four threads at once; every output is
# qemu's, and a run of what the image holds still starts none.
for mode in a ab fork threads; do
  "$qemu" "$paths" "$mode" > "$work/q_paths_$mode.txt" 2>&1 || fail "qemu paths $mode"
done
for mode in ab fork threads; do
  pstore="$work/pstore-$mode"
  "$dbt" run --cache-dir="$pstore" "$paths" a > "$work/paths_a.txt" 2>&1 || fail "paths a (cold)"
  cmp -s "$work/paths_a.txt" "$work/q_paths_a.txt" || fail "paths a: not as qemu"
  "$dbt" run --cache-dir="$pstore" --stats-json "$work/pa.json" "$paths" a > "$work/paths_a2.txt" 2>&1 || fail "paths a (warm)"
  cmp -s "$work/paths_a2.txt" "$work/q_paths_a.txt" || fail "paths a warm: not as qemu"
  [ "$(stat_of "$work/pa.json" translator_connects)" = 0 ] || fail "paths a warm attached to a translator"
  "$dbt" run --cache-dir="$pstore" --stats-json "$work/p_$mode.json" "$paths" "$mode" > "$work/paths_$mode.txt" 2> "$work/paths_${mode}_err.txt"
  status=$?
  [ "$status" = 0 ] || fail "paths $mode: exit $status: $(cat "$work/paths_${mode}_err.txt")"
  cmp -s "$work/paths_$mode.txt" "$work/q_paths_$mode.txt" || fail "paths $mode: not as qemu"
  [ ! -s "$work/paths_${mode}_err.txt" ] || fail "paths $mode: stderr: $(cat "$work/paths_${mode}_err.txt")"
  [ "$(stat_of "$work/p_$mode.json" translator_connects)" -ge 1 ] || fail "paths $mode: no translator attached"
  [ "$(stat_of "$work/p_$mode.json" tbs_loaded_from_cache)" -gt 50 ] || fail "paths $mode: image not used"
  [ "$(stat_of "$work/p_$mode.json" tbs_translated)" -gt 10 ] || fail "paths $mode: phase B not translated"
  # The image now holds phase B too: at most 2% translated again (threads:
  # 5%, they may take paths the last run did not, e.g. on contended locks).
  "$dbt" run --cache-dir="$pstore" --stats-json "$work/p2_$mode.json" "$paths" "$mode" > "$work/paths2_$mode.txt" 2>&1 || fail "paths $mode again"
  cmp -s "$work/paths2_$mode.txt" "$work/q_paths_$mode.txt" || fail "paths $mode again: not as qemu"
  share=50
  [ "$mode" = threads ] && share=20
  [ $(( $(stat_of "$work/p2_$mode.json" tbs_translated) * share )) -le "$(stat_of "$work/p2_$mode.json" tbs_loaded_from_cache)" ] ||
    fail "paths $mode again translated: $(cat "$work/p2_$mode.json")"
  echo "paths $mode after a: $(stat_of "$work/p_$mode.json" tbs_loaded_from_cache) from the image, $(stat_of "$work/p_$mode.json" tbs_translated) translated by a translator started mid-run; then all from the image"
done

# 1c. A damaged preload image: a damaged header is refused whole (one
# warning), a damaged entry is counted and skipped; the output is right and
# the next run is warm again (the image is rewritten).
image=$(ls "$store"/preload/*.dbtp | head -1)
cp "$image" "$work/image.bak"
printf 'XXXX' | dd of="$image" bs=1 conv=notrunc 2> /dev/null
"$dbt" run --cache-dir="$store" --stats-json "$work/img1.json" "$cxx" > "$work/img1.txt" 2> "$work/img1_err.txt" || fail "run with a damaged image header"
cmp -s "$work/img1.txt" "$work/q_cxx.txt" || fail "damaged image header: output not as qemu"
grep -q "dbt: warning: the preload image is not used: preload image: bad magic" "$work/img1_err.txt" || fail "no warning about a damaged image: $(cat "$work/img1_err.txt")"
[ "$(grep -c "dbt: warning" "$work/img1_err.txt")" = 1 ] || fail "more than one warning"
[ $(( $(stat_of "$work/img1.json" tbs_translated) * 50 )) -le "$cold" ] || fail "damaged image: the store did not serve the preload"
cp "$work/image.bak" "$image"
python3 - "$image" <<'PY' || fail "damaging image entries"
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
n, i = 0, data.find(b"DBTC")
while i >= 0 and n < 10:
    data[i + 60] ^= 0xFF
    n += 1
    i = data.find(b"DBTC", i + 4)
open(path, "r+b").write(data)
PY
"$dbt" run --cache-dir="$store" --stats-json "$work/img2.json" "$cxx" > "$work/img2.txt" 2> "$work/img2_err.txt" || fail "run with damaged image entries"
cmp -s "$work/img2.txt" "$work/q_cxx.txt" || fail "damaged image entries: output not as qemu"
[ "$(stat_of "$work/img2.json" cache_rejected)" -ge 10 ] || fail "damaged entries not counted: $(cat "$work/img2.json")"
echo "preload image: a damaged header refused with one warning, damaged entries counted ($(stat_of "$work/img2.json" cache_rejected)), output as qemu"

# 2. --no-cache: no cache counters, nothing new stored.
before=$(stat -c %s "$store/data.mdb")
"$dbt" run --no-cache --cache-dir="$store" --stats-json "$work/nc.json" "$cxx" > "$work/nc.txt" 2>&1 || fail "--no-cache run"
[ "$(stat_of "$work/nc.json" tbs_loaded_from_cache)" = 0 ] || fail "--no-cache loaded entries"
[ "$(stat_of "$work/nc.json" cache_stored)" = 0 ] || fail "--no-cache stored entries"
[ "$(stat_of "$work/nc.json" tbs_translated)" = "$cold" ] || fail "--no-cache did not translate everything"
echo "--no-cache: nothing loaded or stored"

# 3. Identity is content, not path: another program at the same path loads
# nothing of the first and runs right.
cp "$cxx" "$work/prog"
"$dbt" run --cache-dir="$store" "$work/prog" > /dev/null 2>&1 || fail "run of the copy"
cp "$other" "$work/prog"
"$qemu" "$work/prog" > "$work/q_other.txt" 2>&1
qstatus=$?
"$dbt" run --cache-dir="$store" --stats-json "$work/other.json" "$work/prog" > "$work/other.txt" 2>&1
dstatus=$?
[ "$qstatus" = "$dstatus" ] || fail "rebuilt program: exit $dstatus, qemu $qstatus"
cmp -s "$work/other.txt" "$work/q_other.txt" || fail "rebuilt program: output not as qemu"
[ "$(stat_of "$work/other.json" tbs_loaded_from_cache)" = 0 ] || fail "another program got the first one's TBs"
echo "a different program at the same path loads nothing of the old one"

# 4. Self-modifying code, cold then warm: right both times (entries made
# from the modified bytes are refused at preload and found again by hash
# once the guest writes them).
"$qemu" "$smc" > "$work/q_smc.txt" 2>&1 || fail "qemu smc"
for run in cold warm; do
  "$dbt" run --cache-dir="$store" --stats-json "$work/smc_$run.json" "$smc" > "$work/smc_$run.txt" 2>&1 || fail "smc $run"
  cmp -s "$work/smc_$run.txt" "$work/q_smc.txt" || fail "smc $run: not as qemu"
done
echo "self-modifying code: cold and warm as qemu (warm: $(stat_of "$work/smc_warm.json" tbs_loaded_from_cache) loaded, $(stat_of "$work/smc_warm.json" cache_rejected) refused, $(stat_of "$work/smc_warm.json" cache_hits) hits)"

# 5. A damaged store: flip a byte after every "DBTC" in the database file
# (entries, and whatever LMDB pages hold those bytes), and in the preload
# image (else it would serve the run whole). Entries that fail
# their checksum are refused; a page that crashes the cache service costs a
# warning, and the next open moves the database aside. Every run's output
# is right, and the store is warm again two runs later.
python3 - "$store/data.mdb" "$store"/preload/*.dbtp <<'PY' || fail "corrupting the store"
import sys
for path in sys.argv[1:]:
    data = bytearray(open(path, "rb").read())
    n = 0
    i = data.find(b"DBTC")
    while i >= 0:
        if i + 120 < len(data):
            data[i + 100] ^= 0xFF
            n += 1
        i = data.find(b"DBTC", i + 4)
    open(path, "r+b").write(data)
    print("corrupted", n, "entries in", path)
PY
# Run 1 must not use a damaged entry; run 2 finds either the entries run 1
# stored again (when the damage was only in entries: refused and deleted)
# or a new database (when LMDB itself failed: moved aside).
for run in 1 2; do
  "$dbt" run --cache-dir="$store" --stats-json "$work/bad.json" "$cxx" > "$work/bad.txt" 2> "$work/bad_err.txt" || fail "run $run on a damaged store"
  cmp -s "$work/bad.txt" "$work/q_cxx.txt" || fail "damaged store, run $run: output not as qemu"
  [ "$(grep -c "dbt: warning" "$work/bad_err.txt")" -le 1 ] || fail "more than one warning"
  if [ "$run" = 1 ] && [ "$(stat_of "$work/bad.json" tbs_translated)" -lt $((cold * 9 / 10)) ]; then
    fail "damaged entries were used: $(cat "$work/bad.json")"
  fi
done
"$dbt" run --cache-dir="$store" --stats-json "$work/again.json" "$cxx" > "$work/again.txt" 2>&1 || fail "run after repair"
[ $(( $(stat_of "$work/again.json" tbs_translated) * 50 )) -le "$cold" ] || fail "not warm after the damaged entries were replaced"
echo "damaged entries: refused, translated again, stored again"

# 6. A store others could write is refused with a clear warning; the guest
# runs as without a cache.
mkdir -m 777 "$work/open"
chmod 777 "$work/open"
"$dbt" run --cache-dir="$work/open" --stats-json "$work/open.json" "$cxx" > "$work/open.txt" 2> "$work/open_err.txt" || fail "run with an open store"
cmp -s "$work/open.txt" "$work/q_cxx.txt" || fail "open store: output not as qemu"
grep -q "dbt: warning: .*can be written by other users" "$work/open_err.txt" || fail "no warning about an open store"
[ "$(grep -c "dbt: warning" "$work/open_err.txt")" = 1 ] || fail "more than one warning"
[ ! -e "$work/open/data.mdb" ] || fail "a store was created where others can write"
echo "a store others can write: refused with one warning"

# 7. Trust, and a fault mid-run. In private mode dbt itself runs the guest
# and its translator hosts the cache (--cache_embedded). The process that
# runs guest code holds no handle on the store; the translator does. Then
# the translator (and with it the cache) crashes mid-run (SIGSEGV, outside
# any store operation): a new one starts, the guest finishes right, phase
# 2's code is translated, and the store is kept (a crash marks the store
# damaged only inside an LMDB operation): a later run is still warm.
"$dbt" run --cache-dir="$work/store2" "$cxx" > /dev/null 2>&1 || fail "filling store2"
"$qemu" "$phased" "$work/go_q" > "$work/q_phased.txt" 2>&1 &
qpid=$!
sleep 0.5; touch "$work/go_q"; wait $qpid || fail "qemu phased"
"$dbt" run --cache-dir="$work/store2" "$phased" "$work/go" > "$work/phased.txt" 2> "$work/phased_err.txt" &
dpid=$!
for _ in $(seq 100); do grep -q . "$work/phased.txt" 2>/dev/null && break; sleep 0.1; done
grep -q . "$work/phased.txt" || fail "phased never printed"
translator=$(pgrep -f -- "--cache=$work/store2" | while read -r p; do [ "$p" != "$dpid" ] && echo "$p"; done | head -1)
[ -n "$translator" ] || fail "no translator hosting the cache for $work/store2"
for fd in /proc/$dpid/fd/*; do
  case "$(readlink "$fd")" in "$work/store2"*) fail "dbt (runs the guest) holds $(readlink "$fd")" ;; esac
done
for fd in /proc/$translator/fd/*; do
  case "$(readlink "$fd")" in "$work/store2"*) store_held=1 ;; esac
done
[ "${store_held:-0}" = 1 ] || fail "the translator does not hold the store (the check above proves nothing)"
echo "the process that runs the guest holds no handle on the store; its translator does"
kill -SEGV "$translator"
sleep 0.2
touch "$work/go"
wait $dpid || fail "dbt run after its translator (and cache) died"
cmp -s "$work/phased.txt" "$work/q_phased.txt" || fail "translator+cache killed: output not as qemu"
grep -q "starting a new one" "$work/phased_err.txt" || fail "no restart message: $(cat "$work/phased_err.txt")"
[ ! -e "$work/store2/damaged" ] || fail "a crash outside the store marked it damaged"
"$dbt" run --cache-dir="$work/store2" --stats-json "$work/after_crash.json" "$cxx" > /dev/null 2>&1 || fail "run after the crash"
ls "$work/store2" | grep -q corrupt && fail "the store was moved aside after a crash outside it"
[ $(( $(stat_of "$work/after_crash.json" tbs_translated) * 50 )) -le "$cold" ] || fail "store lost after a translator crash: $(cat "$work/after_crash.json")"
echo "translator hosting the cache crashed mid-run: output as qemu, store kept"

# 7b. Shared services (dbt services up): the cache service is a process of
# its own; killed mid-run, the guest finishes right with one warning at most.
XDG_CACHE_HOME="$work/svc-cache" "$dbt" services up --dir="$svc" > /dev/null || fail "services up"
"$dbt" run --connect="unix:$svc/executor.sock" "$phased" "$work/go7" > "$work/phased7.txt" 2> "$work/phased7_err.txt" &
dpid=$!
for _ in $(seq 100); do grep -q . "$work/phased7.txt" 2>/dev/null && break; sleep 0.1; done
pkill -KILL -f "services/cache/cache --socket=$svc/" || fail "no shared cache service to kill"
sleep 0.2
touch "$work/go7"
wait $dpid || fail "dbt run --connect after the cache service died"
"$dbt" services down --dir="$svc" > /dev/null 2>&1
cmp -s "$work/phased7.txt" "$work/q_phased.txt" || fail "cache service killed: output not as qemu"
[ "$(grep -c "dbt: warning" "$work/phased7_err.txt")" -le 1 ] || fail "more than one warning"
echo "shared cache service killed mid-run: output as qemu ($(grep -c "dbt: warning" "$work/phased7_err.txt") warning)"

# 8. Eight runs at once on a cold store: all right; then a ninth is warm.
pids=()
for i in $(seq 8); do
  "$dbt" run --cache-dir="$work/store8" "$cxx" > "$work/c8_$i.txt" 2> "$work/c8_err_$i.txt" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent run failed"; done
for i in $(seq 8); do
  cmp -s "$work/c8_$i.txt" "$work/q_cxx.txt" || fail "concurrent run $i: stdout not as qemu"
  cmp -s "$work/c8_err_$i.txt" "$work/q_cxx_err.txt" || fail "concurrent run $i: stderr not as qemu"
done
"$dbt" run --cache-dir="$work/store8" --stats-json "$work/c9.json" "$cxx" > "$work/c9.txt" 2>/dev/null || fail "ninth run"
cmp -s "$work/c9.txt" "$work/q_cxx.txt" || fail "ninth run: output not as qemu"
[ $(( $(stat_of "$work/c9.json" tbs_translated) * 50 )) -le "$cold" ] || fail "not warm after 8 concurrent cold runs"
echo "8 concurrent cold runs, then a warm one: $(stat_of "$work/c9.json" tbs_translated) translated"

# 10. A full disk: the store on a 200 KiB tmpfs (a mount namespace of its
# own). Stores fail; the guest runs as without a cache.
if unshare -m true 2> /dev/null; then
  mkdir -p "$work/small"
  unshare -m sh -c 'mount -t tmpfs -o size=200k tmpfs "$1" && exec "$2" run --cache-dir="$1/store" "$3"' \
    sh "$work/small" "$dbt" "$cxx" > "$work/full.txt" 2> "$work/full_err.txt" || fail "run with a full disk"
  cmp -s "$work/full.txt" "$work/q_cxx.txt" || fail "full disk: stdout not as qemu"
  [ "$(grep -c "dbt: warning" "$work/full_err.txt")" -le 1 ] || fail "full disk: more than one warning"
  echo "a full disk: output as qemu"
else
  echo "a full disk: not checked here (no mount namespace: unshare -m failed)"
fi

# 9. Two guests of one program at the same time, each with its own private
# services on one store: B, started while A waits, loads what A translated;
# A, resumed after B ran its second phase, finds B's translations of it.
wait_output() { for _ in $(seq 150); do grep -q . "$1" 2>/dev/null && return; sleep 0.1; done; fail "no output in $1"; }
"$dbt" run --cache-dir="$work/store9" --stats-json "$work/a.json" "$phased" "$work/go_a" > "$work/a.txt" 2> "$work/a_err.txt" &
apid=$!
wait_output "$work/a.txt"
sleep 2.5  # A's translator sends what it stored within 2 s
"$dbt" run --cache-dir="$work/store9" --stats-json "$work/b.json" "$phased" "$work/go_b" > "$work/b.txt" 2> "$work/b_err.txt" &
bpid=$!
wait_output "$work/b.txt"
touch "$work/go_b"
wait $bpid || fail "guest B"
sleep 1.5  # A's translator refreshes its program's entries every 0.5 s
touch "$work/go_a"
wait $apid || fail "guest A"
cmp -s "$work/a.txt" "$work/q_phased.txt" || fail "guest A: output not as qemu"
cmp -s "$work/b.txt" "$work/q_phased.txt" || fail "guest B: output not as qemu"
[ "$(stat_of "$work/b.json" tbs_loaded_from_cache)" -gt 100 ] || fail "B did not load what A translated: $(cat "$work/b.json")"
[ "$(stat_of "$work/a.json" cache_hits)" -gt 10 ] || fail "A did not find what B translated: $(cat "$work/a.json")"
echo "two guests at once: B loaded $(stat_of "$work/b.json" tbs_loaded_from_cache) of A's TBs, A found $(stat_of "$work/a.json" cache_hits) of B's"
echo PASS
