// A reference evaluator of IR blocks, for tests: runs a TB's IR directly on
// a GuestEnv with the value semantics of ir/semantics.h, so the frontend can
// be checked against the interpreter without the backend. Globals live in
// env memory (read and written there at every use), guest memory is at
// env.guest_base, helpers are called through env.helpers as generated code
// calls them. An unlinked goto_tb falls through to its exit path.
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_IR_EVAL_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_IR_EVAL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/jit_abi.h"
#include "services/translator/ir/block.h"

namespace dbt::frontend::riscv::testing {

struct EvalExit {
  // The TbExitKind the block left with; lookup_and_goto_ptr counts as a
  // jump-cache miss (kTbExitNoChain).
  TbExitKind kind = kTbExitNoChain;
  bool lookup = false;  // left through lookup_and_goto_ptr
  int ops_executed = 0;
};

absl::StatusOr<EvalExit> EvaluateBlock(const ir::Block& block, GuestEnv& env);

}  // namespace dbt::frontend::riscv::testing

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_IR_EVAL_H_
