#!/bin/bash
# Runs GCC's gcc.c-torture/execute suite (from Debian's gcc-12-source) under
# qemu-riscv64 and under `dbt run`, and lists every program where dbt departs from
# qemu. The suite is not part of the repository (license, 80 MB); this script
# fetches it. Nothing here runs in CI.
#
# Usage: tests/torture/run_torture.sh [options] [SUITE_DIR]
#   SUITE_DIR        the extracted gcc.c-torture/execute directory (holds
#                    execute.exp, ieee/, builtins/); default /tmp/torture/execute.
#                    If it does not exist, gcc-12-source is installed when needed
#                    (apt-get, ~15 s, 80 MB) and the directory is extracted from
#                    its tarball (~10 s). Another existing directory of dg tests
#                    (e.g. gcc.dg/torture, extracted by hand) works too: its
#                    *.c files marked "dg-do run" are the tests.
#   --default-run    in such a directory, a .c file with a main and no dg-do is
#                    a run test too (as gcc.dg/vect's .exp does on targets with
#                    vector units)
#   -O0 | -O1 | -O2 | -O3 | -Os | -Og
#                    optimization level (default -O2); -O3 means
#                    "-O3 -funroll-loops", as in GCC's torture options
#   --cflags STR     more compiler options, e.g. "-mcmodel=medany" (use a
#                    separate --out for each set)
#   --jobs N         parallel workers (default 2)
#   --out DIR        logs and binaries (default /tmp/torture-results/LEVEL)
#   --timeout SECS   per run, under each emulator (default 10)
#   --dbt PATH       the dbt client (default bazel-bin/clients/dbt of this tree;
#                    it is copied to DIR/dbt-client so a rebuild mid-run changes nothing)
#   --dbt-flags STR  extra words after `dbt run`, e.g. "--interpret"
#   --qemu PATH      the reference (default /usr/bin/qemu-riscv64)
#   --only REGEX     only tests whose name (e.g. "pr12345", "ieee/fp-cmp-1")
#                    matches the extended regular expression
#   --reuse          keep binaries already in DIR/bin and their qemu results
#                    (rerun with a new dbt or other --dbt-flags without
#                    recompiling or rerunning qemu)
#
# For each test: compile with `riscv64-linux-gnu-gcc -static LEVEL -w ... -lm`
# (and -latomic: GCC 12 calls libatomic for 1- and 2-byte atomics on RISC-V)
# plus the options its dg- directives or .x file ask for; tests whose directives
# need something this target or harness cannot give, and tests that fail to
# compile, count as "skipped: compile" (reason in DIR/compile/NAME.log). Then run
# the binary under both emulators as ./prog with stdin from /dev/null, a fixed
# environment and a fresh working directory each, and compare exit status, stdout and stderr
# (stderr without the emulators' own "qemu:"/"dbt:" lines). Statuses are as a
# shell reports them: 128+N for death by signal N, 124 for a timeout.
#
# Output: DIR/summary.txt (also printed): the counts compiled, qemu-pass,
# dbt-pass, identical; every test where dbt differs from qemu with both statuses
# and the head of the diff (when it does, qemu runs it a second time: if the two
# qemu runs differ, the test is "qemu-nondeterministic" and not compared); tests
# that fail under qemu too. Per test:
# DIR/results/NAME (one line), DIR/compile/NAME.log, DIR/{qemu,dbt}/NAME.{out,err}.
# Exit status: 0 when every compiled test is identical under both, 1 otherwise,
# 2 on a usage error.
set -u

# The target the dg- selectors are evaluated for, and its true effective-target
# keywords (gcc/testsuite/lib/target-supports.exp, for riscv64 Linux with glibc).
readonly kTriplet=riscv64-unknown-linux-gnu
kTrueTargets=" int32plus int32 label_values trampolines alloca indirect_jumps"
kTrueTargets+=" untyped_assembly return_address fileio unwrapped stdint_types mmap"
kTrueTargets+=" double64plus c99_runtime longlong64 int128 signal fpic nonlocal_goto"
kTrueTargets+=" lp64 large_double ptr32plus size32plus inf scheduling mempcpy fenv"
kTrueTargets+=" fenv_exceptions float32 float64 float32x float64x float128"
kTrueTargets+=" float32_runtime float64_runtime float32x_runtime float64x_runtime"
kTrueTargets+=" float128_runtime sync_char_short sync_int_long sync_long_long"
kTrueTargets+=" sync_long_long_runtime store_merge exceptions inff non_bionic"
kTrueTargets+=" issignaling fstack_protector static pie weak_undefined ptr_eq_long"
kTrueTargets+=" hard_float ucn global_constructor double64 pie_enabled init_priority"
kTrueTargets+=" sync_int_long_stack pcc_bitfield_type_matters pthread pthread_h "
readonly kTrueTargets

