// Liveness (backward pass, QEMU's liveness_pass_1 in our words).
//
// For each op: which arguments die there (OpLife::dead) and which outputs
// must also be written to memory (OpLife::sync). Ops with no live output
// and no side effect are deleted; two-output ops with one dead output are
// narrowed (add2/sub2 -> add/sub, mulu2/muls2 -> mul or muluh/mulsh).
//
// What must be in memory where:
// - at a TB exit (exit_tb, goto_tb, lookup_and_goto_ptr): globals (then
//   dead); everything else is dead;
// - at a label or br: globals and locals (then dead in registers);
//   normal and ebb temps die;
// - at a conditional branch: globals and locals (they stay live); normal
//   temps die, ebb temps live on;
// - before a guest memory access (can fault): globals;
// - before a helper call: globals if it may read them; if it may write
//   them, globals are also dead in registers after it.
// The register allocator relies on these marks; this pass must run last.
#ifndef DBT_SERVICES_TRANSLATOR_OPT_LIVENESS_H_
#define DBT_SERVICES_TRANSLATOR_OPT_LIVENESS_H_

#include "services/translator/ir/block.h"

namespace dbt::opt {

void ComputeLiveness(ir::Block& block);

}  // namespace dbt::opt

#endif  // DBT_SERVICES_TRANSLATOR_OPT_LIVENESS_H_
