// RV64GC instruction decoder, generated from the bit-pattern tables
// insn_table.inc (32-bit instructions) and insn_table_rvc.inc (16-bit ones,
// which decode to the 32-bit instruction they expand to, with length 2).
//
// Decode runs on every instruction the translator or the interpreter sees:
// the matcher is built at compile time from the table, bucketed by major
// opcode and funct7 (a handful of mask/match tests per word).
#ifndef DBT_COMMON_RISCV_DECODER_H_
#define DBT_COMMON_RISCV_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dbt::riscv {

// Flags of an opcode. The first group is stated by the table; the second is
// derived from the register fields of the instruction's bit pattern.
inline constexpr uint32_t kInsnEndsTb = 1u << 0;  // Branch, jal(r), ecall, ebreak, fence.i.
inline constexpr uint32_t kInsnBranch = 1u << 1;  // Conditional branch (target pc + imm).
inline constexpr uint32_t kInsnJump = 1u << 2;    // jal, jalr.
inline constexpr uint32_t kInsnLoad = 1u << 3;    // Plain load: rd <- [rs1 + imm].
inline constexpr uint32_t kInsnStore = 1u << 4;   // Plain store: [rs1 + imm] <- rs2.
inline constexpr uint32_t kInsnAmo = 1u << 5;     // lr, sc, amo*: atomic access at [rs1].
inline constexpr uint32_t kInsnFp = 1u << 6;      // F/D: uses f registers or fflags.
inline constexpr uint32_t kInsnCsr = 1u << 7;     // Zicsr.
inline constexpr uint32_t kInsnSystem = 1u << 8;  // ecall, ebreak.
inline constexpr uint32_t kInsnFence = 1u << 9;   // fence, fence.tso, fence.i.
inline constexpr uint32_t kInsnRdX = 1u << 16;    // rd is an x register.
inline constexpr uint32_t kInsnRdF = 1u << 17;    // rd is an f register.
inline constexpr uint32_t kInsnRs1X = 1u << 18;
inline constexpr uint32_t kInsnRs1F = 1u << 19;
inline constexpr uint32_t kInsnRs2X = 1u << 20;
inline constexpr uint32_t kInsnRs2F = 1u << 21;
inline constexpr uint32_t kInsnRs3F = 1u << 22;
inline constexpr uint32_t kInsnHasRm = 1u << 23;    // Has an rm field: rm 5, 6, or 7 with a
                                                    // reserved frm, is an illegal instruction.
inline constexpr uint32_t kInsnHasAqRl = 1u << 24;  // aq/rl bits (DecodedInsn::aqrl).

enum class Opcode : uint16_t {
  kIllegal,
#define DBT_RISCV_INSN(name, ...) k##name,
#include "common/riscv/insn_table.inc"
#undef DBT_RISCV_INSN
};

inline constexpr size_t kNumOpcodes = 1
#define DBT_RISCV_INSN(name, ...) +1
#include "common/riscv/insn_table.inc"
#undef DBT_RISCV_INSN
    ;

// aqrl bits.
inline constexpr uint8_t kAqRlRelease = 1;  // rl, instruction bit 25
inline constexpr uint8_t kAqRlAcquire = 2;  // aq, instruction bit 26

// One decoded instruction. Fields an instruction does not have are zero.
struct DecodedInsn {
  Opcode op;
  uint8_t rd, rs1, rs2, rs3;
  uint8_t rm;    // The rm field (bits 14:12) when the opcode has one (kInsnHasRm).
  uint8_t aqrl;  // kAqRlAcquire | kAqRlRelease, for lr/sc/amo.
  uint16_t csr;  // Zicsr: the CSR number.
  // Sign-extended and scaled: byte offsets for branches and jumps; lui/auipc
  // already shifted left by 12; the shift amount for shifts; zimm for
  // csrr*i; fm|pred|succ (bits 31:20) for fence.
  int64_t imm;
  uint8_t length;  // 2 (compressed) or 4.
  uint32_t raw;    // The instruction word (16-bit ones zero-extended).
};

// bits: the instruction word; if (bits & 3) != 3 only the low 16 bits are
// used. Returns op == Opcode::kIllegal (with length and raw set) when the
// word is not a valid RV64GC instruction, including reserved C encodings and
// the 48-bit-and-longer encodings (bits 4:2 == 111).
DecodedInsn Decode(uint32_t bits);

// The 32-bit instruction's mnemonic ("addi"; a c.addi decodes to kAddi).
std::string_view OpcodeName(Opcode op);
uint32_t OpcodeFlags(Opcode op);

// Length in bytes of the instruction whose first 16-bit parcel is given.
inline constexpr int InsnLength(uint16_t first_parcel) { return (first_parcel & 3) == 3 ? 4 : 2; }

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_DECODER_H_
