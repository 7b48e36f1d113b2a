#include "services/translator/backend/x86_64/constraints.h"

#include <gtest/gtest.h>

namespace dbt::backend::x86_64 {
namespace {

using ir::Opcode;

TEST(ConstraintsTest, EveryStandardOpMatchesTheOpTable) {
  for (int i = 0; i < ir::kNumOpcodes; ++i) {
    Opcode opc = static_cast<Opcode>(i);
    const OpConstraints& c = ConstraintsFor(opc);
    if (c.kind != AllocKind::kStandard) continue;
    EXPECT_EQ(c.n_out, ir::GetOpInfo(opc).n_out) << ir::OpName(opc);
    EXPECT_EQ(c.n_in, ir::GetOpInfo(opc).n_in) << ir::OpName(opc);
    for (int j = 0; j < c.n_out; ++j) EXPECT_NE(c.outs[j].regs, 0) << ir::OpName(opc);
    for (int j = 0; j < c.n_in; ++j) {
      EXPECT_EQ(c.ins[j].regs & ~kAllocatable, 0) << ir::OpName(opc);  // never rsp/rbp/r14
      EXPECT_NE(c.ins[j].regs, 0) << ir::OpName(opc);
    }
  }
}

TEST(ConstraintsTest, ParsedLetters) {
  const OpConstraints& add = ConstraintsFor(Opcode::kAdd);
  EXPECT_EQ(add.ins[1].imm, ImmKind::kS32);
  EXPECT_EQ(add.ins[0].imm, ImmKind::kNone);

  const OpConstraints& sub = ConstraintsFor(Opcode::kSub);  // "r", "0 ri"
  EXPECT_EQ(sub.ins[0].alias, 0);
  EXPECT_TRUE(sub.ins[0].clobbered);
  EXPECT_EQ(sub.outs[0].alias, 0);
  EXPECT_EQ(sub.ins[0].regs, kAllocatable);

  const OpConstraints& shl = ConstraintsFor(Opcode::kShl);  // count: "cI"
  EXPECT_EQ(shl.ins[1].regs, Bit(kRcx));
  EXPECT_EQ(shl.ins[1].imm, ImmKind::kAny);

  const OpConstraints& div = ConstraintsFor(Opcode::kDiv);  // "a", "0 R", scratch "d"
  EXPECT_EQ(div.outs[0].regs, Bit(kRax));
  EXPECT_EQ(div.ins[0].regs, Bit(kRax));
  EXPECT_EQ(div.ins[1].regs & (Bit(kRax) | Bit(kRdx)), 0);
  EXPECT_EQ(div.n_scratch, 1);
  EXPECT_EQ(div.scratch[0].regs, Bit(kRdx));

  const OpConstraints& mulu2 = ConstraintsFor(Opcode::kMulu2);  // "a d", "0 R"
  EXPECT_EQ(mulu2.outs[1].regs, Bit(kRdx));
  EXPECT_EQ(mulu2.outs[0].alias, 0);

  EXPECT_EQ(ConstraintsFor(Opcode::kMov).kind, AllocKind::kMov);
  EXPECT_EQ(ConstraintsFor(Opcode::kCall).kind, AllocKind::kCall);
  EXPECT_EQ(ConstraintsFor(Opcode::kSetLabel).kind, AllocKind::kNoArgs);
}

TEST(ConstraintsTest, ImmediatesThatFit) {
  ArgConstraint s32;
  s32.imm = ImmKind::kS32;
  EXPECT_TRUE(s32.AllowsImm(0x7fffffff));
  EXPECT_FALSE(s32.AllowsImm(0x80000000));         // would sign-extend to negative
  EXPECT_TRUE(s32.AllowsImm(0xffffffff80000000));  // -2^31
  EXPECT_FALSE(s32.AllowsImm(0xffffffff7fffffff));
  ArgConstraint any;
  any.imm = ImmKind::kAny;
  EXPECT_TRUE(any.AllowsImm(0x123456789abcdef0));
  EXPECT_FALSE(ArgConstraint{}.AllowsImm(0));
}

TEST(HostRegsTest, FixedRegistersAreNotAllocatable) {
  EXPECT_EQ(kAllocatable & (Bit(kRsp) | Bit(kRbp) | Bit(kR14)), 0);
  EXPECT_EQ(__builtin_popcount(kAllocatable), 13);
  RegSet order = 0;
  for (HostReg r : kAllocOrder) order |= Bit(r);
  EXPECT_EQ(order, kAllocatable);
  for (HostReg r : kCallArgRegs) EXPECT_TRUE(kCallerSaved & Bit(r));
}

}  // namespace
}  // namespace dbt::backend::x86_64
