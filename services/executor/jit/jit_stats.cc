#include "services/executor/jit/jit_stats.h"

#include "absl/strings/str_format.h"

namespace dbt::executor {

std::string StatsToJson(const JitStats& s, const std::string& engine) {
  return absl::StrFormat(
      "{\n"
      "  \"engine\": \"%s\",\n"
      "  \"tbs_translated\": %u,\n"
      "  \"guest_insns_translated\": %u,\n"
      "  \"host_bytes_emitted\": %u,\n"
      "  \"chain_links\": %u,\n"
      "  \"tb_lookups\": %u,\n"
      "  \"tb_flushes\": %u,\n"
      "  \"tb_invalidations\": %u,\n"
      "  \"translate_ns\": %u,\n"
      "  \"wall_ns\": %u\n"
      "}\n",
      engine, s.tbs_translated, s.guest_insns_translated, s.host_bytes_emitted, s.chain_links,
      s.tb_lookups, s.tb_flushes, s.tb_invalidations, s.translate_ns, s.wall_ns);
}

}  // namespace dbt::executor
