// RV64I and M arithmetic in the interpreter. Expected values are worked out
// by hand from the ISA manual's definitions (comments give the reasoning
// where it is not plain arithmetic).
#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using AluTest = InterpTest;

constexpr uint64_t kMinus1 = ~uint64_t{0};
constexpr uint64_t kInt64Min = uint64_t{1} << 63;

// insn_fn(a0, a1, a2) with a1 = a, a2 = b; a0 must become want.
#define EXPECT_RR(insn_fn, a, b, want)                                \
  do {                                                                \
    X(kA1) = (a);                                                     \
    X(kA2) = (b);                                                     \
    Exec(insn_fn(kA0, kA1, kA2));                                     \
    EXPECT_EQ(X(kA0), uint64_t(want)) << #insn_fn "(" #a ", " #b ")"; \
    EXPECT_EQ(cpu_.pc, kCode + 4);                                    \
  } while (0)

// insn_fn(a0, a1, imm) with a1 = a.
#define EXPECT_RI(insn_fn, a, imm, want)                                \
  do {                                                                  \
    X(kA1) = (a);                                                       \
    Exec(insn_fn(kA0, kA1, imm));                                       \
    EXPECT_EQ(X(kA0), uint64_t(want)) << #insn_fn "(" #a ", " #imm ")"; \
  } while (0)

TEST_F(AluTest, LuiAuipc) {
  Exec(LUI(kA0, 0x12345));
  EXPECT_EQ(X(kA0), 0x12345000u);
  Exec(LUI(kA0, 0x80000));  // The 32-bit result is sign-extended.
  EXPECT_EQ(X(kA0), 0xffffffff80000000u);
  Exec(AUIPC(kA0, 1));  // pc = kCode = 0x1000
  EXPECT_EQ(X(kA0), 0x2000u);
  Exec(AUIPC(kA0, 0xfffff));  // 0x1000 - 0x1000
  EXPECT_EQ(X(kA0), 0u);
}

TEST_F(AluTest, RegisterImmediate) {
  EXPECT_RI(ADDI, 5, -6, kMinus1);
  EXPECT_RI(ADDI, 1, 2047, 2048);
  EXPECT_RI(ADDI, kMinus1, 1, 0);  // wraps
  EXPECT_RI(SLTI, uint64_t(-5), -4, 1);
  EXPECT_RI(SLTI, 5, -4, 0);
  EXPECT_RI(SLTIU, 5, -1, 1);  // the immediate is sign-extended, then compared unsigned
  EXPECT_RI(SLTIU, 0, 1, 1);   // seqz
  EXPECT_RI(SLTIU, 1, 1, 0);
  EXPECT_RI(XORI, 0x1234, -1, ~uint64_t{0x1234});
  EXPECT_RI(ORI, 0x100, -2048, 0xfffffffffffff900u);
  EXPECT_RI(ANDI, 0x12345678, 0xff, 0x78);
  EXPECT_RI(ANDI, 0x12345678, -16, 0x12345670);
  EXPECT_RI(SLLI, 1, 63, kInt64Min);
  EXPECT_RI(SLLI, 0x3, 0, 0x3);
  EXPECT_RI(SRLI, kInt64Min, 63, 1);
  EXPECT_RI(SRAI, kInt64Min, 63, kMinus1);
  EXPECT_RI(SRAI, 0x4000000000000000u, 1, 0x2000000000000000u);
}

TEST_F(AluTest, RegisterRegister) {
  EXPECT_RR(ADD, 1, 2, 3);
  EXPECT_RR(ADD, kMinus1, 1, 0);
  EXPECT_RR(SUB, 1, 2, kMinus1);
  EXPECT_RR(SUB, 0, kInt64Min, kInt64Min);
  EXPECT_RR(SLL, 1, 63, kInt64Min);
  EXPECT_RR(SLL, 1, 65, 2);  // shift amount is rs2[5:0]
  EXPECT_RR(SLT, kMinus1, 1, 1);
  EXPECT_RR(SLT, 1, kMinus1, 0);
  EXPECT_RR(SLTU, kMinus1, 1, 0);
  EXPECT_RR(SLTU, 1, kMinus1, 1);
  EXPECT_RR(XOR, 0xf0f0, 0xff00, 0x0ff0);
  EXPECT_RR(SRL, kInt64Min, 63, 1);
  EXPECT_RR(SRL, kInt64Min, 64, kInt64Min);  // 64 & 63 = 0
  EXPECT_RR(SRA, kInt64Min, 63, kMinus1);
  EXPECT_RR(SRA, kInt64Min, 4, 0xf800000000000000u);
  EXPECT_RR(OR, 0xf0, 0x0f, 0xff);
  EXPECT_RR(AND, 0xf0, 0x3c, 0x30);
}

// W instructions compute on the low 32 bits and sign-extend bit 31 of the
// result, ignoring the upper halves of the sources.
TEST_F(AluTest, WordOperations) {
  EXPECT_RI(ADDIW, 0x7fffffff, 1, 0xffffffff80000000u);
  EXPECT_RI(ADDIW, 0xffffffff00000000u, -1, kMinus1);
  EXPECT_RI(ADDIW, 0x123456789u, 0, 0x23456789u);  // sext.w
  EXPECT_RI(SLLIW, 1, 31, 0xffffffff80000000u);
  EXPECT_RI(SLLIW, 0xffffffff00000003u, 1, 6);
  EXPECT_RI(SRLIW, 0xffffffff80000000u, 31, 1);
  EXPECT_RI(SRLIW, 0x80000000u, 0, 0xffffffff80000000u);  // shift by 0 still sign-extends
  EXPECT_RI(SRAIW, 0x80000000u, 31, kMinus1);
  EXPECT_RI(SRAIW, 0x7fffffffu, 30, 1);
  EXPECT_RR(ADDW, 0x7fffffff, 1, 0xffffffff80000000u);
  EXPECT_RR(ADDW, 0xffffffff, 1, 0);
  EXPECT_RR(ADDW, 0x100000001u, 0, 1);
  EXPECT_RR(SUBW, 0, 1, kMinus1);
  EXPECT_RR(SUBW, 0x80000000u, 1, 0x7fffffff);
  EXPECT_RR(SLLW, 1, 31, 0xffffffff80000000u);
  EXPECT_RR(SLLW, 1, 33, 2);  // shift amount is rs2[4:0]
  EXPECT_RR(SRLW, 0xffffffff80000000u, 31, 1);
  EXPECT_RR(SRLW, 0x80000000u, 32, 0xffffffff80000000u);
  EXPECT_RR(SRAW, 0x80000000u, 31, kMinus1);
  EXPECT_RR(SRAW, 0x80000000u, 4, 0xfffffffff8000000u);
}

