#!/bin/bash
# Builds real programs from Debian sources for the benchmarks and tests:
#  - the Lua 5.4 interpreter (Debian source package lua5.4, Debian's patches
#    applied), statically linked, for riscv64 (riscv64-linux-gnu-gcc -O2
#    -static) and natively for x86-64 (gcc -O2 -static, so the comparison is
#    fair): DIR/riscv64/lua  DIR/x86_64/lua
#  - BusyBox (Debian source package busybox, Debian's patches applied) for
#    riscv64 only, dynamically linked against Debian's cross glibc (PIE, loader
#    /lib/ld-linux-riscv64-lp64d.so.1, libraries in /usr/riscv64-linux-gnu):
#    DIR/riscv64/busybox. Its configuration is busybox's defconfig with, as in
#    Debian's busybox-static: the shell runs applets of itself rather than
#    programs of $PATH (FEATURE_PREFER_APPLETS, FEATURE_SH_STANDALONE: it
#    re-executes /proc/self/exe) and NOFORK applets in-process
#    (FEATURE_SH_NOFORK); tc left out (it does not build with Linux >= 6.8
#    headers). tests/programs/busybox_test.sh tests dbt with it.
#  DIR/versions.txt: the source package versions.
# Each program is checked to run (the riscv64 ones under qemu-riscv64). The
# Lua scripts to run with them are in bench/programs/lua/ (startup.lua: a short,
# translation-heavy run; work.lua: a few seconds of work).
#
# Usage: bench/programs/build.sh [--out DIR] [--force] [--check]
#   --out DIR  where the binaries go (default
#              ${XDG_CACHE_HOME:-$HOME/.cache}/dbt-bench/programs)
#   --force    rebuild even if the binaries are up to date (newer than this
#              script; otherwise the script only prints DIR)
#   --check    then run every bench/programs/lua/*.lua natively, under
#              qemu-riscv64 and, if it is built, under dbt (run --no-cache;
#              $DBT, default bazel-bin/clients/dbt): print the wall times and
#              fail unless all print the same; and, with dbt,
#              tests/programs/busybox_test.sh
#
# The last line of stdout is DIR; everything else goes to stderr. Needs root
# (or sudo) for apt-get when something is missing: the cross compiler
# (gcc-riscv64-linux-gnu libc6-dev-riscv64-cross), qemu-user, dpkg-dev, make, or a
# deb-src entry for `apt-get source` (then it writes
# /etc/apt/sources.list.d/dbt-deb-src.sources, or .list, mirroring the deb
# entries of the running release, and runs apt-get update).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
self=$root/bench/programs/build.sh
out=${XDG_CACHE_HOME:-$HOME/.cache}/dbt-bench/programs
force=0
check=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --force) force=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/programs/build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
exec 3>&1 1>&2 # stdout is for the result directory only

