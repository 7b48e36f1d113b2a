#!/bin/bash
# The process split, checked on a real run of `dbt run` (private mode: dbt
# itself is the session and runs the guest; a private translator beside it):
#  1. while the guest runs, the translator and dbt (the session) are
#     separate processes mapping the same code_gen_buffer memfd: rw-s (never
#     executable) in the translator, r-xs in the session; the translator is
#     not dbt's child (the guest's wait(-1) must not see it) nor in its
#     process group (the terminal's ^C is the guest's);
#  2. the translator is SIGKILLed between the guest's two phases; dbt starts
#     a new one, the session reconnects, and the guest completes with output
#     byte-identical to qemu-riscv64's (nothing written before the fault is
#     lost);
#  3. dbt (and so the guest) is SIGKILLed mid-run: its translator stops
#     too (--exit_with_pid), within a bounded time;
#  4. with services started by `dbt services up`-style flags and nobody to
#     restart the translator, killing it ends the guest with a clear error
#     within the reconnect timeout instead of hanging.
# Usage: split_fault_test.sh DBT PHASED_PROG
set -u
dbt=$1
prog=$2
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d /tmp/dbt-split-XXXXXX)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
# A store of this test's own (not the user's, shared with other tests).
export XDG_CACHE_HOME="$work/cache"
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; cat "$f"; done; exit 1; }

touch "$work/go-now"
$qemu "$prog" "$work/go-now" > "$work/expected.txt" 2>&1 || fail "qemu reference run failed"

wait_for_line() {  # file pattern
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# --- 1 + 2: private services, translator killed mid-run ---
# --no-cache: phase 2's code must be translated after the kill (a store
# that holds it would let the guest finish without the new translator).
"$dbt" run --no-cache "$prog" "$work/go1" > "$work/out.txt" 2> "$work/err.txt" &
dbt_pid=$!
wait_for_line "$work/out.txt" "^phase 1" || fail "phase 1 never printed"

# The private translator: started with --exit_with_pid=<dbt's pid>.
translator_of() { pgrep -f -- "--exit_with_pid=$1\$" | head -1; }
translator=$(translator_of "$dbt_pid")
session=$dbt_pid
[[ -n "$translator" ]] || fail "no translator for dbt $dbt_pid"
[[ "$translator" != "$session" ]] || fail "translator and session are one process"
[[ -z "$(pgrep -P "$dbt_pid")" ]] || fail "dbt has children the guest did not make: $(pgrep -P "$dbt_pid")"
[[ "$(ps -o pgid= -p "$translator")" != "$(ps -o pgid= -p "$dbt_pid")" ]] || fail "translator in dbt's process group"
tmaps=$(grep 'dbt-code-gen-buffer' /proc/$translator/maps)
smaps=$(grep 'dbt-code-gen-buffer' /proc/$session/maps)
echo "translator maps (first 2):"; head -2 <<< "$tmaps"
echo "session maps (first 2):"; head -2 <<< "$smaps"
grep -q ' rw-s ' <<< "$tmaps" || fail "translator has no rw-s mapping of the buffer"
if grep -q '..x. ' <<< "$tmaps"; then fail "translator maps the buffer executable"; fi
grep -q ' r-xs ' <<< "$smaps" || fail "session has no r-xs mapping of the buffer"
# Same memfd: the inode numbers agree.
tino=$(grep ' rw-s ' <<< "$tmaps" | awk '{print $5}' | sort -u)
sino=$(grep ' r-xs ' <<< "$smaps" | awk '{print $5}' | sort -u)
[[ -n "$tino" && "$tino" == "$sino" ]] || fail "different memfds: translator inode $tino, session inode $sino"
if grep -q 'rwx' /proc/$session/maps; then fail "session has a writable+executable mapping"; fi

kill -9 "$translator"
touch "$work/go1"
wait "$dbt_pid"
status=$?
[[ $status -eq 0 ]] || fail "dbt exited $status after the translator was killed"
cmp -s "$work/out.txt" "$work/expected.txt" || fail "guest output differs from qemu's"
grep -q "starting a new one" "$work/err.txt" || fail "no restart message"
grep -q "reconnected to the translator" "$work/err.txt" || fail "no reconnect message"
echo "translator killed mid-run: guest completed, output identical to qemu"

# --- 3: dbt (the guest) SIGKILLed mid-run: its translator stops too ---
"$dbt" run "$prog" "$work/go3" > "$work/out3.txt" 2> "$work/err3.txt" &
dbt3=$!
wait_for_line "$work/out3.txt" "^phase 1" || fail "phase 1 never printed (dbt kill)"
translator=$(translator_of "$dbt3")
[[ -n "$translator" ]] || fail "no translator for dbt $dbt3"
kill -9 "$dbt3"
wait "$dbt3" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$translator" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$translator" 2>/dev/null; then fail "the translator $translator outlived its dbt"; fi
echo "dbt killed mid-run: its translator stopped too"

# --- SIGTERM to dbt reaches the guest (dbt is the guest's process) ---
"$dbt" run "$prog" "$work/go5" > "$work/out5.txt" 2> "$work/err5.txt" &
dbt5=$!
wait_for_line "$work/out5.txt" "^phase 1" || fail "phase 1 never printed (SIGTERM case)"
kill -TERM "$dbt5"
wait "$dbt5"
status=$?
# The guest died of SIGTERM, so dbt does too: 128 + 15 as a shell reports it.
[[ $status -eq 143 ]] || fail "dbt exited $status after SIGTERM, expected 143 (death by SIGTERM)"
echo "SIGTERM forwarded: dbt ended like the guest (status $status)"

# --- 4: services without a supervisor: a clear error, no hang ---
dir="$work/svc"
mkdir "$dir"
bindir=$(dirname "$(readlink -f "$dbt")")/../services
"$bindir/translator/translator" --socket="$dir/translator.sock" --data_socket="$dir/translator.data" \
  > "$work/translator_log.txt" 2>&1 &
tpid=$!
"$bindir/executor/executor" --socket="$dir/executor.sock" --translator_data="$dir/translator.data" \
  --translator_reconnect_ms=1000 > "$work/executor_log.txt" 2>&1 &
epid=$!
for _ in $(seq 1 200); do [[ -S "$dir/executor.sock" && -S "$dir/translator.data" ]] && break; sleep 0.05; done
"$dbt" run --connect="unix:$dir/executor.sock" "$prog" "$work/go2" > "$work/out2.txt" 2> "$work/err2.txt" &
dbt2=$!
wait_for_line "$work/out2.txt" "^phase 1" || fail "phase 1 never printed (connect mode)"
kill -9 "$tpid"
touch "$work/go2"
start=$(date +%s)
wait "$dbt2"
status=$?
elapsed=$(( $(date +%s) - start ))
kill "$epid" 2>/dev/null; wait "$epid" 2>/dev/null
[[ $elapsed -le 20 ]] || fail "took ${elapsed}s to give up"
[[ $status -ne 0 ]] || fail "guest reported success without a translator"
grep -q "^phase 1" "$work/out2.txt" || fail "output written before the fault was lost"
grep -q "cannot go on without a translator" "$work/err2.txt" ||
  fail "no clear error about the translator: $(cat "$work/err2.txt")"
echo "unsupervised translator killed: dbt exited $status after ${elapsed}s:"
cat "$work/err2.txt"
echo PASS