TEST_F(AluTest, Multiply) {
  EXPECT_RR(MUL, 3, uint64_t(-2), uint64_t(-6));
  EXPECT_RR(MUL, 0x100000000u, 0x100000000u, 0);               // 2^64: low half 0
  EXPECT_RR(MULH, kMinus1, kMinus1, 0);                        // (-1)(-1) = 1
  EXPECT_RR(MULH, kInt64Min, kInt64Min, 0x4000000000000000u);  // 2^126
  EXPECT_RR(MULH, uint64_t(-2), 3, kMinus1);                   // -6: high half all ones
  EXPECT_RR(MULHU, kMinus1, kMinus1, 0xfffffffffffffffeu);     // (2^64-1)^2 = 2^128-2^65+1
  EXPECT_RR(MULHU, 0x100000000u, 0x100000000u, 1);
  // mulhsu: rs1 signed, rs2 unsigned.
  EXPECT_RR(MULHSU, kMinus1, kMinus1, kMinus1);  // -(2^64-1) = -2^64 + 1
  EXPECT_RR(MULHSU, 2, kMinus1, 1);              // 2^65 - 2
  EXPECT_RR(MULHSU, kInt64Min, 2, kMinus1);      // -2^64
  EXPECT_RR(MULW, 0x7fffffff, 2, 0xfffffffffffffffeu);
  EXPECT_RR(MULW, 0x100000003u, 2, 6);
}

TEST_F(AluTest, Divide) {
  EXPECT_RR(DIV, 7, uint64_t(-2), uint64_t(-3));  // rounds toward zero
  EXPECT_RR(DIV, uint64_t(-7), 2, uint64_t(-3));
  EXPECT_RR(DIV, 7, 0, kMinus1);                  // by zero: all ones
  EXPECT_RR(DIV, kInt64Min, kMinus1, kInt64Min);  // overflow: the dividend
  EXPECT_RR(DIVU, 7, 2, 3);
  EXPECT_RR(DIVU, 7, 0, kMinus1);
  EXPECT_RR(DIVU, kMinus1, 2, 0x7fffffffffffffffu);
  EXPECT_RR(REM, 7, uint64_t(-2), 1);  // sign of the dividend
  EXPECT_RR(REM, uint64_t(-7), 2, kMinus1);
  EXPECT_RR(REM, 7, 0, 7);  // by zero: the dividend
  EXPECT_RR(REM, kInt64Min, kMinus1, 0);
  EXPECT_RR(REMU, 7, 2, 1);
  EXPECT_RR(REMU, kMinus1, 0, kMinus1);

  EXPECT_RR(DIVW, 0xffffffff80000000u, kMinus1, 0xffffffff80000000u);  // INT32_MIN / -1
  EXPECT_RR(DIVW, 5, 0, kMinus1);
  EXPECT_RR(DIVW, uint64_t(-7), 2, uint64_t(-3));
  EXPECT_RR(DIVW, 0x1234567800000007u, 0xabcdef0000000002u, 3);  // upper halves ignored
  EXPECT_RR(DIVUW, 0xffffffffu, 2, 0x7fffffff);
  EXPECT_RR(DIVUW, 5, 0, kMinus1);  // 0xffffffff, sign-extended
  EXPECT_RR(DIVUW, 0x80000000u, 1, 0xffffffff80000000u);
  EXPECT_RR(REMW, 0x80000000u, kMinus1, 0);
  EXPECT_RR(REMW, 0x80000000u, 0, 0xffffffff80000000u);  // the 32-bit dividend, sign-extended
  EXPECT_RR(REMW, uint64_t(-7), 2, kMinus1);
  EXPECT_RR(REMUW, 0x80000001u, 0, 0xffffffff80000001u);
  EXPECT_RR(REMUW, 7, 3, 1);
  EXPECT_RR(REMUW, 0xffffffffu, 0x10, 15);
}

TEST_F(AluTest, X0IsHardwiredToZero) {
  Exec(ADDI(kZero, kZero, 5));
  EXPECT_EQ(X(kZero), 0u);
  cpu_.x[0] = 123;  // Even if the state is corrupted, x0 reads as zero.
  Exec(ADD(kA0, kZero, kZero));
  EXPECT_EQ(X(kA0), 0u);
  Exec(LUI(kZero, 1));
  Exec(ADD(kA0, kZero, kZero));
  EXPECT_EQ(X(kA0), 0u);
}

TEST_F(AluTest, SourcesAreReadBeforeTheDestinationIsWritten) {
  X(kA0) = 5;
  Exec(ADD(kA0, kA0, kA0));
  EXPECT_EQ(X(kA0), 10u);
  Exec(MULHU(kA0, kA0, kA0));
  EXPECT_EQ(X(kA0), 0u);
}

}  // namespace
}  // namespace dbt::riscv::test
