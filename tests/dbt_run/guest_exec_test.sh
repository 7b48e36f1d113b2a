#!/bin/bash
# execve of guest programs under dbt, with no binfmt_misc: a RISC-V program
# (static and dynamically linked) or a #! script whose interpreter is one
# runs under dbt again, in the same process (same pid), with its argv[0],
# environment and exit status; a malformed RISC-V ELF is ENOEXEC to the
# guest; in every mode (private services, --one-process). qemu-riscv64
# cannot be the oracle here (it needs binfmt_misc for this): expected
# values are asserted.
# Usage: guest_exec_test.sh DBT EXECER EXECER_DYN
set -u
dbt=$1 execer=$2 execer_dyn=$3
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-exec-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; head -c 2000 "$f"; done; exit 1; }

for prog in "$execer" "$execer_dyn"; do
  for mode in "" --one-process; do
    tag="$(basename "$prog") ${mode:-private}"
    # A chain of three execs: one pid throughout, argv[0] and the
    # environment as each exec gave them, the last status.
    "$dbt" run $mode "$prog" chain 2 > "$work/chain.txt" 2> "$work/chain_err.txt"
    status=$?
    [ "$status" = 7 ] || fail "$tag chain: exit $status, want 7"
    [ "$(wc -l < "$work/chain.txt")" = 3 ] || fail "$tag chain: not three steps"
    [ "$(awk '{print $2}' "$work/chain.txt" | sort -u | wc -l)" = 1 ] || fail "$tag chain: the pid changed"
    sed 's/^pid [0-9]* //' "$work/chain.txt" > "$work/chain_nopid.txt"
    printf 'argv0 %s step - n 2\nargv0 link-2 step 1 n 1\nargv0 link-1 step 0 n 0\n' "$prog" > "$work/chain_want.txt"
    cmp -s "$work/chain_nopid.txt" "$work/chain_want.txt" || fail "$tag chain: $(cat "$work/chain_nopid.txt")"
    [ ! -s "$work/chain_err.txt" ] || fail "$tag chain: stderr"
    # A script whose interpreter (with an argument) is a RISC-V program.
    mkdir -p "$work/s"
    "$dbt" run $mode "$prog" script "$work/s" > "$work/script.txt" 2>&1 || fail "$tag script: exit $?"
    printf 'arg 0: (self)\narg 1: args\narg 2: %s\narg 3: first\narg 4: second\n' "$work/s/s.sh" > "$work/script_want.txt"
    cmp -s "$work/script.txt" "$work/script_want.txt" || fail "$tag script: $(cat "$work/script.txt")"
    # A malformed RISC-V ELF: ENOEXEC, and the guest goes on.
    "$dbt" run $mode "$prog" bad "$work/s" > "$work/bad.txt" 2>&1 || fail "$tag bad: exit $?"
    grep -qx "bad ELF: Exec format error" "$work/bad.txt" || fail "$tag bad: $(cat "$work/bad.txt")"
    # A forked child that execs: its parent sees its status.
    "$dbt" run $mode "$prog" forkexec > "$work/fork.txt" 2>&1 || fail "$tag forkexec: exit $?"
    grep -qx "child exited 7" "$work/fork.txt" || fail "$tag forkexec: $(cat "$work/fork.txt")"
    # Process identity as the shell sees it: $! is the guest's pid, its
    # parent is this shell, its group and session are what ps says; kill $!
    # reaches the guest, whose exit status wait gets.
    rm -f "$work/id.txt"
    "$dbt" run $mode "$prog" identity "$work/id.txt" &
    p=$!
    for _ in $(seq 200); do [ -s "$work/id.txt" ] && break; sleep 0.05; done
    read -r gpid gppid gpgid gsid < "$work/id.txt" || fail "$tag identity: no output"
    [ "$gpid" = "$p" ] || fail "$tag identity: getpid $gpid, \$! $p"
    [ "$gppid" = "$$" ] || fail "$tag identity: getppid $gppid, the shell is $$"
    [ "$gpgid" = "$(ps -o pgid= -p "$p" | tr -d ' ')" ] || fail "$tag identity: pgid"
    [ "$gsid" = "$(ps -o sid= -p "$p" | tr -d ' ')" ] || fail "$tag identity: sid"
    kill -TERM "$p"
    wait "$p"
    status=$?
    [ "$status" = 42 ] || fail "$tag identity: kill \$! then wait: status $status, want 42"
    echo "$tag: exec chain (one pid), #! script, malformed ELF (ENOEXEC), fork+exec, pid/ppid/pgid/sid and kill \$!: right"
  done
done
echo PASS