die() { echo "bench/programs/build.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo > /dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}
apt_updated=0
apt_update() { [[ $apt_updated -eq 1 ]] || { log "apt-get update"; as_root apt-get update -q; apt_updated=1; }; }
# apt_install PKG...: installs, after an apt-get update if the first try fails.
apt_install() {
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" && return
  apt_update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" ||
    die "cannot install $* with apt-get"
}
# shellcheck source=/dev/null
[[ -r /etc/os-release ]] && . /etc/os-release
codename=${VERSION_CODENAME:-bookworm}

# The targets: name, C compiler, how to run a binary of that target.
arches=(x86_64 riscv64)
declare -A cc=([riscv64]=riscv64-linux-gnu-gcc [x86_64]=gcc)
declare -A runner=([riscv64]=qemu-riscv64 [x86_64]="")
lua_scripts=("$root"/bench/programs/lua/*.lua)
# The riscv64 sysroot of Debian's cross toolchain: the dynamic loader and the
# shared libraries, for qemu-riscv64 -L (and dbt run's default -L).
rv_sysroot=/usr/riscv64-linux-gnu

# built FILE...: each FILE is an executable newer than this script.
built() {
  local f
  for f in "$@"; do [[ -x $f && $f -nt $self ]] || return 1; done
}
lua_up_to_date() {
  local a files=()
  for a in "${arches[@]}"; do files+=("$out/$a/lua"); done
  built "${files[@]}"
}
busybox_up_to_date() { built "$out/riscv64/busybox"; }
up_to_date() { lua_up_to_date && busybox_up_to_date; }

# run ARCH PROGRAM ARGS...: runs a binary of target ARCH on this machine.
run() {
  local a=$1; shift
  if [[ -n ${runner[$a]} ]]; then "${runner[$a]}" "$@"; else "$@"; fi
}

# ensure_tools: the compilers, their static C libraries, qemu-riscv64 and
# dpkg-source, installed if absent.
ensure_tools() {
  local pkgs=()
  command -v gcc > /dev/null || pkgs+=(gcc libc6-dev)
  command -v riscv64-linux-gnu-gcc > /dev/null || pkgs+=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
  command -v qemu-riscv64 > /dev/null || pkgs+=(qemu-user)
  command -v dpkg-source > /dev/null || pkgs+=(dpkg-dev)
  command -v make > /dev/null || pkgs+=(make)
  command -v bzip2 > /dev/null || pkgs+=(bzip2) # busybox's .orig.tar.bz2
  [[ ${#pkgs[@]} -eq 0 ]] || apt_install "${pkgs[@]}"
  pkgs=()
  [[ -f $(gcc -print-file-name=libc.a) ]] || pkgs+=(libc6-dev)
  [[ -f $(riscv64-linux-gnu-gcc -print-file-name=libc.a) ]] || pkgs+=(libc6-dev-riscv64-cross)
  [[ ${#pkgs[@]} -eq 0 ]] || apt_install "${pkgs[@]}"
  local t
  for t in gcc riscv64-linux-gnu-gcc qemu-riscv64 dpkg-source make; do
    command -v "$t" > /dev/null || die "$t is missing and could not be installed"
  done
}

have_deb_src() {
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
    grep -qsiE '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

# add_deb_src: a deb-src twin of every enabled deb entry of this release
# ($codename, e.g. bookworm, bookworm-updates, bookworm-security), in
# /etc/apt/sources.list.d/dbt-deb-src.{sources,list}.
add_deb_src() {
  local d=/etc/apt/sources.list.d f stanzas="" lines=""
  for f in "$d"/*.sources; do
    [[ -f $f && $f != "$d/dbt-deb-src.sources" ]] || continue
    stanzas+=$(awk -v cn="$codename" '
      BEGIN { RS = "" }
      { types = ""; suites = ""; enabled = 1; s = ""; n = split($0, L, "\n")
        for (i = 1; i <= n; i++) {
          l = L[i]
          if (l ~ /^[ \t]*#/) continue
          if (tolower(l) ~ /^types:/) { types = l; l = "Types: deb-src" }
          else if (tolower(l) ~ /^suites:/) suites = l
          else if (tolower(l) ~ /^enabled:[ \t]*no/) enabled = 0
          s = s l "\n"
        }
        if (enabled && types ~ /[ \t]deb([ \t]|$)/ && suites ~ cn) printf "%s\n", s
      }' "$f")$'\n'
  done
  for f in /etc/apt/sources.list "$d"/*.list; do
    [[ -f $f && $f != "$d/dbt-deb-src.list" ]] || continue
    lines+=$(awk -v cn="$codename" '$1 == "deb" && $0 ~ cn { $1 = "deb-src"; print }' "$f")$'\n'
  done
  [[ -n ${stanzas//[[:space:]]/} || -n ${lines//[[:space:]]/} ]] ||
    die "no deb entry for $codename in /etc/apt/sources.list{,.d/} to mirror as deb-src; add one"
  if [[ -n ${stanzas//[[:space:]]/} ]]; then
    log "adding $d/dbt-deb-src.sources"
    printf '# Added by bench/programs/build.sh (dbt) for apt-get source.\n\n%s' "$stanzas" |
      as_root tee "$d/dbt-deb-src.sources" > /dev/null
  fi
  if [[ -n ${lines//[[:space:]]/} ]]; then
    log "adding $d/dbt-deb-src.list"
    printf '# Added by bench/programs/build.sh (dbt) for apt-get source.\n%s' "$lines" |
      as_root tee "$d/dbt-deb-src.list" > /dev/null
  fi
}

# get_source PKG DIR: the unpacked, patched Debian source of PKG in DIR.
get_source() {
  local pkg=$1 dir=$2
  # (As root, apt-get downloads as user _apt, who cannot write to $dir: say
  # so rather than have it warn.)
  local get=(apt-get source -q -o APT::Sandbox::User=root)
  (cd "$dir" && as_root "${get[@]}" "$pkg") && return
  if ! have_deb_src; then add_deb_src; fi
  apt_updated=0
  apt_update
  (cd "$dir" && as_root "${get[@]}" "$pkg") && return
  # The security archive may list a version the mirror no longer has.
  (cd "$dir" && as_root "${get[@]}" "$pkg/$codename") && return
  die "apt-get source $pkg failed (see above); is there a deb-src entry for $codename?"
}

# build_lua SRC: DIR/ARCH/lua for every target, from the Lua source tree SRC.
build_lua() {
  local src=$1 a files=() f
  for f in "$src"/src/*.c; do
    case ${f##*/} in lua.c|luac.c) ;; *) files+=("$f") ;; esac
  done
  for a in "${arches[@]}"; do
    log "building $a/lua with ${cc[$a]}"
    mkdir -p "$out/$a" "$tmp/inc-$a"
    # Debian's luaconf.h includes this header, which debian/rules generates,
    # for the paths of C modules (unused here: no dlopen).
    printf '#define DEB_HOST_MULTIARCH "%s"\n' "$("${cc[$a]}" -print-multiarch)" \
      > "$tmp/inc-$a/lua5.4-deb-multiarch.h"
    # As Debian's build (-std=gnu99, LUA_COMPAT_5_3) but with LUA_USE_POSIX, not
    # LUA_USE_LINUX: no dlopen (C modules) nor readline, a clean static link.
    "${cc[$a]}" -O2 -std=gnu99 -Wall -DLUA_COMPAT_5_3 -DLUA_USE_POSIX -I"$tmp/inc-$a" -static \
      -o "$out/$a/lua.tmp" "$src/src/lua.c" "${files[@]}" -lm || die "${cc[$a]} failed to build lua"
    mv "$out/$a/lua.tmp" "$out/$a/lua"
  done
}

