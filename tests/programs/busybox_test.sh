#!/bin/bash
# Runs a real multi-call program under dbt: BusyBox, dynamically linked for
# riscv64 against Debian's cross glibc (bench/programs/build.sh builds it, as
# DIR/riscv64/busybox, with the shell running applets of itself by executing
# /proc/self/exe). It tests the dynamic loader path (PT_INTERP, -L sysroot) and
# guest execve: busybox sh forks and executes applets of itself, and tar
# executes gzip from $PATH; under dbt an execve of a RISC-V program runs it under
# dbt again, of an x86-64 one natively.
#
# Usage: tests/programs/busybox_test.sh DBT BUSYBOX
#   e.g. tests/programs/busybox_test.sh bazel-bin/clients/dbt \
#          "$(bench/programs/build.sh | tail -1)/riscv64/busybox"
#
# Each check prints one line: "ok" and where it ran (dbt+qemu: dbt's result
# equals qemu-riscv64's and the expected one; dbt: checked against the
# expected result only). qemu-riscv64 (-L /usr/riscv64-linux-gnu, no
# binfmt_misc) cannot execve a RISC-V program, so (as its busybox then falls
# back to the host's programs of $PATH) it is only compared on commands that
# execute nothing: top-level applets, shell builtins, NOFORK and NOEXEC applets
# (these run in a forked child without execve). The first failure prints FAIL,
# what differed and the guest's stderr, and exits 1. At the end: wall times of
# tar czf (and gzip) under dbt and qemu-riscv64.
# Environment: DBT_ARGS extra arguments of dbt run (e.g. "--no-cache");
# QEMU=0 to skip the comparisons with qemu-riscv64.
# shellcheck disable=SC2016 # guest shell code is in single quotes
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 DBT BUSYBOX" >&2
  exit 2
