// RV64GC disassembler in the syntax of `objdump -d -M no-aliases` (ABI
// register names, canonical mnemonics, compressed instructions under their
// c.* names), with branch and jump targets as absolute addresses. Used by
// `dbt run -d in_asm`; decoder_objdump_test holds it to objdump's output.
#ifndef DBT_COMMON_RISCV_DISASM_H_
#define DBT_COMMON_RISCV_DISASM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/riscv/decoder.h"

namespace dbt::riscv {

// e.g. "addi    a0,a0,1", "c.beqz  s0,0x10a4", "fadd.s  fa0,fa1,fa2,rtz".
// An illegal instruction prints as ".4byte 0x..." or ".2byte 0x...".
std::string Disassemble(const DecodedInsn& insn, uint64_t pc);

std::string_view XRegName(int reg);  // "zero", "ra", ... "t6"
std::string_view FRegName(int reg);  // "ft0", ... "ft11"
// The name objdump gives a user-level CSR ("fcsr", "cycle"...), or "".
std::string_view CsrName(uint16_t csr);

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_DISASM_H_
