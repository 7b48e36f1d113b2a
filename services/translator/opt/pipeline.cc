#include "services/translator/opt/pipeline.h"

#include <cstdlib>

#include <string_view>

#include "absl/strings/str_cat.h"
#include "services/translator/ir/verifier.h"
#include "services/translator/opt/fold.h"
#include "services/translator/opt/liveness.h"
#include "services/translator/opt/unreachable.h"

namespace dbt::opt {

bool VerifyByDefault() {
  static const bool verify = [] {
    const char* v = getenv("DBT_VERIFY_IR");
    return v != nullptr && v[0] == '1';
  }();
  return verify;
}
namespace {

absl::Status Check(const ir::Block& block, bool verify, std::string_view after) {
  if (!verify) return absl::OkStatus();
  absl::Status s = ir::Verify(block);
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat("after ", std::string(after), ": ", s.message()));
}

}  // namespace

absl::Status RunPipeline(ir::Block& block, const PipelineOptions& options) {
  const bool v = options.verify;
  if (absl::Status s = Check(block, v, "frontend"); !s.ok()) return s;
  if (options.optimize) {
    FoldConstants(block);
    if (absl::Status s = Check(block, v, "FoldConstants"); !s.ok()) return s;
    RemoveUnreachableCode(block);
    if (absl::Status s = Check(block, v, "RemoveUnreachableCode"); !s.ok()) return s;
  }
  // ORDER: liveness runs last; the register allocator trusts its marks.
  ComputeLiveness(block);
  return Check(block, v, "ComputeLiveness");
}

}  // namespace dbt::opt
