#!/bin/bash
# Dynamically linked programs and the sysroot (-L, QEMU_LD_PREFIX, the
# Debian default), against qemu-riscv64 given the same sysroot; and the bad
# cases: no loader (the error names the paths looked in), a loader of
# another ISA, a truncated libc (the guest's loader reports it, as under
# qemu).
# Usage: sysroot_test.sh DBT HELLO_DYNAMIC
set -u
dbt=$1 prog=$2
qemu=/usr/bin/qemu-riscv64
cross=/usr/riscv64-linux-gnu
ld=/lib/ld-linux-riscv64-lp64d.so.1
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-sysroot-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; head -c 2000 "$f"; done; exit 1; }
[ -e "$cross$ld" ] || fail "no $cross$ld (Debian's libc6-riscv64-cross; tools/packages.txt)"

# 1. The default sysroot, -L, QEMU_LD_PREFIX: all as qemu -L.
"$qemu" -L "$cross" "$prog" > "$work/q.txt" 2>&1 || fail "qemu"
"$dbt" run --no-cache "$prog" > "$work/default.txt" 2>&1 || fail "default sysroot"
cmp -s "$work/default.txt" "$work/q.txt" || fail "default sysroot: not as qemu"
"$dbt" run --no-cache -L "$cross" "$prog" > "$work/flag.txt" 2>&1 || fail "-L"
cmp -s "$work/flag.txt" "$work/q.txt" || fail "-L: not as qemu"
QEMU_LD_PREFIX=$cross "$dbt" run --no-cache -L /nonexistent "$prog" > /dev/null 2>&1 &&
  fail "-L must win over QEMU_LD_PREFIX"
echo "default sysroot, -L and QEMU_LD_PREFIX: as qemu"

# 2. No loader: exit 1, the paths looked in named.
QEMU_LD_PREFIX=/nonexistent "$dbt" run --no-cache "$prog" > "$work/none.txt" 2>&1
[ $? = 1 ] || fail "no loader: exit status not 1"
grep -q "cannot find its dynamic loader $ld (looked in /nonexistent$ld and $ld)" "$work/none.txt" ||
  fail "no loader: message"
echo "no loader: $(cat "$work/none.txt")"

# 3. A loader of another ISA (x86-64's ld.so under the riscv64 name).
mkdir -p "$work/x86/lib"
cp /lib64/ld-linux-x86-64.so.2 "$work/x86$ld"
"$dbt" run --no-cache -L "$work/x86" "$prog" > "$work/isa.txt" 2>&1
[ $? = 1 ] || fail "foreign loader: exit status not 1"
grep -q "dynamic loader $work/x86$ld: not a RISC-V program (e_machine 62" "$work/isa.txt" ||
  fail "foreign loader: message"
echo "foreign loader: $(cat "$work/isa.txt")"

# 4. A truncated libc: what the guest's own loader makes of it (here: it
# maps the file past its end and dies of SIGBUS touching it), as under
# qemu; the runners' own "dbt:"/"qemu:" lines aside.
mkdir -p "$work/cut/lib"
cp "$cross$ld" "$work/cut$ld"
head -c 3000 "$cross/lib/libc.so.6" > "$work/cut/lib/libc.so.6"
"$qemu" -L "$work/cut" "$prog" > "$work/q_cut.txt" 2>&1
qstatus=$?
"$dbt" run --no-cache -L "$work/cut" "$prog" > "$work/cut.txt" 2>&1
dstatus=$?
[ "$qstatus" = "$dstatus" ] || fail "truncated libc: exit $dstatus, qemu $qstatus"
grep -Ev '^(dbt|qemu):' "$work/cut.txt" > "$work/cut_guest.txt"
grep -Ev '^(dbt|qemu):' "$work/q_cut.txt" > "$work/q_cut_guest.txt"
cmp -s "$work/cut_guest.txt" "$work/q_cut_guest.txt" || fail "truncated libc: output not as qemu"
[ "$dstatus" != 0 ] || fail "truncated libc: the program ran"
echo "truncated libc: exit $dstatus as qemu: $(cat "$work/cut.txt")"
echo PASS