verify_lua() {
  local a r
  for a in "${arches[@]}"; do
    r=$(run "$a" "$out/$a/lua" -e 'print(1+1)' 2>&1) || true
    [[ $r == 2 ]] || die "$out/$a/lua -e 'print(1+1)' printed '$r', not 2"
    log "$a/lua runs: $(run "$a" "$out/$a/lua" -v 2>&1)"
  done
}

# set_config FILE NAME VALUE: CONFIG_NAME in the kconfig file FILE becomes
# VALUE (y, n: "# CONFIG_NAME is not set", or a quoted string).
set_config() {
  local f=$1 name=CONFIG_$2 value=$3
  sed -i -e "/^$name=/d" -e "/^# $name is not set\$/d" "$f"
  if [[ $value == n ]]; then echo "# $name is not set" >> "$f"
  else echo "$name=$value" >> "$f"; fi
}

# build_busybox SRC: DIR/riscv64/busybox from the BusyBox source tree SRC,
# built out of the tree in $tmp/busybox-build.
build_busybox() {
  local src=$1 obj=$tmp/busybox-build cfg name want have
  local -a make_bb=(make -C "$src" O="$obj" -s)
  mkdir -p "$obj" "$out/riscv64"
  log "configuring busybox (defconfig, then adjusted) in $obj"
  "${make_bb[@]}" defconfig > "$tmp/busybox-config.log" 2>&1 ||
    { cat "$tmp/busybox-config.log"; die "busybox: make defconfig failed"; }
  cfg=$obj/.config
  local -A settings=(
    [CROSS_COMPILER_PREFIX]='"riscv64-linux-gnu-"'
    [STATIC]=n                       # dynamically linked against glibc
    [PIE]=n                          # (the cross gcc makes PIEs by default anyway)
    [FEATURE_PREFER_APPLETS]=y       # applets of itself before $PATH's programs
    [FEATURE_SH_STANDALONE]=y        # the shell execs /proc/self/exe for applets
    [FEATURE_SH_NOFORK]=y            # and runs NOFORK applets in-process
    [TC]=n                           # needs TCA_CBQ_*, gone from Linux 6.8 headers
    [FEATURE_INETD_RPC]=n            # needs Sun RPC, which glibc no longer has
    [SELINUX]=n
    [PAM]=n
  )
  for name in "${!settings[@]}"; do set_config "$cfg" "$name" "${settings[$name]}"; done
  # Settles the options the changes above enable or disable (it asks about
  # any new one: the default answer).
  { yes '' || true; } | "${make_bb[@]}" oldconfig > "$tmp/busybox-config.log" 2>&1 ||
    { cat "$tmp/busybox-config.log"; die "busybox: make oldconfig failed"; }
  for name in "${!settings[@]}"; do
    want=${settings[$name]}
    if [[ $want == n ]]; then
      ! grep -q "^CONFIG_$name=" "$cfg" || die "busybox: CONFIG_$name is still set in $cfg"
    else
      have=$(sed -n "s/^CONFIG_$name=//p" "$cfg")
      [[ $have == "$want" ]] || die "busybox: CONFIG_$name is '$have' in $cfg, not $want"
    fi
  done
  log "building riscv64/busybox with riscv64-linux-gnu-gcc (dynamically linked)"
  "${make_bb[@]}" -j"$(nproc)" > "$tmp/busybox-build.log" 2>&1 ||
    { tail -n 40 "$tmp/busybox-build.log"; die "busybox: make failed (the end of its log is above)"; }
  [[ -x $obj/busybox ]] || die "busybox: make left no $obj/busybox"
  cp "$obj/busybox" "$out/riscv64/busybox.tmp"
  mv "$out/riscv64/busybox.tmp" "$out/riscv64/busybox"
}

