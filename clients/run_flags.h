// Command line of `dbt run`, qemu-user style: options come first and parsing
// stops at the program, so `dbt run prog -d x` passes `-d x` to the guest.
#ifndef DBT_CLIENTS_RUN_FLAGS_H_
#define DBT_CLIENTS_RUN_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dbt {

struct RunFlags {
  std::vector<std::string> debug_items;  // -d in_asm,op,op_opt,out_asm,exec,...
  std::string log_file;                  // -D FILE (default: stderr)
  bool strace = false;                   // -strace
  bool jitdump = false;                  // -jitdump: $TMPDIR/jit-PID.dump for perf
  uint64_t tb_size_mib = 0;              // --tb-size N (code buffer MiB; 0 = default)
  bool one_insn_per_tb = false;          // --one-insn-per-tb (also -singlestep)
  bool interpret = false;                // --interpret: reference interpreter only
  std::string stats_json;                // --stats-json PATH
  std::vector<std::string> set_env;      // -E VAR=VALUE
  std::vector<std::string> unset_env;    // -U VAR
  std::string argv0;                     // -0 ARGV0
  std::string sysroot;                   // -L DIR (else QEMU_LD_PREFIX, else the default)
  bool one_process = false;              // --one-process: no services
  std::string connect;                   // --connect ADDR: a running executor
  // The cache (on by default with private services).
  bool no_cache = false;               // --no-cache
  std::string cache_url;               // --cache URL | --cache-dir DIR (default: ~/.cache/dbt)
  std::string cache_max_size;          // --cache-max-size SIZE (e.g. 512M)
  std::string cache_key_file;          // --cache-key-file F (HMAC key for Redis)
  bool cache_unauthenticated = false;  // --cache-unauthenticated
  bool help = false;
  std::string program;
  std::vector<std::string> args;  // guest argv[1..]
};

// The -d items dbt knows; anything else is an error listing these.
inline constexpr const char* kDebugItems[] = {"in_asm", "op",  "op_opt", "out_asm",
                                              "exec",   "cpu", "page",   "nochain"};

absl::StatusOr<RunFlags> ParseRunFlags(const std::vector<std::string>& args);

const char* RunUsage();

}  // namespace dbt

#endif  // DBT_CLIENTS_RUN_FLAGS_H_