usage() {
  sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# ---- one test (run by the xargs workers: run_torture.sh --worker SRC) --------

# Is the dg- target selector in $1 true for this target? A selector is a
# triplet glob, an effective-target keyword, or a braced list of them (any one
# true) combined with "!", "&&" and "||". By default $1 is what follows the word
# "target" in "{ target SELECTOR }" and the selector ends at the unmatched "}";
# with a second argument "one", $1 starts with the selector, one word or one
# braced list, and text after it is ignored (dg-skip-if's form).
SelectorTrue() {
  local - text=$1 one=${2:-} token expr= depth=0 prev=op
  set -f  # selectors hold globs (*-*-*) that must not match file names
  text=${text//\"/ }
  text=${text//\{/ \{ }
  text=${text//\}/ \} }
  for token in $text; do
    [[ $token == target ]] && continue
    case "$token" in
      '{')
        [[ $prev == val ]] && expr+='||'
        expr+='('
        depth=$((depth + 1))
        prev=op ;;
      '}')
        ((depth == 0)) && break
        expr+=')'
        depth=$((depth - 1))
        prev=val ;;
      '!')
        [[ $prev == val ]] && expr+='||'
        expr+='!'
        prev=op ;;
      '&&' | '||')
        expr+=$token
        prev=op ;;
      *)
        [[ $prev == val ]] && expr+='||'
        if [[ $token == *-* ]]; then  # a triplet glob; keywords have no "-"
          # shellcheck disable=SC2053  # the token is a glob on purpose.
          [[ $kTriplet == $token ]] && expr+=1 || expr+=0
        else
          [[ $kTrueTargets == *" $token "* ]] && expr+=1 || expr+=0
        fi
        prev=val ;;
    esac
    [[ -n $one ]] && ((depth == 0)) && [[ $prev == val ]] && break
  done
  # A directive continued on the next line may leave an operator dangling (the
  # selector is then taken as false) or groups open (closed here).
  [[ -n $expr && $expr != *[\&\|\!\(] ]] || return 1
  while ((depth > 0)); do
    expr+=')'
    depth=$((depth - 1))
  done
  (($expr))
}

