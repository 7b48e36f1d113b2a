// Text form of the IR, as `-d op` / `-d op_opt` print it and as the golden
// pass tests compare it. One op per line:
//   add x5, x6, $0x10
//   brcond tmp3, $0x0, ne, $L0  dead: 0
// Temps print as their global name (x5, pc), env, $const, tmpN (normal),
// ebbN, locN (N is the temp index). After the arguments, liveness results:
// "dead:" lists argument positions (outputs first, then inputs) that die,
// "sync:" lists outputs written back to memory.
#ifndef DBT_SERVICES_TRANSLATOR_IR_PRINTER_H_
#define DBT_SERVICES_TRANSLATOR_IR_PRINTER_H_

#include <string>

#include "services/translator/ir/block.h"

namespace dbt::ir {

std::string TempName(const Block& block, Temp t);
std::string PrintOp(const Block& block, const Op& op);
// Every op of the block, one per line, each ending in '\n'.
std::string PrintBlock(const Block& block);

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_PRINTER_H_
