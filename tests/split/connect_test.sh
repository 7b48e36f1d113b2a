#!/bin/bash
# `dbt run --connect` against services started by `dbt services up`:
#  1. the guest gets dbt's own stdin/stdout/stderr (handed over on the
#     executor's stdio socket): a program reading stdin behaves exactly as
#     under qemu-riscv64, output to files identical;
#     dbt's other open fds (5<file) are handed over too, at their numbers;
#  2. ^C (SIGINT to dbt) is forwarded: the guest dies of it and dbt too;
#  3. an executor without a stdio socket (as over TCP) streams the output
#     back and takes dbt's stdin over WriteStdin instead: still identical to
#     qemu; a guest that never reads an endless stdin still ends dbt;
#  4. the session shows up in `dbtctl sessions` with its translations.
# Usage: connect_test.sh DBT DBTCTL STDIN_PROG NUMBERS_TXT PHASED_PROG READ_FDS_PROG
set -u
dbt=$1 dbtctl=$2 prog=$3 numbers=$4 phased=$5 read_fds=$6
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d /tmp/dbt-connect-XXXXXX)
dir="$work/svc"
trap '"$dbt" services down --dir="$dir" >/dev/null 2>&1; kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt "$dir"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }

# same_as_qemu LABEL ADDR STDIN PROG ARGS...: the program under qemu and under
# `dbt run --connect=ADDR`, both reading STDIN: status, stdout and stderr equal.
same_as_qemu() {
  local label=$1 addr=$2 in=$3 qs ds
  shift 3
  "$qemu" "$@" < "$in" > "$work/q_out.txt" 2> "$work/q_err.txt"; qs=$?
  "$dbt" run --connect="$addr" "$@" < "$in" > "$work/d_out.txt" 2> "$work/d_err.txt"; ds=$?
  [[ $qs -eq $ds ]] || fail "$label: status $ds, qemu $qs"
  cmp -s "$work/q_out.txt" "$work/d_out.txt" || fail "$label: stdout differs from qemu's"
  cmp -s "$work/q_err.txt" "$work/d_err.txt" || fail "$label: stderr differs from qemu's"
  echo "$label: identical to qemu (status $ds)"
}

"$dbt" services up --dir="$dir" > /dev/null || fail "services up"
[[ -S "$dir/executor.sock.stdio" ]] || fail "the executor has no stdio socket"

# 1: stdin/stdout/stderr are dbt's own.
same_as_qemu "stdin/stdout/stderr handed over" "unix:$dir/executor.sock" "$numbers" "$prog"
"$qemu" "$read_fds" 5 20 5<"$numbers" > "$work/q_fds.txt" 2>&1
"$dbt" run --connect="unix:$dir/executor.sock" "$read_fds" 5 20 5<"$numbers" > "$work/d_fds.txt" 2>&1 ||
  fail "read_fds over --connect"
cmp -s "$work/q_fds.txt" "$work/d_fds.txt" || fail "fd 5 handed over: not as qemu"
echo "fd 5 handed over too: identical to qemu"

# 2: ^C reaches the guest through dbt.
# A background job of a non-interactive shell starts with SIGINT ignored
# (and dbt rightly passes that on to the guest): start it with the default.
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  "$dbt" run --connect="unix:$dir/executor.sock" "$phased" "$work/never" > "$work/int_out.txt" 2>&1 &
pid=$!
for _ in $(seq 1 200); do grep -q "^phase 1" "$work/int_out.txt" && break; sleep 0.05; done
grep -q "^phase 1" "$work/int_out.txt" || fail "phase 1 never printed"
kill -INT "$pid"
wait "$pid"; st=$?
[[ $st -eq 130 ]] || fail "dbt exited $st after SIGINT, expected 130 (death by SIGINT)"
echo "SIGINT forwarded: status $st"

# 4: the sessions are listed with their translations.
"$dbtctl" --dir="$dir" sessions > "$work/sessions.txt" || fail "dbtctl sessions"
grep -q "EXITED" "$work/sessions.txt" || fail "no ended session listed"
echo "dbtctl sessions:"; cat "$work/sessions.txt"
"$dbt" services down --dir="$dir" > /dev/null

# 3: no stdio socket -> streamed output, stdin sent with WriteStdin.
mkdir -p "$work/svc2"
bindir=$(dirname "$(readlink -f "$dbt")")/../services
"$bindir/translator/translator" --socket="$work/svc2/t.sock" --data_socket="$work/svc2/t.data" --v=-1 &
"$bindir/executor/executor" --socket="$work/svc2/e.sock" --translator_data="$work/svc2/t.data" \
  --stdio_socket=none --v=-1 &
for _ in $(seq 1 200); do [[ -S "$work/svc2/e.sock" && -S "$work/svc2/t.data" ]] && break; sleep 0.05; done
[[ ! -e "$work/svc2/e.sock.stdio" ]] || fail "--stdio_socket=none still made one"
same_as_qemu "without a stdio socket: stdin sent, output streamed" "unix:$work/svc2/e.sock" \
  "$numbers" "$prog"
same_as_qemu "empty streamed stdin" "unix:$work/svc2/e.sock" /dev/null "$prog"
# A guest that never reads stdin, fed an endless one: it ends, and so does dbt.
yes | "$qemu" "$phased" "$work" > "$work/q4_out.txt" 2>&1; qs=$?
yes | timeout 30 "$dbt" run --connect="unix:$work/svc2/e.sock" "$phased" "$work" > "$work/d4_out.txt" 2>&1; ds=$?
[[ $ds -ne 124 ]] || fail "dbt hung forwarding an endless stdin to a guest that had ended"
[[ $qs -eq $ds ]] || fail "endless stdin: status $ds, qemu $qs"
cmp -s "$work/q4_out.txt" "$work/d4_out.txt" || fail "endless stdin: output differs from qemu's"
echo "a guest that ignores an endless stdin ends, and dbt with it"
echo PASS