# Adds to `flags` and `srcs` (the caller's arrays) what SRC's dg- directives and
# .x file ask for, or sets `skip_reason` and returns 1.
ReadDirectives() {
  local - src=$1 line body opts sel x
  set -f  # option words and selectors are not file globs
  while IFS= read -r line; do
    body=${line#*\{ dg-}
    case "$body" in
      do\ *)
        [[ $body == do\ run* ]] || { skip_reason="dg-do ${body#do }"; return 1; }
        if [[ $body == *target* ]] && ! SelectorTrue "${body#*target}"; then
          skip_reason="dg-do run for other targets"
          return 1
        fi ;;
      options\ * | additional-options\ *)
        body=${body#* }
        body=${body%\}*}  # drop the directive's closing brace
        if [[ $body == *target* ]]; then
          sel=${body#*target}
          SelectorTrue "$sel" || continue
          body=${body%%\{ *target*}
        fi
        opts=${body//[\{\}\"]/ }
        # shellcheck disable=SC2206  # option words.
        flags+=($opts) ;;
      additional-sources\ *)
        opts=${body#additional-sources }
        opts=${opts%\}*}
        for x in ${opts//[\{\}\"]/ }; do srcs+=("$(dirname "$src")/$x"); done ;;
      require-effective-target\ *)
        x=$(echo "${body#require-effective-target }" | sed 's/[{}*/]//g')
        for x in $x; do
          # vect_*: whether GCC vectorizes (it does not for RV64GC); the programs
          # check their results either way.
          [[ $kTrueTargets == *" $x "* || $x == vect_* ]] ||
            { skip_reason="effective target $x"; return 1; }
        done ;;
      skip-if\ *)
        # dg-skip-if "why" { selector } { include-opts } { exclude-opts }
        x=$(echo "$body" | sed -E 's/^skip-if +"[^"]*" +//')
        sel=$(echo "$x" | sed -E 's/^(\{ *(! *)?(\{[^}]*\}|[^{}])*\}|"[^"]*").*/\1/')
        if SelectorTrue "$sel" one; then
          local rest=${x#"$sel"} inc exc
          inc=$(echo "$rest" | sed -E 's/^ *(\{[^}]*\}|"[^"]*")?.*/\1/' | tr -d '{}"')
          exc=$(echo "$rest" | sed -E 's/^ *(\{[^}]*\}|"[^"]*")? *(\{[^}]*\}|"[^"]*")?.*/\2/' | tr -d '{}"')
          local hit=0 o
          [[ -z ${inc// /} || $inc == *'*'* ]] && hit=1
          for o in $inc; do [[ " ${flags[*]} " == *" $o "* ]] && hit=1; done
          for o in $exc; do [[ " ${flags[*]} " == *" $o "* ]] && hit=0; done
          if ((hit)); then
            skip_reason="dg-skip-if \"$(echo "$body" | sed -E 's/^skip-if +"([^"]*)".*/\1/')\""
            return 1
          fi
        fi ;;
      # Not about this target or harmless here: dg-add-options (stack_size and
      # ieee add nothing on riscv64 Linux), dg-require-stack-size (8 MB stack),
      # dg-require-alias/weak (ELF has both), dg-prune-output, dg-xfail-* (no
      # riscv selector in the suite; a failure is reported, not hidden).
      *) ;;
    esac
  done < <(grep -o '{ *dg-[a-z-]* .*' "$src" | tr -d '\r')

  # .x files: a Tcl script; a top-level "lappend/set additional_flags" applies,
  # and "return 1" at top level (outside any if) means unsupported.
  x=${src%.c}.x
  if [[ -f $x ]]; then
    while IFS= read -r line; do
      case "$line" in
        lappend\ additional_flags\ *)
          line=${line#lappend additional_flags }
          # shellcheck disable=SC2206
          flags+=(${line//\"/}) ;;
        set\ additional_flags\ *)
          line=${line#set additional_flags }
          # shellcheck disable=SC2206
          flags=("${flags[@]:0:base_flag_count}" ${line//\"/}) ;;
      esac
    done < <(tr -d '\r' < "$x")
    # torture_eval_before_compile { if {[string match {GLOB} "$option"]} { continue } }
    # skips the option sets GLOB matches.
    local glob
    while IFS= read -r glob; do
      # shellcheck disable=SC2053  # a glob on purpose.
      if [[ " ${flags[*]} " == $glob ]]; then
        skip_reason="$(basename "$x"): not with $glob"
        return 1
      fi
    done < <(grep -o 'string match {[^}]*}' "$x" | sed 's/string match {\(.*\)}/\1/')
  fi
  return 0
}

# Name of a test in logs: foo, ieee.foo, builtins.foo.
TestName() {
  local rel=${1#"$SUITE"/}
  rel=${rel%.c}
  echo "${rel//\//.}"
}

# RunUnder KIND BIN: runs BIN under qemu or dbt; writes $OUT/KIND/NAME.out, .err,
# .status and .ms (wall time).
RunUnder() {
  local kind=$1 bin=$2 dir status start
  dir=$(mktemp -d "$OUT/tmp/$kind.XXXXXX")
  local -a cmd
  if [[ $kind == qemu* ]]; then
    cmd=("$QEMU")
  else
    # shellcheck disable=SC2206  # DBT_FLAGS is a word list.
    cmd=("$DBT" run $DBT_FLAGS)
  fi
  # New files, never rewritten in place: DIR may be a hard-linked copy.
  rm -f "$OUT/$kind/$NAME".{out,err,status,ms}
  start=$(date +%s%N)
  # The program runs as ./prog from a fresh directory: argv[0] and the stack
  # layout do not depend on DIR (programs that print addresses stay comparable
  # across --out directories).
  ln -s "$bin" "$dir/prog"
  # (The braces keep bash's "Aborted" job notices out of the terminal.)
  { (cd "$dir" && ulimit -c 0 &&
    exec env -i PATH=/usr/bin:/bin HOME=/ LANG=C \
      timeout -k 2 "$TIMEOUT" "${cmd[@]}" ./prog \
      < /dev/null > "$OUT/$kind/$NAME.out" 2> "$OUT/$kind/$NAME.err"); } 2> /dev/null
  status=$?
  echo $((($(date +%s%N) - start) / 1000000)) > "$OUT/$kind/$NAME.ms"
  echo "$status" > "$OUT/$kind/$NAME.status"
  rm -rf "$dir"
}

# SameRun A B: did runs A and B (qemu, qemu2, dbt) end with the same status,
# stdout, and stderr apart from the runners' own lines?
SameRun() {
  [[ $(< "$OUT/$1/$NAME.status") == "$(< "$OUT/$2/$NAME.status")" ]] &&
    cmp -s "$OUT/$1/$NAME.out" "$OUT/$2/$NAME.out" &&
    cmp -s <(grep -v -E '^(qemu|dbt):' "$OUT/$1/$NAME.err") \
      <(grep -v -E '^(qemu|dbt):' "$OUT/$2/$NAME.err")
}

Worker() {
  local src=$1 bin qs ds same
  NAME=$(TestName "$src")
  bin=$OUT/bin/$NAME
  local log=$OUT/compile/$NAME.log
  local -a flags srcs
  srcs=("$src")
  # shellcheck disable=SC2206  # OPT_FLAGS is a word list.
  flags=($OPT_FLAGS -w)
  case "$src" in
    "$SUITE"/ieee/*) flags+=(-fno-inline) ;;
    "$SUITE"/builtins/*)
      flags+=(-fno-tree-dse -fno-tree-loop-distribute-patterns -fno-tracer
        -fno-ipa-ra -fno-inline-functions)
      srcs+=("${src%.c}-lib.c" "$SUITE/builtins/lib/main.c") ;;
  esac
  local base_flag_count=${#flags[@]} skip_reason=
  if ! ReadDirectives "$src"; then
    echo "skipped: $skip_reason" > "$log"
    echo "$NAME compile=skip" > "$OUT/results/$NAME"
    return 0
  fi
  local reused=0
  if [[ $REUSE == 1 && -x $bin && $bin -nt $src ]]; then
    reused=1
  else
    rm -f "$bin"
    {
      echo "riscv64-linux-gnu-gcc -static ${flags[*]} ${srcs[*]} -lm -latomic -o $bin"
      timeout 300 riscv64-linux-gnu-gcc -static "${flags[@]}" -I"$(dirname "$src")" \
        "${srcs[@]}" -lm -latomic -o "$bin" 2>&1
    } > "$log"
    if [[ ! -x $bin ]]; then
      echo "$NAME compile=fail" > "$OUT/results/$NAME"
      return 0
    fi
  fi
  # The same binary under the same qemu gives the same result: keep it.
  if ((!reused)) || [[ ! -f $OUT/qemu/$NAME.status || ! $OUT/qemu/$NAME.status -nt $bin ]]; then
    RunUnder qemu "$bin"
  fi
  RunUnder dbt "$bin"
  qs=$(< "$OUT/qemu/$NAME.status")
  ds=$(< "$OUT/dbt/$NAME.status")
  same=yes
  SameRun qemu dbt || same=no
  # A program whose output differs between two qemu runs (threads, timing)
  # cannot be compared: "qemu-nondeterministic", not a difference.
  if [[ $same == no ]]; then
    RunUnder qemu2 "$bin"
    SameRun qemu qemu2 || same=qemu-nondeterministic
  fi
  echo "$NAME compile=ok qemu=$qs dbt=$ds same=$same" \
    "qemu_ms=$(< "$OUT/qemu/$NAME.ms") dbt_ms=$(< "$OUT/dbt/$NAME.ms")" \
    "$(grep -q '{ *dg-shouldfail' "$src" && echo shouldfail)" > "$OUT/results/$NAME"
}

# Debugging aid: [OPT_FLAGS=-O2] run_torture.sh --print-flags SRC... prints the
# options each test gets, or why it is skipped.
if [[ ${1:-} == --print-flags ]]; then
  shift
  for src in "$@"; do
    # shellcheck disable=SC2206
    flags=(${OPT_FLAGS:-}) srcs=("$src") base_flag_count=0 skip_reason=
    if ReadDirectives "$src"; then echo "$src: ${flags[*]}${srcs[1]:+ ${srcs[*]:1}}"; else echo "$src: SKIP $skip_reason"; fi
  done
  exit 0
fi
if [[ ${1:-} == --worker ]]; then
  shift
  for src in "$@"; do Worker "$src"; done
  exit 0
fi

# ---- driver -------------------------------------------------------------------

repo=$(cd "$(dirname "$0")/../.." && pwd)
level=-O2
cflags=
jobs=2
out=
timeout_secs=10
dbt=$repo/bazel-bin/clients/dbt
dbt_flags=
qemu=/usr/bin/qemu-riscv64
only=
reuse=0
default_run=0
suite=/tmp/torture/execute
while [[ $# -gt 0 ]]; do
  case "$1" in
    -O0 | -O1 | -O2 | -O3 | -Os | -Og) level=$1; shift ;;
    --cflags) cflags=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --timeout) timeout_secs=$2; shift 2 ;;
    --dbt) dbt=$2; shift 2 ;;
    --dbt-flags) dbt_flags=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --default-run) default_run=1; shift ;;
    -h | --help) usage ;;
    -*) echo "run_torture.sh: unknown option $1" >&2; usage ;;
    *) suite=$1; shift ;;
  esac
done
case "$level" in
  -O3) opt_flags="-O3 -funroll-loops" ;;
  *) opt_flags=$level ;;
esac
opt_flags+=${cflags:+ $cflags}
[[ -n $out ]] || out=/tmp/torture-results/${level#-}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || usage

for tool in riscv64-linux-gnu-gcc "$qemu" "$dbt" timeout xargs; do
  command -v "$tool" > /dev/null || {
    echo "run_torture.sh: $tool not found" >&2
    exit 2
  }
done

# Fetch the suite when it is not there yet.
if [[ ! -d $suite ]]; then
  tarball=$(ls /usr/src/gcc-12/gcc-12*.tar.xz 2> /dev/null | head -1)
  if [[ -z $tarball ]]; then
    echo "run_torture.sh: installing gcc-12-source (~15 s)" >&2
    apt-get install -y gcc-12-source > /dev/null || exit 2
    tarball=$(ls /usr/src/gcc-12/gcc-12*.tar.xz | head -1)
  fi
  echo "run_torture.sh: extracting gcc.c-torture/execute into $suite (~10 s)" >&2
  top=$(tar -tJf "$tarball" | head -1)
  top=${top%%/*}
  mkdir -p "$suite" &&
    tar -xJf "$tarball" -C "$suite" --strip-components=5 \
      "$top/gcc/testsuite/gcc.c-torture/execute/" || exit 2
fi
suite=$(cd "$suite" && pwd)

mkdir -p "$out" && out=$(cd "$out" && pwd)
rm -rf "$out"/{results,dbt,qemu2,tmp}
((reuse)) || rm -rf "$out"/{bin,compile,qemu}
mkdir -p "$out"/{bin,results,compile,qemu,qemu2,dbt,tmp}
cp "$dbt" "$out/dbt-client" || exit 2
{
  echo "suite: $suite"
  echo "level: $opt_flags"
  echo "dbt: $dbt (copied to $out/dbt-client), flags: ${dbt_flags:-none}"
  echo "dbt binary: sha256 $(sha256sum < "$dbt" | cut -c1-16)," \
    "built $(date -u -r "$dbt" +%FT%TZ), tree at $(git -C "$repo" rev-parse --short HEAD 2> /dev/null)"
  echo "qemu: $qemu ($("$qemu" --version | head -1))"
  echo "gcc: $(riscv64-linux-gnu-gcc --version | head -1)"
  echo "date: $(date -u +%FT%TZ)"
} > "$out/setup.txt.new" && mv "$out/setup.txt.new" "$out/setup.txt"

list=$out/tests.txt
if [[ -f $suite/execute.exp ]]; then
  {
    ls "$suite"/*.c
    ls "$suite"/ieee/*.c 2> /dev/null
    ls "$suite"/builtins/*.c 2> /dev/null | grep -v -- '-lib\.c$'
  } > "$list.all"
else
  # Elsewhere in GCC's testsuite the default is to compile only.
  {
    grep -l '{ *dg-do run' "$suite"/*.c
    if ((default_run)); then
      grep -L '{ *dg-do' "$suite"/*.c | xargs grep -l -E '^(int )?main *\('
    fi
  } | sort > "$list.all"
fi
if [[ -n $only ]]; then
  while read -r src; do
    name=${src#"$suite"/}
    name=${name%.c}
    [[ $name =~ $only ]] && echo "$src"
  done < "$list.all" > "$list"
else
  cp "$list.all" "$list"
fi
rm -f "$list.all"

export SUITE=$suite OUT=$out OPT_FLAGS=$opt_flags TIMEOUT=$timeout_secs \
  DBT=$out/dbt-client DBT_FLAGS=$dbt_flags QEMU=$qemu REUSE=$reuse
start=$SECONDS
echo "run_torture.sh: $(wc -l < "$list") tests at $opt_flags, $jobs jobs, logs in $out" >&2
# The workers run a copy: editing this script mid-run changes nothing.
cp "$0" "$out/run_torture.sh"
xargs -P "$jobs" -n 4 "$out/run_torture.sh" --worker < "$list"
rmdir "$out/tmp" 2> /dev/null

# ---- summary ------------------------------------------------------------------

summary=$out/summary.txt
results=$(cat "$out"/results/* 2> /dev/null)
count() { grep -c -- "$1" <<< "$results"; }
total=$(wc -l < "$list")
compiled=$(count 'compile=ok')
skipped=$((total - compiled))
qemu_pass=$(count 'qemu=0 ')
dbt_pass=$(count 'dbt=0 ')
identical=$(count 'same=yes')
{
  cat "$out/setup.txt"
  echo "elapsed: $((SECONDS - start)) s"
  echo
  echo "tests:            $total"
  echo "skipped: compile: $skipped ($(count 'compile=skip') by directives, $(count 'compile=fail') failed to compile)"
  echo "compiled:         $compiled"
  echo "qemu-pass:        $qemu_pass"
  echo "dbt-pass:         $dbt_pass"
  echo "identical:        $identical"
  echo "(qemu-nondeterministic: $(count 'same=qemu-nondeterministic'), output differs between two qemu runs)"
  echo
  echo "== dbt differs from qemu ($(count 'same=no'))"
  grep 'same=no' <<< "$results" | sort | while read -r name _ qs ds _; do
    echo "-- $name: $qs $ds"
    {
      diff <(cat "$out/qemu/$name.out") <(cat "$out/dbt/$name.out") |
        sed 's/^/   stdout /'
      diff <(grep -v '^qemu:' "$out/qemu/$name.err") \
        <(grep -v '^dbt:' "$out/dbt/$name.err") | sed 's/^/   stderr /'
    } | head -8
  done
  echo
  echo "== qemu-nondeterministic (not compared)"
  grep 'same=qemu-nondeterministic' <<< "$results" | sort | awk '{print "   " $1 " " $3 " " $4}'
  echo
  echo "== slowest under dbt relative to qemu (ms, dbt/qemu)"
  grep 'compile=ok' <<< "$results" | awk '{
      q = substr($6, 9); d = substr($7, 8)
      printf "%.1f   %-28s qemu %6d dbt %6d  x%.1f\n", d / (q < 1 ? 1 : q), $1, q, d, d / (q < 1 ? 1 : q)
    }' | sort -rn | head -10 | cut -d' ' -f2-
  echo
  echo "== fail under qemu too (same status under dbt: a test or oracle matter)"
  grep 'compile=ok' <<< "$results" | grep -v 'qemu=0 ' | grep 'same=yes' |
    sort | awk '{print "   " $1 " " $3 ($8 == "shouldfail" ? " (dg-shouldfail: expected)" : "")}'
  echo
  echo "== skipped by directives"
  for f in $(grep 'compile=skip' <<< "$results" | awk '{print $1}' | sort); do
    echo "   $f: $(head -1 "$out/compile/$f.log")"
  done
  echo
  echo "== failed to compile"
  for f in $(grep 'compile=fail' <<< "$results" | awk '{print $1}' | sort); do
    echo "   $f: $(grep -m1 -E 'error|undefined' "$out/compile/$f.log" | cut -c1-150)"
  done
} > "$summary.new" && mv "$summary.new" "$summary"
sed -n '/^tests:/,/^== fail under qemu/p' "$summary" | sed '$d'
echo "full summary: $summary"
[[ $compiled -eq $identical ]]
