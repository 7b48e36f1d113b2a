// Counters of one guest run under the JIT: what `dbt run --stats-json`
// writes and what the executor's SessionStats will report
// (proto/common.proto GuestStats). Process-wide: the JitEngine updates them
// under its TB lock for all threads; read them once the guest has ended.
#ifndef DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_
#define DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_

#include <cstdint>
#include <string>

namespace dbt::executor {

struct JitStats {
  uint64_t tbs_translated = 0;
  uint64_t guest_insns_translated = 0;
  uint64_t host_bytes_emitted = 0;
  uint64_t chain_links = 0;
  uint64_t tb_lookups = 0;        // dispatcher lookups (jump cache misses in code)
  uint64_t tb_flushes = 0;        // code buffer flushes
  uint64_t tb_invalidations = 0;  // TBs dropped because their code changed
  uint64_t translate_ns = 0;
  uint64_t wall_ns = 0;
};

// One JSON object, keys as the field names.
std::string StatsToJson(const JitStats& stats, const std::string& engine);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_
