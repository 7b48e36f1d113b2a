// Removal of unreachable code: ops after an op that does not fall through
// (br, exit_tb, lookup_and_goto_ptr) up to the next label that is branched
// to; labels nothing branches to; a br or brcond to the label right after
// it. Repeated until nothing changes (each removal can expose more).
#ifndef DBT_SERVICES_TRANSLATOR_OPT_UNREACHABLE_H_
#define DBT_SERVICES_TRANSLATOR_OPT_UNREACHABLE_H_

#include "services/translator/ir/block.h"

namespace dbt::opt {

void RemoveUnreachableCode(ir::Block& block);

}  // namespace dbt::opt

#endif  // DBT_SERVICES_TRANSLATOR_OPT_UNREACHABLE_H_
