// Expected values are hand computations from the RISC-V unprivileged ISA
// manual (M extension: "Division by zero and division overflow" table) and
// two's complement arithmetic.
#include "services/translator/ir/semantics.h"

#include <gtest/gtest.h>

namespace dbt::ir {
namespace {

constexpr uint64_t kMin = 0x8000000000000000ull;
constexpr uint64_t kAllOnes = ~uint64_t{0};

uint64_t Bin(Opcode opc, uint64_t a, uint64_t b) { return *EvalBinary(opc, a, b); }
uint64_t Un(Opcode opc, uint64_t a) { return *EvalUnary(opc, a); }

TEST(SemanticsTest, DivisionByZeroAndOverflowFollowRiscV) {
  EXPECT_EQ(Bin(Opcode::kDiv, 7, 0), kAllOnes);
  EXPECT_EQ(Bin(Opcode::kDivu, 7, 0), kAllOnes);
  EXPECT_EQ(Bin(Opcode::kRem, 7, 0), 7u);
  EXPECT_EQ(Bin(Opcode::kRemu, 7, 0), 7u);
  EXPECT_EQ(Bin(Opcode::kDiv, kMin, kAllOnes), kMin);
  EXPECT_EQ(Bin(Opcode::kRem, kMin, kAllOnes), 0u);
  // Ordinary cases round toward zero; the remainder takes the dividend's sign.
  EXPECT_EQ(Bin(Opcode::kDiv, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-3));
  EXPECT_EQ(Bin(Opcode::kRem, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-1));
  EXPECT_EQ(Bin(Opcode::kDivu, static_cast<uint64_t>(-7), 2), 0x7ffffffffffffffcull);
  EXPECT_EQ(Bin(Opcode::kRemu, static_cast<uint64_t>(-7), 2), 1u);
}

TEST(SemanticsTest, ShiftCountsAreModulo64) {
  EXPECT_EQ(Bin(Opcode::kShl, 1, 65), 2u);
  EXPECT_EQ(Bin(Opcode::kShr, kMin, 63), 1u);
  EXPECT_EQ(Bin(Opcode::kSar, kMin, 63), kAllOnes);
  EXPECT_EQ(Bin(Opcode::kRotl, kMin | 1, 1), 3u);
  EXPECT_EQ(Bin(Opcode::kRotr, 3, 1), kMin | 1);
  EXPECT_EQ(Bin(Opcode::kRotr, 3, 64), 3u);
}

TEST(SemanticsTest, Multiplication) {
  // 2^64-1 squared = 2^128 - 2^65 + 1: hi = 2^64 - 2, lo = 1.
  auto [lo, hi] = EvalMulu2(kAllOnes, kAllOnes);
  EXPECT_EQ(lo, 1u);
  EXPECT_EQ(hi, kAllOnes - 1);
  // Signed: (-1) * (-1) = 1.
  auto [slo, shi] = EvalMuls2(kAllOnes, kAllOnes);
  EXPECT_EQ(slo, 1u);
  EXPECT_EQ(shi, 0u);
  // Signed: (-2) * 3 = -6: hi is all ones.
  EXPECT_EQ(Bin(Opcode::kMulsh, static_cast<uint64_t>(-2), 3), kAllOnes);
  EXPECT_EQ(Bin(Opcode::kMuluh, 1ull << 63, 4), 2u);
}

TEST(SemanticsTest, DoubleWordAddSub) {
  auto [lo, hi] = EvalAdd2(kAllOnes, 5, 1, 10);  // carry out of the low word
  EXPECT_EQ(lo, 0u);
  EXPECT_EQ(hi, 16u);
  auto [slo, shi] = EvalSub2(0, 5, 1, 1);  // borrow
  EXPECT_EQ(slo, kAllOnes);
  EXPECT_EQ(shi, 3u);
}

TEST(SemanticsTest, ExtensionsAndBits) {
  EXPECT_EQ(Un(Opcode::kExt8s, 0x180), 0xffffffffffffff80ull);
  EXPECT_EQ(Un(Opcode::kExt8u, 0x1ff), 0xffu);
  EXPECT_EQ(Un(Opcode::kExt16s, 0x8000), 0xffffffffffff8000ull);
  EXPECT_EQ(Un(Opcode::kExt32s, 0x80000000), 0xffffffff80000000ull);
  EXPECT_EQ(Un(Opcode::kExt32u, kAllOnes), 0xffffffffull);
  EXPECT_EQ(Un(Opcode::kClz, 0), 64u);
  EXPECT_EQ(Un(Opcode::kClz, 1), 63u);
  EXPECT_EQ(Un(Opcode::kCtz, 0), 64u);
  EXPECT_EQ(Un(Opcode::kCtz, 0x100), 8u);
  EXPECT_EQ(Un(Opcode::kBswap, 0x0102030405060708ull), 0x0807060504030201ull);
  EXPECT_EQ(Bin(Opcode::kAndc, 0xff, 0x0f), 0xf0u);
}

TEST(SemanticsTest, Conditions) {
  EXPECT_TRUE(EvalCond(Cond::kLt, kAllOnes, 0));    // -1 < 0
  EXPECT_FALSE(EvalCond(Cond::kLtu, kAllOnes, 0));  // max > 0 unsigned
  EXPECT_TRUE(EvalCond(Cond::kGeu, kAllOnes, 0));
  EXPECT_TRUE(EvalCond(Cond::kLe, 3, 3));
  EXPECT_FALSE(EvalCond(Cond::kGt, 3, 3));
}

TEST(SemanticsTest, LoadExtension) {
  EXPECT_EQ(ExtendLoaded(0x1234567890abcdefull, kMemU8), 0xefu);
  EXPECT_EQ(ExtendLoaded(0x1234567890abcdefull, kMemS8), 0xffffffffffffffefull);
  EXPECT_EQ(ExtendLoaded(0x1234567890abcdefull, kMemS32), 0xffffffff90abcdefull);
  EXPECT_EQ(ExtendLoaded(0x1234567890abcdefull, kMemU32), 0x90abcdefull);
  EXPECT_EQ(ExtendLoaded(0x1234567890abcdefull, kMemU64), 0x1234567890abcdefull);
}

TEST(SemanticsTest, NotApplicableOpsReturnNothing) {
  EXPECT_FALSE(EvalBinary(Opcode::kNeg, 1, 2).has_value());
  EXPECT_FALSE(EvalUnary(Opcode::kAdd, 1).has_value());
}

}  // namespace
}  // namespace dbt::ir
