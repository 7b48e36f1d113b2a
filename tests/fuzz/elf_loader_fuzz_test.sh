#!/bin/bash
# Fuzz smoke of the ELF loader: built with clang's libFuzzer and
# AddressSanitizer (Debian's clang) from its sources, run for FUZZ_SECONDS
# (default 30) from real riscv64 ELF files as seeds (a static program's
# first 16 KiB, a static-pie, a dynamically linked one). Any crash fails.
# Usage: elf_loader_fuzz_test.sh SEED...
set -u
root=$(pwd)
secs=${FUZZ_SECONDS:-30}
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-elf-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v clang++ > /dev/null || { echo "FAIL: clang++ is not installed (tools/packages.txt: clang)"; exit 1; }
rt=services/executor/runtime
srcs=("$root/$rt/elf_loader.cc" "$root/$rt/guest_memory.cc" "$root/$rt/vma_map.cc")
libs=(-labsl_status -labsl_statusor -labsl_strings -labsl_strings_internal -labsl_str_format_internal
      -labsl_cord -labsl_cord_internal -labsl_cordz_info -labsl_cordz_handle -labsl_cordz_functions
      -labsl_synchronization -labsl_graphcycles_internal -labsl_time -labsl_time_zone -labsl_civil_time
      -labsl_stacktrace -labsl_symbolize -labsl_debugging_internal -labsl_demangle_internal
      -labsl_malloc_internal -labsl_base -labsl_spinlock_wait -labsl_raw_logging_internal
      -labsl_int128 -labsl_throw_delegate -labsl_exponential_biased -labsl_bad_optional_access
      -labsl_strerror)
clang++ -std=c++20 -O1 -g -I"$root" -fsanitize=fuzzer,address "$root/tests/fuzz/elf_loader_fuzz.cc" \
  "${srcs[@]}" "${libs[@]}" -o "$work/fuzz" 2> "$work/build.txt" ||
  { cat "$work/build.txt"; echo "FAIL: cannot build the fuzzer"; exit 1; }
mkdir -p "$work/corpus"
n=0
for seed in "$@"; do
  head -c 16384 "$seed" > "$work/corpus/seed$n"
  n=$((n + 1))
done
# The guest space is a 256 GiB reservation: ASan must not cap mappings.
ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=0 \
  "$work/fuzz" -max_total_time="$secs" -max_len=16384 -rss_limit_mb=4096 -print_final_stats=1 \
  "$work/corpus" > "$work/run.txt" 2>&1
rc=$?
tail -n 12 "$work/run.txt"
[ $rc -eq 0 ] || { echo "FAIL: the fuzzer found a crash (exit $rc)"; exit 1; }
echo "PASS: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/run.txt") in ${secs}s, no crash"
