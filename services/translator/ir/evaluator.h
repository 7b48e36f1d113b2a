// A tiny reference interpreter of the IR, for tests only: runs a block on
// a GuestEnv (globals and ld/st in env memory, qemu_ld/st at
// env->guest_base + address, helpers through env->helpers) with the
// semantics of semantics.h. The JIT is checked against it.
//
// goto_tb is taken as unlinked (it falls through to the exit path), and
// lookup_and_goto_ptr as a jump-cache miss, which is what freshly
// translated code does.
#ifndef DBT_SERVICES_TRANSLATOR_IR_EVALUATOR_H_
#define DBT_SERVICES_TRANSLATOR_IR_EVALUATOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/jit_abi.h"
#include "services/translator/ir/block.h"

namespace dbt::ir {

// How the block left: the TbExitKind it returns to the dispatcher.
struct EvalExit {
  TbExitKind kind;
};

absl::StatusOr<EvalExit> Evaluate(const Block& block, GuestEnv& env,
                                  uint64_t max_steps = 1'000'000);

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_EVALUATOR_H_
