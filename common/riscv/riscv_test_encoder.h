// Test-only RV64GC encoder, written from the ISA manual's encoding figures
// and opcode map independently of the decoder's tables, so interpreter tests
// do not trust the code under test to build their instructions.
#ifndef DBT_COMMON_RISCV_RISCV_TEST_ENCODER_H_
#define DBT_COMMON_RISCV_RISCV_TEST_ENCODER_H_

#include <cstdint>

namespace dbt::riscv::test {

// ---- Formats (the base ISA's "Base instruction formats" figure) ------------
constexpr uint32_t EncR(uint32_t opcode, uint32_t funct3, uint32_t funct7, int rd, int rs1,
                        int rs2) {
  return funct7 << 25 | uint32_t(rs2) << 20 | uint32_t(rs1) << 15 | funct3 << 12 |
         uint32_t(rd) << 7 | opcode;
}
constexpr uint32_t EncI(uint32_t opcode, uint32_t funct3, int rd, int rs1, int32_t imm) {
  return (uint32_t(imm) & 0xfff) << 20 | uint32_t(rs1) << 15 | funct3 << 12 | uint32_t(rd) << 7 |
         opcode;
}
constexpr uint32_t EncS(uint32_t opcode, uint32_t funct3, int rs1, int rs2, int32_t imm) {
  const uint32_t i = uint32_t(imm);
  return ((i >> 5) & 0x7f) << 25 | uint32_t(rs2) << 20 | uint32_t(rs1) << 15 | funct3 << 12 |
         (i & 0x1f) << 7 | opcode;
}
constexpr uint32_t EncB(uint32_t funct3, int rs1, int rs2, int32_t offset) {
  const uint32_t i = uint32_t(offset);
  return ((i >> 12) & 1) << 31 | ((i >> 5) & 0x3f) << 25 | uint32_t(rs2) << 20 |
         uint32_t(rs1) << 15 | funct3 << 12 | ((i >> 1) & 0xf) << 8 | ((i >> 11) & 1) << 7 | 0x63;
}
constexpr uint32_t EncU(uint32_t opcode, int rd, uint32_t imm20) {
  return (imm20 & 0xfffff) << 12 | uint32_t(rd) << 7 | opcode;
}
constexpr uint32_t EncJ(int rd, int32_t offset) {
  const uint32_t i = uint32_t(offset);
  return ((i >> 20) & 1) << 31 | ((i >> 1) & 0x3ff) << 21 | ((i >> 11) & 1) << 20 |
         ((i >> 12) & 0xff) << 12 | uint32_t(rd) << 7 | 0x6f;
}

// ---- RV64I ------------------------------------------------------------------
constexpr uint32_t LUI(int rd, uint32_t imm20) { return EncU(0x37, rd, imm20); }
constexpr uint32_t AUIPC(int rd, uint32_t imm20) { return EncU(0x17, rd, imm20); }
constexpr uint32_t JAL(int rd, int32_t off) { return EncJ(rd, off); }
constexpr uint32_t JALR(int rd, int rs1, int32_t imm) { return EncI(0x67, 0, rd, rs1, imm); }
constexpr uint32_t BEQ(int a, int b, int32_t off) { return EncB(0, a, b, off); }
constexpr uint32_t BNE(int a, int b, int32_t off) { return EncB(1, a, b, off); }
constexpr uint32_t BLT(int a, int b, int32_t off) { return EncB(4, a, b, off); }
constexpr uint32_t BGE(int a, int b, int32_t off) { return EncB(5, a, b, off); }
constexpr uint32_t BLTU(int a, int b, int32_t off) { return EncB(6, a, b, off); }
constexpr uint32_t BGEU(int a, int b, int32_t off) { return EncB(7, a, b, off); }
constexpr uint32_t LB(int rd, int rs1, int32_t imm) { return EncI(0x03, 0, rd, rs1, imm); }
constexpr uint32_t LH(int rd, int rs1, int32_t imm) { return EncI(0x03, 1, rd, rs1, imm); }
constexpr uint32_t LW(int rd, int rs1, int32_t imm) { return EncI(0x03, 2, rd, rs1, imm); }
constexpr uint32_t LD(int rd, int rs1, int32_t imm) { return EncI(0x03, 3, rd, rs1, imm); }
constexpr uint32_t LBU(int rd, int rs1, int32_t imm) { return EncI(0x03, 4, rd, rs1, imm); }
constexpr uint32_t LHU(int rd, int rs1, int32_t imm) { return EncI(0x03, 5, rd, rs1, imm); }
constexpr uint32_t LWU(int rd, int rs1, int32_t imm) { return EncI(0x03, 6, rd, rs1, imm); }
constexpr uint32_t SB(int rs2, int rs1, int32_t imm) { return EncS(0x23, 0, rs1, rs2, imm); }
constexpr uint32_t SH(int rs2, int rs1, int32_t imm) { return EncS(0x23, 1, rs1, rs2, imm); }
constexpr uint32_t SW(int rs2, int rs1, int32_t imm) { return EncS(0x23, 2, rs1, rs2, imm); }
constexpr uint32_t SD(int rs2, int rs1, int32_t imm) { return EncS(0x23, 3, rs1, rs2, imm); }
constexpr uint32_t ADDI(int rd, int rs1, int32_t imm) { return EncI(0x13, 0, rd, rs1, imm); }
constexpr uint32_t SLTI(int rd, int rs1, int32_t imm) { return EncI(0x13, 2, rd, rs1, imm); }
constexpr uint32_t SLTIU(int rd, int rs1, int32_t imm) { return EncI(0x13, 3, rd, rs1, imm); }
constexpr uint32_t XORI(int rd, int rs1, int32_t imm) { return EncI(0x13, 4, rd, rs1, imm); }
constexpr uint32_t ORI(int rd, int rs1, int32_t imm) { return EncI(0x13, 6, rd, rs1, imm); }
constexpr uint32_t ANDI(int rd, int rs1, int32_t imm) { return EncI(0x13, 7, rd, rs1, imm); }
constexpr uint32_t SLLI(int rd, int rs1, int sh) { return EncI(0x13, 1, rd, rs1, sh); }
constexpr uint32_t SRLI(int rd, int rs1, int sh) { return EncI(0x13, 5, rd, rs1, sh); }
constexpr uint32_t SRAI(int rd, int rs1, int sh) { return EncI(0x13, 5, rd, rs1, 0x400 | sh); }
constexpr uint32_t ADD(int rd, int a, int b) { return EncR(0x33, 0, 0x00, rd, a, b); }
constexpr uint32_t SUB(int rd, int a, int b) { return EncR(0x33, 0, 0x20, rd, a, b); }
constexpr uint32_t SLL(int rd, int a, int b) { return EncR(0x33, 1, 0x00, rd, a, b); }
constexpr uint32_t SLT(int rd, int a, int b) { return EncR(0x33, 2, 0x00, rd, a, b); }
constexpr uint32_t SLTU(int rd, int a, int b) { return EncR(0x33, 3, 0x00, rd, a, b); }
constexpr uint32_t XOR(int rd, int a, int b) { return EncR(0x33, 4, 0x00, rd, a, b); }
constexpr uint32_t SRL(int rd, int a, int b) { return EncR(0x33, 5, 0x00, rd, a, b); }
constexpr uint32_t SRA(int rd, int a, int b) { return EncR(0x33, 5, 0x20, rd, a, b); }
constexpr uint32_t OR(int rd, int a, int b) { return EncR(0x33, 6, 0x00, rd, a, b); }
constexpr uint32_t AND(int rd, int a, int b) { return EncR(0x33, 7, 0x00, rd, a, b); }
constexpr uint32_t ADDIW(int rd, int rs1, int32_t imm) { return EncI(0x1b, 0, rd, rs1, imm); }
constexpr uint32_t SLLIW(int rd, int rs1, int sh) { return EncI(0x1b, 1, rd, rs1, sh); }
constexpr uint32_t SRLIW(int rd, int rs1, int sh) { return EncI(0x1b, 5, rd, rs1, sh); }
constexpr uint32_t SRAIW(int rd, int rs1, int sh) { return EncI(0x1b, 5, rd, rs1, 0x400 | sh); }
constexpr uint32_t ADDW(int rd, int a, int b) { return EncR(0x3b, 0, 0x00, rd, a, b); }
constexpr uint32_t SUBW(int rd, int a, int b) { return EncR(0x3b, 0, 0x20, rd, a, b); }
constexpr uint32_t SLLW(int rd, int a, int b) { return EncR(0x3b, 1, 0x00, rd, a, b); }
constexpr uint32_t SRLW(int rd, int a, int b) { return EncR(0x3b, 5, 0x00, rd, a, b); }
constexpr uint32_t SRAW(int rd, int a, int b) { return EncR(0x3b, 5, 0x20, rd, a, b); }
// fence pred,succ: fm = 0; pred and succ are IORW bit sets.
constexpr uint32_t FENCE(uint32_t pred, uint32_t succ) {
  return EncI(0x0f, 0, 0, 0, int32_t(pred << 4 | succ));
}
constexpr uint32_t FENCE_TSO() { return 0x8330000f; }
constexpr uint32_t FENCE_I() { return EncI(0x0f, 1, 0, 0, 0); }
constexpr uint32_t ECALL() { return 0x00000073; }
constexpr uint32_t EBREAK() { return 0x00100073; }

// ---- Zicsr --------------------------------------------------------------------
constexpr uint32_t CSRRW(int rd, uint32_t csr, int rs1) {
  return EncI(0x73, 1, rd, rs1, int32_t(csr));
}
constexpr uint32_t CSRRS(int rd, uint32_t csr, int rs1) {
  return EncI(0x73, 2, rd, rs1, int32_t(csr));
}
constexpr uint32_t CSRRC(int rd, uint32_t csr, int rs1) {
  return EncI(0x73, 3, rd, rs1, int32_t(csr));
}
constexpr uint32_t CSRRWI(int rd, uint32_t csr, int z) {
  return EncI(0x73, 5, rd, z, int32_t(csr));
}
constexpr uint32_t CSRRSI(int rd, uint32_t csr, int z) {
  return EncI(0x73, 6, rd, z, int32_t(csr));
}
constexpr uint32_t CSRRCI(int rd, uint32_t csr, int z) {
  return EncI(0x73, 7, rd, z, int32_t(csr));
}

// ---- M --------------------------------------------------------------------------
constexpr uint32_t MUL(int rd, int a, int b) { return EncR(0x33, 0, 1, rd, a, b); }
constexpr uint32_t MULH(int rd, int a, int b) { return EncR(0x33, 1, 1, rd, a, b); }
constexpr uint32_t MULHSU(int rd, int a, int b) { return EncR(0x33, 2, 1, rd, a, b); }
constexpr uint32_t MULHU(int rd, int a, int b) { return EncR(0x33, 3, 1, rd, a, b); }
constexpr uint32_t DIV(int rd, int a, int b) { return EncR(0x33, 4, 1, rd, a, b); }
constexpr uint32_t DIVU(int rd, int a, int b) { return EncR(0x33, 5, 1, rd, a, b); }
constexpr uint32_t REM(int rd, int a, int b) { return EncR(0x33, 6, 1, rd, a, b); }
constexpr uint32_t REMU(int rd, int a, int b) { return EncR(0x33, 7, 1, rd, a, b); }
constexpr uint32_t MULW(int rd, int a, int b) { return EncR(0x3b, 0, 1, rd, a, b); }
constexpr uint32_t DIVW(int rd, int a, int b) { return EncR(0x3b, 4, 1, rd, a, b); }
constexpr uint32_t DIVUW(int rd, int a, int b) { return EncR(0x3b, 5, 1, rd, a, b); }
constexpr uint32_t REMW(int rd, int a, int b) { return EncR(0x3b, 6, 1, rd, a, b); }
constexpr uint32_t REMUW(int rd, int a, int b) { return EncR(0x3b, 7, 1, rd, a, b); }

// ---- A: funct5 values of the A chapter; width 2 = .w, 3 = .d -------------------
enum AmoFunct5 : uint32_t {
  kAmoAdd = 0x00,
  kAmoSwap = 0x01,
  kLr = 0x02,
  kSc = 0x03,
  kAmoXor = 0x04,
  kAmoOr = 0x08,
  kAmoAnd = 0x0c,
  kAmoMin = 0x10,
  kAmoMax = 0x14,
  kAmoMinu = 0x18,
  kAmoMaxu = 0x1c,
};
constexpr uint32_t AMO(AmoFunct5 f5, int width, int rd, int rs1, int rs2, bool aq = false,
                       bool rl = false) {
  return EncR(0x2f, uint32_t(width), f5 << 2 | uint32_t(aq) << 1 | uint32_t(rl), rd, rs1, rs2);
}
constexpr int kW = 2;
constexpr int kD = 3;

// ---- F/D ---------------------------------------------------------------------------
constexpr uint32_t FLW(int rd, int rs1, int32_t imm) { return EncI(0x07, 2, rd, rs1, imm); }
constexpr uint32_t FLD(int rd, int rs1, int32_t imm) { return EncI(0x07, 3, rd, rs1, imm); }
constexpr uint32_t FSW(int rs2, int rs1, int32_t imm) { return EncS(0x27, 2, rs1, rs2, imm); }
constexpr uint32_t FSD(int rs2, int rs1, int32_t imm) { return EncS(0x27, 3, rs1, rs2, imm); }
// OP-FP: funct7 = funct5 << 2 | fmt (0 = S, 1 = D); funct3 is rm or a sub-op.
constexpr uint32_t OPFP(uint32_t funct5, int fmt, uint32_t funct3, int rd, int rs1, int rs2) {
  return EncR(0x53, funct3, funct5 << 2 | uint32_t(fmt), rd, rs1, rs2);
}
// R4: fmadd 0x43, fmsub 0x47, fnmsub 0x4b, fnmadd 0x4f.
constexpr uint32_t R4(uint32_t opcode, int fmt, int rd, int rs1, int rs2, int rs3, uint32_t rm) {
  return uint32_t(rs3) << 27 | uint32_t(fmt) << 25 | uint32_t(rs2) << 20 | uint32_t(rs1) << 15 |
         rm << 12 | uint32_t(rd) << 7 | opcode;
}
constexpr int kS = 0;
constexpr int kDbl = 1;
constexpr uint32_t kDyn = 7;

}  // namespace dbt::riscv::test

#endif  // DBT_COMMON_RISCV_RISCV_TEST_ENCODER_H_
