// Constant folding and copy propagation (QEMU's tcg/optimize.c in our
// words), forward over each basic block:
// - inputs are replaced by the oldest temp known to hold the same value,
//   or by a const temp when the value is known;
// - ops whose inputs are all constant become movi (values from
//   semantics.h); algebraic identities (x+0, x&-1, x^x, ...) become mov or
//   movi; brcond with a known outcome becomes br or disappears;
// - a constant in the first input of a commutative op or a comparison
//   moves to the second (conditions swapped), where x86 takes immediates.
// Knowledge is dropped at labels (paths join) and after br/exit; at a
// conditional branch or goto_tb the fall-through keeps it, except what
// involves temps whose scope ends there; after a helper that may write
// globals, what involves globals is dropped.
#ifndef DBT_SERVICES_TRANSLATOR_OPT_FOLD_H_
#define DBT_SERVICES_TRANSLATOR_OPT_FOLD_H_

#include "services/translator/ir/block.h"

namespace dbt::opt {

void FoldConstants(ir::Block& block);

}  // namespace dbt::opt

#endif  // DBT_SERVICES_TRANSLATOR_OPT_FOLD_H_