fi
abspath() { [[ $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }
DBT=$(abspath "$1")
BB=$(abspath "$2")
[[ -x $DBT ]] || { echo "FAIL: $DBT is not an executable" >&2; exit 1; }
[[ -x $BB ]] || { echo "FAIL: $BB is not an executable" >&2; exit 1; }
sysroot=/usr/riscv64-linux-gnu
read -r -a dbt_args <<< "${DBT_ARGS:-}"
qemu=()
if [[ ${QEMU:-1} != 0 ]] && command -v qemu-riscv64 > /dev/null; then
  qemu=(qemu-riscv64 -L "$sysroot")
else
  echo "(no qemu-riscv64: checking against expected results only)"
fi

t=$(mktemp -d /tmp/busybox-test-XXXXXX)
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1

# ---- the data ----------------------------------------------------------------
mkdir -p data/sub data/deep/er bin
printf 'banana\napple\ncherry\napple\nbanana\napple\ndate\n' > data/fruit.txt
printf 'x 1\ny 2\nz 39\n' > data/nums.txt
printf 'line one\nline two\n\ttabbed line\n' > data/sub/notes.txt
printf '# title\nsome *markdown*\n' > data/readme.md
seq 1 2000 > data/deep/er/seq.txt
head -c 100000 /dev/urandom > data/blob.bin
: > data/empty.txt
chmod 0750 data/deep
# Applets as symlinks to busybox (busybox picks the applet from argv[0]).
for a in sh gzip gunzip echo tar cat; do ln -s "$BB" "bin/$a"; done

# ---- running ------------------------------------------------------------------
# Runs put stdout in $t/out, stderr in $t/err, the exit status in $rc.
in_dbt() { "$DBT" run "${dbt_args[@]}" "$@"; }
in_qemu() { "${qemu[@]}" "$@"; }
run_in() { # run_in dbt|qemu PROG ARGS...   (stdin: /dev/null)
  local how=$1; shift
  "in_$how" "$@" < /dev/null > out 2> err
  rc=$?
}

fail() {
  echo "FAIL: $*"
  if [[ -s err ]]; then echo "--- its stderr:"; head -n 20 err; fi
  exit 1
}
ok() { printf 'ok   %-9s %s\n' "$1" "$2"; }

# expect_out NAME WANT_STATUS WANT_STDOUT HOW PROG ARGS...: one run; stdout and
# exit status as wanted.
expect_out() {
  local name=$1 want_rc=$2 want=$3 how=$4; shift 4
  run_in "$how" "$@"
  if [[ $rc -ne $want_rc ]]; then
    fail "$name: under $how, exit status $rc, not $want_rc: $*"
  fi
  if [[ $(< out) != "$want" ]]; then
    echo "--- expected:"; printf '%s\n' "$want"; echo "--- under $how:"; cat out
    fail "$name: under $how, other output than expected: $*"
  fi
}

# check WHERE NAME WANT_STATUS WANT_STDOUT PROG ARGS...: WHERE is dbt (dbt's
# run as expected) or dbt+qemu (qemu-riscv64's too, when there is one).
check() {
  local where=$1 name=$2 want_rc=$3 want=$4; shift 4
  expect_out "$name" "$want_rc" "$want" dbt "$@"
  if [[ $where == dbt+qemu && ${#qemu[@]} -gt 0 ]]; then
    expect_out "$name" "$want_rc" "$want" qemu "$@"
  else
    where=dbt
  fi
  ok "$where" "$name"
}
# bb WHERE NAME WANT_STATUS WANT_STDOUT APPLET ARGS...: check of BUSYBOX APPLET.
bb() { local w=$1 n=$2 s=$3 o=$4; shift 4; check "$w" "$n" "$s" "$o" "$BB" "$@"; }

# ---- checks -------------------------------------------------------------------
echo "dbt:     $DBT"
echo "busybox: $BB ($(in_dbt "$BB" 2>&1 < /dev/null | head -n 1))"

bb dbt+qemu "echo hi" 0 hi echo hi
bb dbt+qemu "no applet: exit status 127" 127 "" no-such-applet
bb dbt+qemu "true / false" 1 "" sh -c 'true && false'
bb dbt+qemu "sh -c 'exit 3' gives 3" 3 "" sh -c 'exit 3'
bb dbt+qemu "sh: killed by SIGKILL gives 137" 137 "" sh -c 'kill -9 $$'
bb dbt+qemu "sh: arithmetic" 0 42 sh -c 'echo $((6 * 7))'
bb dbt+qemu "sh: \$(expr 6 \\* 7) (NOEXEC applet)" 0 42 sh -c 'echo $(expr 6 \* 7)'
bb dbt+qemu "sh: command substitution" 0 "[hi
there]" sh -c 'x=$(echo hi; echo there); echo "[$x]"'
bb dbt+qemu "sh: subshell" 0 "/
$t
5" sh -c '(cd /; pwd); pwd; (exit 5); echo $?'
bb dbt+qemu "sh: pipeline of builtins" 0 "c b a" sh -c 'echo a b c | { read x y z; echo $z $y $x; }'
cat > script.sh << 'EOF'
f() { local n=$1 acc=1; while [ "$n" -gt 1 ]; do acc=$((acc * n)); n=$((n - 1)); done; echo "$acc"; }
for w in one two three; do
  case $w in t*) printf '%s:%d\n' "$w" "${#w}" ;; *) echo "other $w" ;; esac
done
f 10
while read -r a b; do echo "$b=$a"; done << EOT
1 x
2 y
EOT
set -- p q r; echo "$# $2 $*"
trap 'echo trapped' EXIT
EOF
bb dbt+qemu "sh script: functions, case, loops, here-doc, trap" 0 "other one
two:3
three:5
3628800
x=1
y=2
3 q p q r
trapped" sh script.sh
bb dbt "sh: for ... | wc -l (execs wc)" 0 3 sh -c 'for i in 1 2 3; do echo $i; done | wc -l'
bb dbt "sh: the exec'd applet is busybox's" 0 "BusyBox v" sh -c 'wc --help 2>&1 | head -n 1 | cut -c1-9'
bb dbt "sh: cat | sort | uniq -c | sort -rn | head -3" 0 "      3 apple
      2 banana
      1 date" sh -c 'cat data/fruit.txt | sort | uniq -c | sort -rn | head -3'
bb dbt "sh: child killed by SIGKILL: \$? 137" 0 137 sh -c 'sh -c "kill -9 \$\$"; echo $?'
bb dbt "sh: exit status of an exec'd applet" 0 "1 0" sh -c 'cmp -s data/fruit.txt data/nums.txt; a=$?; cmp -s data/nums.txt data/nums.txt; echo $a $?'
bb dbt "sh: nested sh, \$(sh -c '... | wc -l')" 0 3 sh -c 'echo $(sh -c "seq 1 3 | wc -l")'
bb dbt "sh: xargs sh -c" 0 6 sh -c 'seq 1 3 | xargs sh -c "echo \$((\$1 + \$2 + \$3))" sh'
bb dbt "sh: exec by path (a RISC-V program via a symlink)" 0 "$t/bin/sh from exec" sh -c "$t/bin/sh -c 'echo \$0 from exec' && exec $t/bin/sh -c 'exit 0'"
bb dbt "sh: a host (x86-64) program" 0 "$(printf 'x\ny\n' | /usr/bin/sort -r)" sh -c "printf 'x\ny\n' | /usr/bin/sort -r"

# sort, sed, awk, find, sha256sum as top-level applets (no exec).
bb dbt+qemu "sort" 0 "apple
apple
apple
banana
banana
cherry
date" sort data/fruit.txt
bb dbt+qemu "sort -u -r" 0 "date
cherry
banana
apple" sort -u -r data/fruit.txt
bb dbt+qemu "sort -n -k2" 0 "x 1
y 2
z 39" sort -n -k2 data/nums.txt
bb dbt+qemu "sed s///g, /re/d, Nd, \$s" 0 "bAnAnA
bAnAnA
dAte!" sed -e 's/a/A/g' -e '/^Apple$/d' -e '3d' -e '$s/$/!/' data/fruit.txt
bb dbt+qemu "sed -n /re/p, =" 0 "2
line two" sed -n -e '/two/=' -e '/two/p' data/sub/notes.txt
bb dbt+qemu "awk sum" 0 42 awk '{ s += $2 } END { print s }' data/nums.txt
bb dbt+qemu "awk -F, printf, math" 0 "b|3.142|0.500|XY|12345 5 234" awk -F, 'BEGIN {
  for (i = 1; i <= 5; i++) s = s i
  printf "%s|%.3f|%.3f|%s|%s %d %s\n", "a,b,c" ~ /,/ ? "b" : "?", atan2(0, -1), sin(atan2(0, -1) / 6), toupper("xy"), s, length(s), substr(s, 2, 3)
}'
bb dbt+qemu "awk associative arrays" 0 "apple 3
banana 2
cherry 1
date 1" sh -c 'awk "{ n[\$1]++ } END { for (k in n) print k, n[k] }" data/fruit.txt | sort'
bb dbt+qemu "find -name '*.txt' | sort" 0 "$(find data -name '*.txt' | LC_ALL=C sort)" sh -c "find data -name '*.txt' | sort"
bb dbt+qemu "find -type d -perm" 0 "data/deep" find data -type d -perm 0750
bb dbt+qemu "sha256sum = host sha256sum" 0 "$(sha256sum data/blob.bin data/fruit.txt)" sha256sum data/blob.bin data/fruit.txt
bb dbt+qemu "md5sum = host md5sum" 0 "$(md5sum data/blob.bin)" md5sum data/blob.bin

# gzip and tar.
rm -f err
"$DBT" run "${dbt_args[@]}" "$BB" gzip -c data/blob.bin 2> err |
  "$DBT" run "${dbt_args[@]}" "$BB" gunzip -c 2>> err | cmp - data/blob.bin ||
  fail "busybox gzip -c data/blob.bin | busybox gunzip -c | cmp - data/blob.bin (pipes between three processes)"
ok dbt "busybox gzip -c blob | busybox gunzip -c | cmp - blob (host pipeline)"
run_in dbt "$BB" gzip -c data/blob.bin
if [[ $rc -ne 0 ]] || ! gzip -dc < out | cmp - data/blob.bin; then
  fail "host gunzip of busybox gzip -c data/blob.bin (exit $rc)"
fi
ok dbt "busybox gzip -c blob | host gunzip"
gzip -9c data/fruit.txt > fruit.gz
check dbt+qemu "host gzip | busybox gunzip" 0 "$(cat data/fruit.txt)" "$BB" gunzip -c fruit.gz
bb dbt "sh: gzip -c | gunzip -c | cmp (exec'd applets)" 0 same sh -c 'gzip -c data/blob.bin | gunzip -c | cmp - data/blob.bin && echo same'

# tar czf: tar executes "gzip" from $PATH; with $t/bin first that is busybox
# (a RISC-V program, so dbt again), otherwise the host's gzip (run natively).
tar_roundtrip() { # tar_roundtrip HOW NAME PATH
  local how=$1 name=$2 path=$3 x=x-$1-$RANDOM
  rm -f a.tgz
  PATH=$path run_in "$how" "$BB" tar czf a.tgz data
  [[ $rc -eq 0 && -s a.tgz ]] || fail "$name: busybox tar czf a.tgz data under $how (exit $rc)"
  gzip -t a.tgz 2> /dev/null || fail "$name: a.tgz made under $how is not a valid gzip file"
  [[ $(tar tzf a.tgz | sed 's|/$||' | LC_ALL=C sort) == $(find data | LC_ALL=C sort) ]] ||
    fail "$name: host tar tzf lists other files than data/ has"
  mkdir "$x"
  run_in "$how" "$BB" tar xzf a.tgz -C "$x"
  [[ $rc -eq 0 ]] || fail "$name: busybox tar xzf a.tgz -C $x under $how (exit $rc)"
  diff -r data "$x/data" > /dev/null || fail "$name: diff -r data $x/data: the round trip under $how changed files"
  cmp data/blob.bin "$x/data/blob.bin" || fail "$name: cmp of the blob after the round trip under $how"
  [[ $(stat -c %a "$x/data/deep") == 750 ]] || fail "$name: tar xzf under $how lost the mode of data/deep"
}
tar_roundtrip dbt "tar czf (busybox gzip)" "$t/bin:$PATH"
ok dbt "tar czf + tar xzf round trip, gzip = busybox via \$PATH (exec'd under dbt)"
tar_roundtrip dbt "tar czf (host gzip)" "$PATH"
ok dbt "tar czf + tar xzf round trip, gzip = host's (exec'd natively)"
if [[ ${#qemu[@]} -gt 0 ]]; then
  tar_roundtrip qemu "tar czf (host gzip)" "$PATH"
  ok qemu "tar czf + tar xzf round trip, gzip = host's (the same under qemu-riscv64)"
fi
bb dbt+qemu "tar tzf" 0 "$(tar tzf a.tgz)" tar tzf a.tgz

# Applets through symlinks.
check dbt+qemu "symlink DIR/sh -c 'echo \$0'" 0 "$t/bin/sh" "$t/bin/sh" -c 'echo $0'
check dbt+qemu "symlink DIR/echo" 0 "via symlink" "$t/bin/echo" via symlink
check dbt+qemu "symlink DIR/cat (relative path)" 0 "$(cat data/nums.txt)" bin/cat data/nums.txt
check dbt "symlink DIR/sh: pipeline of exec'd applets" 0 "2000" "$t/bin/sh" -c 'cat data/deep/er/seq.txt | gzip | gunzip | wc -l'
PATH=$t/bin:/nonexistent check dbt "symlink DIR/sh, no host programs in \$PATH: tar cf - | tar tf -" 0 "data/nums.txt" \
  "$t/bin/sh" -c 'tar cf - data/nums.txt | tar tf -'

# ---- timings ------------------------------------------------------------------
# ms CMD...: runs CMD (stdout, stderr: /dev/null) and prints its wall time in ms.
ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" < /dev/null > /dev/null 2>&1 || fail "timed run: $*"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
seq 1 400000 > data/big.txt # 2.7 MB, compressible
head -c 1000000 /dev/urandom > data/big.bin
echo "timings (ms; data/ is $(du -sk data | cut -f1) KiB; two dbt runs each, the checks above warmed its cache):"
rm -f a.tgz
printf '  %-52s' "tar czf, gzip = host's:"
d1=$(ms "$DBT" run "${dbt_args[@]}" "$BB" tar czf a.tgz data)
d2=$(ms "$DBT" run "${dbt_args[@]}" "$BB" tar czf a.tgz data)
printf 'dbt %5s %5s' "$d1" "$d2"
[[ ${#qemu[@]} -eq 0 ]] || printf '   qemu-riscv64 %5s' "$(ms "${qemu[@]}" "$BB" tar czf a.tgz data)"
echo
printf '  %-52s' "tar czf, gzip = busybox (dbt only):"
printf 'dbt %5s %5s\n' "$(PATH=$t/bin:$PATH ms "$DBT" run "${dbt_args[@]}" "$BB" tar czf a.tgz data)" \
  "$(PATH=$t/bin:$PATH ms "$DBT" run "${dbt_args[@]}" "$BB" tar czf a.tgz data)"
printf '  %-52s' "gzip -c data/big.txt data/big.bin > /dev/null:"
printf 'dbt %5s %5s' "$(ms "$DBT" run "${dbt_args[@]}" "$BB" gzip -c data/big.txt data/big.bin)" \
  "$(ms "$DBT" run "${dbt_args[@]}" "$BB" gzip -c data/big.txt data/big.bin)"
[[ ${#qemu[@]} -eq 0 ]] || printf '   qemu-riscv64 %5s' "$(ms "${qemu[@]}" "$BB" gzip -c data/big.txt data/big.bin)"
echo
echo "PASS: all busybox checks"