verify_busybox() {
  local r bb=$out/riscv64/busybox
  riscv64-linux-gnu-readelf -l "$bb" | grep -q 'Requesting program interpreter' ||
    die "$bb is not dynamically linked"
  # shellcheck disable=SC2016 # (the guest's shell expands it)
  r=$(qemu-riscv64 -L "$rv_sysroot" "$bb" sh -c 'echo $((6 * 7))' 2>&1) || true
  [[ $r == 42 ]] || die "qemu-riscv64 -L $rv_sysroot $bb sh -c 'echo \$((6 * 7))' printed '$r', not 42"
  log "riscv64/busybox runs: $(qemu-riscv64 -L "$rv_sysroot" "$bb" 2>&1 | head -n 1)"
}

# set_version PKG VERSION: the line of PKG in DIR/versions.txt.
set_version() {
  local f=$out/versions.txt
  { [[ ! -f $f ]] || grep -v "^$1 " "$f" || true; echo "$1 $2"; } > "$f.tmp"
  mv "$f.tmp" "$f"
}

# check: every bench/programs/lua/*.lua natively, under qemu-riscv64 and, if
# it is built, under dbt run --no-cache: timed, the same stdout everywhere.
check() {
  local dbt=${DBT:-$root/bazel-bin/clients/dbt} hows=(native qemu-riscv64) how cmd s t0 t1 o ref bad=0
  [[ -x $dbt ]] && hows+=(dbt)
  for s in "${lua_scripts[@]}"; do
    ref=""
    for how in "${hows[@]}"; do
      case $how in
        native) cmd=("$out/x86_64/lua") ;;
        qemu-riscv64) cmd=(qemu-riscv64 "$out/riscv64/lua") ;;
        dbt) cmd=("$dbt" run --no-cache "$out/riscv64/lua") ;;
      esac
      t0=$(date +%s%N)
      o=$(cd "$(dirname "$s")" && "${cmd[@]}" "$s") ||
        { printf '%-12s %-13s FAILED (exit %d)\n' "${s##*/}" "$how" $?; bad=1; continue; }
      t1=$(date +%s%N)
      printf '%-12s %-13s %8.3f s  %s\n' "${s##*/}" "$how" "$(( t1 - t0 ))e-9" \
        "$(printf '%s' "$o" | md5sum | cut -c1-12)"
      if [[ -z $ref ]]; then ref=$o
      elif [[ $o != "$ref" ]]; then
        diff <(printf '%s\n' "$ref") <(printf '%s\n' "$o") || true
        echo "${s##*/}: the output under $how differs from native's (diff above)"
        bad=1
      fi
    done
  done
  if [[ -x $dbt ]]; then
    log "tests/programs/busybox_test.sh $dbt $out/riscv64/busybox"
    "$root/tests/programs/busybox_test.sh" "$dbt" "$out/riscv64/busybox" || bad=1
  fi
  [[ $bad -eq 0 ]] || die "--check: some runs failed or printed something else (above)"
}

if [[ $force -eq 0 ]] && up_to_date; then
  [[ $check -eq 0 ]] || check
  echo "$out" >&3
  exit 0
fi

ensure_tools
tmp=$(mktemp -d /tmp/dbt-bench-programs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# fetch PKG: the unpacked source tree of PKG (Debian's patches applied) in
# $tmp/src-PKG: its path in $fetched, its version in $version.
fetch() {
  local pkg=$1 dir=$tmp/src-$1 src
  mkdir -p "$dir"
  log "apt-get source $pkg"
  get_source "$pkg" "$dir"
  src=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1)
  [[ -n $src ]] || die "apt-get source $pkg left no $pkg-*/ in $dir"
  version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version 2> /dev/null || echo "${src##*/"$pkg"-}")
  log "$pkg $version in $src"
  fetched=$src
}

if [[ $force -eq 1 ]] || ! lua_up_to_date; then
  fetch lua5.4
  [[ -f $fetched/src/lua.c ]] || die "apt-get source lua5.4 left no lua5.4-*/src/lua.c in $tmp"
  build_lua "$fetched"
  verify_lua
  set_version lua5.4 "$version"
fi
if [[ $force -eq 1 ]] || ! busybox_up_to_date; then
  fetch busybox
  [[ -f $fetched/Makefile && -d $fetched/shell ]] || die "apt-get source busybox left no busybox-*/shell/ in $tmp"
  build_busybox "$fetched"
  verify_busybox
  set_version busybox "$version"
fi
[[ $check -eq 0 ]] || check
echo "$out" >&3
