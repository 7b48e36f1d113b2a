// The RV64C table (insn_table_rvc.inc) as data: which 16-bit form a parcel
// is and how it expands. Internal to the decoder, disassembler and tests.
#ifndef DBT_COMMON_RISCV_INSN_RVC_H_
#define DBT_COMMON_RISCV_INSN_RVC_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "common/riscv/decoder.h"

namespace dbt::riscv::internal {

// Where a register of the expansion comes from.
enum class CReg : uint8_t { Zero, Ra, Sp, R7, R2, P7, P2 };

// How a compressed immediate is scattered over the parcel.
enum class CImm : uint8_t {
  None,
  Ci,
  Shamt,
  Lui,
  Addi16sp,
  Addi4spn,
  Lw,
  Ld,
  Lwsp,
  Ldsp,
  Swsp,
  Sdsp,
  B,
  J,
};

struct CompressedForm {
  std::string_view mnemonic;
  uint16_t mask;
  uint16_t match;
  Opcode target;  // kIllegal: a reserved encoding.
  CReg rd, rs1, rs2;
  CImm imm;
  std::string_view syntax;
};

// The table's rows, in order.
std::span<const CompressedForm> CompressedForms();

// The first row of the table matching the parcel, or nullptr when none does.
// A row with target kIllegal is returned too (a reserved encoding).
const CompressedForm* FindCompressedForm(uint16_t parcel);

// The 32-bit meaning of a 16-bit instruction (length 2, raw = parcel).
DecodedInsn DecodeCompressed(uint16_t parcel);

}  // namespace dbt::riscv::internal

#endif  // DBT_COMMON_RISCV_INSN_RVC_H_
