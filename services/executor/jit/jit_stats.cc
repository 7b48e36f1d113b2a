#include "services/executor/jit/jit_stats.h"

#include "absl/strings/str_cat.h"

namespace dbt::executor {

std::string StatsToJson(const JitStats& s, const std::string& engine) {
  std::string out = absl::StrCat("{\n  \"engine\": \"", engine, "\"");
#define DBT_JIT_STATS_JSON(name) absl::StrAppend(&out, ",\n  \"" #name "\": ", s.name);
  DBT_JIT_STATS_FIELDS(DBT_JIT_STATS_JSON)
#undef DBT_JIT_STATS_JSON
  absl::StrAppend(&out, "\n}\n");
  return out;
}

}  // namespace dbt::executor
