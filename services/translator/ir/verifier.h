// Structural checks of a Block, run after every pass in tests and debug
// builds (opt/pipeline.cc). An error names the op index and the rule.
//
// Rules: argument counts match the op table (call: <= 1 output, <= 6
// inputs); temp indices exist; outputs are never const or fixed temps;
// constant arguments are in range (conditions, MemOps, labels, goto_tb
// slots used at most once, exit kinds, helper ids); env ld/st stay inside
// GuestEnv and never overlap a global of the block; every label is set at
// most once and every label used is set; a normal temp is read only after
// being written in the same basic block, an ebb temp only after being
// written since the last label or unconditional exit; tb_start is first;
// the last op does not fall through.
#ifndef DBT_SERVICES_TRANSLATOR_IR_VERIFIER_H_
#define DBT_SERVICES_TRANSLATOR_IR_VERIFIER_H_

#include "absl/status/status.h"
#include "services/translator/ir/block.h"

namespace dbt::ir {

absl::Status Verify(const Block& block);

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_VERIFIER_H_
