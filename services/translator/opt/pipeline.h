// The optimization pipeline, written out in one place (pipeline.cc).
#ifndef DBT_SERVICES_TRANSLATOR_OPT_PIPELINE_H_
#define DBT_SERVICES_TRANSLATOR_OPT_PIPELINE_H_

#include "absl/status/status.h"
#include "services/translator/ir/block.h"

namespace dbt::opt {

#ifdef NDEBUG
inline constexpr bool kVerifyByDefault = false;
#else
inline constexpr bool kVerifyByDefault = true;
#endif

struct PipelineOptions {
  bool optimize = true;            // false: only what code generation needs (liveness)
  bool verify = kVerifyByDefault;  // run the IR verifier before and after each pass
};

// Leaves the block ready for the backend. Fails only when verification
// finds a malformed block (naming the pass after which it broke).
absl::Status RunPipeline(ir::Block& block, const PipelineOptions& options = {});

}  // namespace dbt::opt

#endif  // DBT_SERVICES_TRANSLATOR_OPT_PIPELINE_H_
