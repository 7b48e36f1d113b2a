// Counters of one guest run under the JIT: what `dbt run --stats-json`
// writes and what the executor's SessionStats will report
// (proto/common.proto GuestStats). Process-wide: the JitEngine updates them
// under its TB lock for all threads; read them once the guest has ended.
#ifndef DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_
#define DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_

#include <cstdint>
#include <string>

namespace dbt::executor {

// Every counter, once: the struct, the JSON, the stats page snapshot and
// the GuestStats proto (same field names) all come from this list.
#define DBT_JIT_STATS_FIELDS(X)                                                        \
  X(tbs_translated)                                                                    \
  X(guest_insns_translated)                                                            \
  X(host_bytes_emitted)                                                                \
  X(chain_links)                                                                       \
  X(tb_lookups)       /* dispatcher lookups (jump cache misses in code) */             \
  X(tb_flushes)       /* code buffer flushes */                                        \
  X(tb_invalidations) /* TBs dropped because their code changed */                     \
  X(translate_ns)                                                                      \
  X(wall_ns)                                                                           \
  X(tbs_loaded_from_cache) /* preloaded from the cache and checked before the start */ \
  X(cache_hits)            /* misses answered with an entry of the cache */            \
  X(cache_misses)          /* translated while the cache was on */                     \
  X(cache_rejected)        /* entries refused: guest bytes differ, not executable */   \
  X(cache_stored)          /* translations handed to the cache service */              \
  X(translator_connects)   /* attached to a translator (0: all from a preload image) */

struct JitStats {
#define DBT_JIT_STATS_MEMBER(name) uint64_t name = 0;
  DBT_JIT_STATS_FIELDS(DBT_JIT_STATS_MEMBER)
#undef DBT_JIT_STATS_MEMBER
};

// One JSON object, keys as the field names.
std::string StatsToJson(const JitStats& stats, const std::string& engine);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_JIT_STATS_H_
