#!/bin/bash
# The cache on a Redis store (many hosts), end to end through `dbt run`
# with a real redis-server this test starts on loopback: warm start,
# authentication (HMAC key file), refusals, tampering, concurrent writers,
# the server killed mid-run. qemu-riscv64 is the output oracle.
# Usage: cache_redis_test.sh DBT CXX_PROG PHASED_PROG
set -u
dbt=$1 cxx=$2 phased=$3
qemu=/usr/bin/qemu-riscv64
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-redis-XXXXXX")
redis_pid=
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; head -c 2000 "$f"; done; exit 1; }
stat_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
[ -x /usr/bin/redis-server ] || fail "redis-server is not installed (tools/packages.txt)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_redis() {
  /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" > "$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return; sleep 0.05; done
  fail "redis-server did not start"
}
start_redis
url="redis://127.0.0.1:$port"
head -c 32 /dev/urandom > "$work/key"; chmod 600 "$work/key"
head -c 32 /dev/urandom > "$work/other_key"; chmod 600 "$work/other_key"
"$qemu" "$cxx" > "$work/q.txt" 2> "$work/q_err.txt" || fail "qemu"
run() {  # run NAME FLAGS...: dbt run of cxx, stats in NAME.json, output checked against qemu
  local name=$1; shift
  "$dbt" run "$@" --stats-json "$work/$name.json" "$cxx" > "$work/$name.out" 2> "$work/$name.err" || fail "$name: dbt run failed"
  cmp -s "$work/$name.out" "$work/q.txt" || fail "$name: stdout not as qemu"
}

# 1. Cold then warm, authenticated.
run cold --cache="$url" --cache-key-file="$work/key"
cmp -s "$work/cold.err" "$work/q_err.txt" || fail "cold: stderr not as qemu"
cold=$(stat_of "$work/cold.json" tbs_translated)
[ "$(stat_of "$work/cold.json" cache_stored)" -gt $((cold * 9 / 10)) ] || fail "cold run stored too little"
run warm --cache="$url" --cache-key-file="$work/key"
cmp -s "$work/warm.err" "$work/q_err.txt" || fail "warm: stderr not as qemu"
warm=$(stat_of "$work/warm.json" tbs_translated)
[ $((warm * 50)) -le "$cold" ] || fail "warm run translated $warm of $cold"
echo "redis: cold $cold translated; warm $warm translated, $(stat_of "$work/warm.json" tbs_loaded_from_cache) loaded"

# 2. No key: refused (one warning), the run goes on without the cache.
run nokey --cache="$url"
grep -q "dbt: warning: .*--cache-key-file" "$work/nokey.err" || fail "no warning without a key"
[ "$(stat_of "$work/nokey.json" tbs_loaded_from_cache)" = 0 ] || fail "loaded without a key"
# ...unless asked for explicitly (and then the authenticated entries do
# not verify as bare ones: nothing is loaded, everything translated).
run unauth --cache="$url" --cache-unauthenticated
[ "$(stat_of "$work/unauth.json" tbs_loaded_from_cache)" = 0 ] || fail "tagged entries loaded as bare ones"
echo "redis without a key: refused, or unauthenticated on request"

# 3. Another key: every entry fails its tag, is rejected, re-translated.
run otherkey --cache="$url" --cache-key-file="$work/other_key"
[ "$(stat_of "$work/otherkey.json" tbs_loaded_from_cache)" = 0 ] || fail "entries of another key were loaded"
# A key file others can read is refused.
cp "$work/key" "$work/open_key"; chmod 644 "$work/open_key"
run openkey --cache="$url" --cache-key-file="$work/open_key"
grep -q "dbt: warning: .*must be readable by its owner only" "$work/openkey.err" || fail "no warning for a key file others can read"
echo "another key: nothing loaded; a key file others can read: refused"

