#!/bin/bash
# Fuzz smoke: builds the cache entry and preload image parsers with clang's libFuzzer and
# AddressSanitizer (Debian's clang and libclang-rt-14-dev) and runs it for
# FUZZ_SECONDS (default 30) from well-formed seeds. Any crash fails.
# Usage: tb_entry_fuzz_test.sh  (sources from the runfiles tree)
set -u
root=$(pwd)
secs=${FUZZ_SECONDS:-30}
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dbt-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v clang++ > /dev/null || { echo "FAIL: clang++ is not installed (tools/packages.txt: clang)"; exit 1; }
srcs=("$root/common/cache/tb_entry.cc" "$root/common/cache/preload_image.cc"
      "$root/common/hash/content_hash.cc")
flags=(-std=c++20 -O1 -g -I"$root" -fsanitize=fuzzer-no-link,address)
libs=(-labsl_status -labsl_statusor -labsl_strings -labsl_strings_internal -labsl_str_format_internal
      -labsl_cord -labsl_cord_internal -labsl_cordz_info -labsl_cordz_handle -labsl_cordz_functions
      -labsl_synchronization -labsl_graphcycles_internal -labsl_time -labsl_time_zone -labsl_civil_time
      -labsl_stacktrace -labsl_symbolize -labsl_debugging_internal -labsl_demangle_internal
      -labsl_malloc_internal -labsl_base -labsl_spinlock_wait -labsl_raw_logging_internal
      -labsl_int128 -labsl_throw_delegate -labsl_exponential_biased -labsl_bad_optional_access
      -labsl_strerror -lxxhash)
clang++ "${flags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/tb_entry_fuzz.cc" "${srcs[@]}" "${libs[@]}" \
  -o "$work/fuzz" 2> "$work/build.txt" || { cat "$work/build.txt"; echo "FAIL: cannot build the fuzzer"; exit 1; }
clang++ -std=c++20 -I"$root" "$root/tests/fuzz/make_seeds.cc" "${srcs[@]}" "${libs[@]}" -o "$work/seeds" \
  2> "$work/build.txt" || { cat "$work/build.txt"; echo "FAIL: cannot build the seed writer"; exit 1; }
mkdir -p "$work/corpus"
"$work/seeds" "$work/corpus" || { echo "FAIL: seeds"; exit 1; }
"$work/fuzz" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 "$work/corpus" > "$work/run.txt" 2>&1
rc=$?
tail -n 12 "$work/run.txt"
[ $rc -eq 0 ] || { echo "FAIL: the fuzzer found a crash (exit $rc)"; exit 1; }
echo "PASS: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/run.txt") in ${secs}s, no crash"
