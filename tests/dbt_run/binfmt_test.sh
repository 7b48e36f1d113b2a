#!/bin/bash
# dbt binfmt install|status|uninstall, in a binfmt_misc instance of a user
# namespace of our own (Linux 6.7+ gives each user namespace its own, so the
# machine's registrations are not touched): riscv64 programs, static and
# dynamically linked, then run when executed directly, with their argv[0],
# as under `dbt run`; after uninstall the kernel refuses them again.
# Usage: binfmt_test.sh DBT EXECER EXECER_DYN
set -u
dbt=$(realpath "$1") execer=$(realpath "$2") execer_dyn=$(realpath "$3")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-binfmt-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; head -c 2000 "$f"; done; exit 1; }
unshare -Urm true 2> "$work/unshare.txt" || fail "no user namespace here: $(cat "$work/unshare.txt")"
# Expected: what `dbt run` prints (the pid aside).
"$dbt" run "$execer" chain 1 | sed 's/^pid [0-9]* //' > "$work/want_chain.txt"
"$dbt" run "$execer_dyn" forkexec | sed 's/^pid [0-9]* //' > "$work/want_fork.txt"
cat > "$work/inside.sh" <<INSIDE
set -u
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 10
"$dbt" binfmt status > "$work/status_before.txt" && exit 11
"$dbt" binfmt install --link-dir="$work" > "$work/install.txt" || exit 12
"$dbt" binfmt status > "$work/status.txt" || exit 13
"$execer" chain 1 > "$work/chain.txt"; echo \$? > "$work/chain_status.txt"
"$execer_dyn" forkexec > "$work/fork.txt" || exit 14
"$dbt" binfmt uninstall > "$work/uninstall.txt" || exit 15
"$execer" chain 0 > "$work/after.txt" 2>&1; echo \$? > "$work/after_status.txt"
exit 0
INSIDE
unshare -Urm sh "$work/inside.sh" || fail "inside the namespace: step $?"
grep -q "^flags: PF$" "$work/status.txt" || fail "status: flags"
grep -q "^interpreter $work/dbt-binfmt-riscv64$" "$work/status.txt" || fail "status: interpreter"
grep -q "^magic 7f454c460201010000000000000000000200f300$" "$work/status.txt" || fail "status: magic"
[ "$(cat "$work/chain_status.txt")" = 7 ] || fail "direct run: exit $(cat "$work/chain_status.txt"), want 7"
sed 's/^pid [0-9]* //' "$work/chain.txt" > "$work/chain_nopid.txt"
cmp -s "$work/chain_nopid.txt" "$work/want_chain.txt" || fail "direct run: not as dbt run"
sed 's/^pid [0-9]* //' "$work/fork.txt" > "$work/fork_nopid.txt"
cmp -s "$work/fork_nopid.txt" "$work/want_fork.txt" || fail "direct run (dynamic): not as dbt run"
[ "$(cat "$work/after_status.txt")" = 126 ] || fail "after uninstall: exit $(cat "$work/after_status.txt"), want 126"
grep -q "Exec format error" "$work/after.txt" || fail "after uninstall: $(cat "$work/after.txt")"
echo "binfmt: installed (PF), riscv64 programs run directly (static and dynamic, argv[0] kept), uninstalled"
echo PASS