# 4. Tampering: flip a byte of every entry in Redis (as someone who can
# write to the server would): nothing tampered is loaded.
redis-cli -p "$port" --scan --pattern 'dbt:tb:*' > "$work/keys.lst"
[ -s "$work/keys.lst" ] || fail "no entries in redis"
python3 - "$port" "$work/keys.lst" <<'PY' || fail "tampering"
import socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
def cmd(s, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
def reply(f):
    line = f.readline()
    if line[:1] == b"$":
        n = int(line[1:])
        if n < 0: return None
        data = f.read(n + 2)
        return data[:-2]
    return line
s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
keys = [k for k in open(path, "rb").read().split(b"\n") if k]
# redis-cli prints binary keys escaped; fetch them exactly with SCAN instead.
cursor = b"0"; keys = []
while True:
    cmd(s, b"SCAN", cursor, b"MATCH", b"dbt:tb:*", b"COUNT", b"1000")
    assert f.readline().startswith(b"*2")
    cursor = reply(f)
    n = int(f.readline()[1:])
    keys += [reply(f) for _ in range(n)]
    if cursor == b"0": break
for k in keys:
    cmd(s, b"GET", k); v = bytearray(reply(f))
    v[len(v) // 2] ^= 0x40
    cmd(s, b"SET", k, bytes(v)); reply(f)
print("tampered", len(keys))
PY
run tampered --cache="$url" --cache-key-file="$work/key"
[ "$(stat_of "$work/tampered.json" tbs_loaded_from_cache)" = 0 ] || fail "tampered entries were loaded"
echo "tampered entries: none loaded, output as qemu"

# 5. Eight runs at once against an emptied server, then a warm one.
redis-cli -p "$port" flushall > /dev/null
pids=()
for i in $(seq 8); do
  "$dbt" run --cache="$url" --cache-key-file="$work/key" "$cxx" > "$work/c8_$i.out" 2> "$work/c8_$i.err" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent run failed"; done
for i in $(seq 8); do
  cmp -s "$work/c8_$i.out" "$work/q.txt" || fail "concurrent run $i: stdout not as qemu"
  cmp -s "$work/c8_$i.err" "$work/q_err.txt" || fail "concurrent run $i: stderr not as qemu"
done
run ninth --cache="$url" --cache-key-file="$work/key"
[ $(( $(stat_of "$work/ninth.json" tbs_translated) * 50 )) -le "$cold" ] || fail "not warm after 8 concurrent runs"
echo "8 concurrent cold runs on redis, then warm: $(stat_of "$work/ninth.json" tbs_translated) translated"

# 6. The server killed mid-run: the guest finishes right, one warning at most.
"$qemu" "$phased" "$work/go_q" > "$work/q_phased.txt" 2>&1 &
qp=$!; sleep 0.5; touch "$work/go_q"; wait $qp || fail "qemu phased"
"$dbt" run --cache="$url" --cache-key-file="$work/key" "$phased" "$work/go" > "$work/phased.txt" 2> "$work/phased_err.txt" &
dp=$!
for _ in $(seq 100); do grep -q . "$work/phased.txt" 2>/dev/null && break; sleep 0.1; done
kill -9 "$redis_pid"; redis_pid=
touch "$work/go"
wait $dp || fail "dbt run after redis died"
cmp -s "$work/phased.txt" "$work/q_phased.txt" || fail "redis killed: output not as qemu"
[ "$(grep -c "dbt: warning" "$work/phased_err.txt")" -le 1 ] || fail "more than one warning"
# And a run with no server at all: a warning, a cold run.
"$dbt" run --cache="$url" --cache-key-file="$work/key" "$cxx" > "$work/down.out" 2> "$work/down.err" || fail "run with redis down"
cmp -s "$work/down.out" "$work/q.txt" || fail "redis down: output not as qemu"
grep -q "dbt: warning" "$work/down.err" || fail "no warning with redis down"
echo "redis killed mid-run and down: output as qemu, with a warning"
echo PASS
