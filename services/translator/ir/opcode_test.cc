#include "services/translator/ir/opcode.h"

#include <gtest/gtest.h>

namespace dbt::ir {
namespace {

TEST(OpcodeTest, NamesComeFromTheTableInSnakeCase) {
  EXPECT_EQ(OpName(Opcode::kAdd), "add");
  EXPECT_EQ(OpName(Opcode::kQemuLd), "qemu_ld");
  EXPECT_EQ(OpName(Opcode::kLookupAndGotoPtr), "lookup_and_goto_ptr");
  EXPECT_EQ(OpName(Opcode::kExt32s), "ext32s");
  EXPECT_EQ(OpName(Opcode::kMulu2), "mulu2");
}

TEST(OpcodeTest, CountsAndFlags) {
  const OpInfo& movcond = GetOpInfo(Opcode::kMovcond);
  EXPECT_EQ(movcond.n_out, 1);
  EXPECT_EQ(movcond.n_in, 4);
  EXPECT_EQ(movcond.n_const, 1);
  EXPECT_TRUE(HasFlag(Opcode::kBrcond, kOpCondBranch));
  EXPECT_TRUE(HasFlag(Opcode::kBrcond, kOpBbEnd));
  EXPECT_TRUE(HasFlag(Opcode::kExitTb, kOpBbExit));
  EXPECT_TRUE(HasFlag(Opcode::kExitTb, kOpNoFallthrough));
  EXPECT_FALSE(HasFlag(Opcode::kGotoTb, kOpNoFallthrough));
  EXPECT_TRUE(HasFlag(Opcode::kQemuLd, kOpCanFault));
  EXPECT_TRUE(HasFlag(Opcode::kCall, kOpCallClobber));
  EXPECT_FALSE(HasFlag(Opcode::kAdd, kOpSideEffects));
  EXPECT_TRUE(HasFlag(Opcode::kAdd, kOpCommutative));
  EXPECT_FALSE(HasFlag(Opcode::kSub, kOpCommutative));
}

TEST(OpcodeTest, CondInverseAndSwap) {
  // Hand table: !(a < b) is a >= b; a < b is b > a.
  EXPECT_EQ(InvertCond(Cond::kLt), Cond::kGe);
  EXPECT_EQ(InvertCond(Cond::kLeu), Cond::kGtu);
  EXPECT_EQ(InvertCond(Cond::kEq), Cond::kNe);
  EXPECT_EQ(SwapCond(Cond::kLt), Cond::kGt);
  EXPECT_EQ(SwapCond(Cond::kGeu), Cond::kLeu);
  EXPECT_EQ(SwapCond(Cond::kNe), Cond::kNe);
  for (int c = 0; c < kNumConds; ++c) {
    EXPECT_EQ(InvertCond(InvertCond(static_cast<Cond>(c))), static_cast<Cond>(c));
    EXPECT_EQ(SwapCond(SwapCond(static_cast<Cond>(c))), static_cast<Cond>(c));
  }
}

TEST(OpcodeTest, MemOps) {
  EXPECT_EQ(MemOpBytes(kMemS16), 2);
  EXPECT_TRUE(MemOpSigned(kMemS32));
  EXPECT_FALSE(MemOpSigned(kMemU64));
  EXPECT_EQ(MemOpName(kMemS8), "s8");
  EXPECT_FALSE(MemOpValid(7));
}

}  // namespace
}  // namespace dbt::ir
