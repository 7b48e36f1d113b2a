// `-d in_asm`: the guest instructions of a TB, as QEMU prints them.
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_IN_ASM_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_IN_ASM_H_

#include <string>

#include "services/translator/frontend/riscv/translate.h"

namespace dbt::frontend::riscv {

// "IN: \n" then one line per instruction:
//   0x0000000000010078:  00a50533  add     a0,a0,a0
//   0x000000000001007c:  8082      c.jr    ra
// (raw bits as the instruction's width, then the disassembly), ending with
// a blank line.
std::string FormatInAsm(const TranslatedBlock& tb);

}  // namespace dbt::frontend::riscv

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_IN_ASM_H_
