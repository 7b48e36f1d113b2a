// Golden IR tests of the passes: small blocks built here, the expected
// dumps in testdata/*.ir, written by hand from what each pass must do (the
// reasoning is in the comments next to each block).
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "services/translator/ir/builder.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/verifier.h"
#include "services/translator/opt/fold.h"
#include "services/translator/opt/liveness.h"
#include "services/translator/opt/pipeline.h"
#include "services/translator/opt/unreachable.h"

namespace dbt::opt {
namespace {

using ir::Cond;
using ir::IrBuilder;
using ir::Opcode;
using ir::Temp;

std::string Golden(const std::string& name) {
  std::ifstream in("services/translator/opt/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Globals x1..x5 are temps 0..4, pc is temp 5.
struct Globals {
  explicit Globals(IrBuilder& b, int n = 5) {
    for (int i = 1; i <= n; ++i) x[i] = b.Global(8 * i, "x" + std::to_string(i));
    pc = b.Global(512, "pc");
  }
  Temp x[6];
  Temp pc;
};

// movi tmp6, 3; add tmp7, tmp6, 4        -> tmp7 is 7
// mov tmp8, x5; add x1, tmp8, tmp8       -> copies of x5 read x5
// add x2, $5, x3                         -> constant moves second
// and x3, x1, $0; sub x4, x2, x2         -> both 0
// setcond tmp9, $3, x1, lt               -> x1 > 3
// mul x5, tmp7, x4                       -> 7 * 0 = 0
// shl tmp10, x1, tmp6                    -> count known: 3
// or x1, tmp10, tmp9
ir::Block FoldInput() {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Globals g(b);
  Temp t6 = b.NewTemp(), t7 = b.NewTemp(), t8 = b.NewTemp(), t9 = b.NewTemp(), t10 = b.NewTemp();
  b.Movi(t6, 3);
  b.Add(t7, t6, b.Const(4));
  b.Mov(t8, g.x[5]);
  b.Add(g.x[1], t8, t8);
  b.Add(g.x[2], b.Const(5), g.x[3]);
  b.And(g.x[3], g.x[1], b.Const(0));
  b.Sub(g.x[4], g.x[2], g.x[2]);
  b.Setcond(Cond::kLt, t9, b.Const(3), g.x[1]);
  b.Mul(g.x[5], t7, g.x[4]);
  b.Shl(t10, g.x[1], t6);
  b.Or(g.x[1], t10, t9);
  b.Movi(g.pc, 0x1004);
  b.ExitTb(kTbExitNoChain);
  return block;
}

// .bazelrc gives every test DBT_VERIFY_IR=1: translations made by tests
// (here and through the product binaries they run) are verified after each
// pass. If this fails, that setting was lost.
TEST(PassesTest, TestsRunTheVerifierByDefault) { EXPECT_TRUE(VerifyByDefault()); }

TEST(PassesTest, FoldConstantsAndCopies) {
  ir::Block block = FoldInput();
  FoldConstants(block);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  EXPECT_EQ(ir::PrintBlock(block), Golden("fold_constants.ir"));
}

// After folding, liveness deletes the unused tmp6/tmp7/tmp8 and marks: x1
// written by the first add is overwritten by the or before any sync point
// (no sync); every other global write is the last one (sync, dead).
TEST(PassesTest, FullPipelineOnTheFoldInput) {
  ir::Block block = FoldInput();
  ASSERT_TRUE(RunPipeline(block, {.optimize = true, .verify = true}).ok());
  EXPECT_EQ(ir::PrintBlock(block), Golden("fold_constants_pipeline.ir"));
}

// Code after br and exit_tb up to a label branched to goes; br to the
// label right after it goes, then that label (now unused) goes; the unused
// label $L3 goes, and the code after it is unreachable too.
TEST(PassesTest, RemoveUnreachableCode) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1"), pc = b.Global(512, "pc");
  ir::Label l0 = b.NewLabel(), l1 = b.NewLabel(), l2 = b.NewLabel(), l3 = b.NewLabel();
  b.Brcond(Cond::kEq, x1, b.Const(0), l0);
  b.Movi(x1, 1);
  b.Br(l1);
  b.Movi(x1, 2);
  b.SetLabel(l0);
  b.Movi(x1, 3);
  b.Br(l2);
  b.SetLabel(l2);
  b.SetLabel(l1);
  b.Movi(pc, 0x1004);
  b.ExitTb(kTbExitNoChain);
  b.Movi(x1, 4);
  b.SetLabel(l3);
  b.Movi(x1, 5);
  b.ExitTb(kTbExitNoChain);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  RemoveUnreachableCode(block);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  EXPECT_EQ(ir::PrintBlock(block), Golden("unreachable.ir"));
}

// Globals written before a guest load are synced (the load may fault);
// mulu2 whose low half is unused becomes muluh; add2 whose high half is
// unused becomes add; a helper that may write globals needs every global in
// memory before it (x1's add is synced, x3's add too) and kills their
// registers (x1 and x3 die at their last reads before it).
TEST(PassesTest, LivenessSyncsAndNarrows) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Globals g(b, 3);  // x1 x2 x3 = temps 0..2, pc = 3
  Temp t4 = b.NewTemp(), t5 = b.NewTemp(), t6 = b.NewTemp(), t7 = b.NewTemp();
  b.Add(g.x[1], g.x[1], b.Const(1));
  b.QemuLd(t4, g.x[2], ir::kMemU64);
  b.Add(g.x[2], g.x[2], t4);
  b.Mulu2(t5, t6, g.x[2], g.x[3]);
  b.Add2(g.x[3], t7, g.x[1], g.x[2], t6, b.Const(0));
  b.Call(5, 0, {g.x[3]});
  b.Movi(g.pc, 0x1004);
  b.ExitTb(kTbExitNoChain);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  ComputeLiveness(block);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  EXPECT_EQ(ir::PrintBlock(block), Golden("liveness_sync_and_narrow.ir"));
}

// At the conditional branch globals and locals must be in memory (x1's
// new value is synced at its mov; loc5 at its definition); the ebb temp
// lives on in the fall-through path; the env load nobody reads is deleted.
TEST(PassesTest, LivenessAcrossBranchesAndLabels) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1"), x2 = b.Global(16, "x2"), pc = b.Global(512, "pc");
  Temp t3 = b.NewTemp(), e4 = b.NewEbb(), l5 = b.NewLocal();
  ir::Label l0 = b.NewLabel();
  b.TbStart();
  b.Mov(l5, x1);
  b.Add(e4, x2, b.Const(1));
  b.Mov(x1, e4);
  b.Brcond(Cond::kEq, x2, b.Const(0), l0);
  b.Add(x2, e4, l5);
  b.Ld(t3, 520, ir::kMemU32);
  b.SetLabel(l0);
  b.Add(x1, x1, l5);
  b.Movi(pc, 0x1004);
  b.ExitTb(kTbExitNoChain);
  ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block);
  ComputeLiveness(block);
  EXPECT_EQ(ir::PrintBlock(block), Golden("liveness_branches.ir"));
}

TEST(PassesTest, LivenessDeletesPureCallsWithDeadResultsOnly) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1"), t = b.NewTemp(), u = b.NewTemp();
  b.Call(t, 1, ir::kCallNoSideEffects | ir::kCallNoReadGlobals | ir::kCallNoWriteGlobals, {x1});
  b.Call(u, 2, ir::kCallNoReadGlobals | ir::kCallNoWriteGlobals, {x1});
  b.ExitTb(kTbExitNoChain);
  ComputeLiveness(block);
  ASSERT_EQ(block.ops().size(), 2u);
  EXPECT_EQ(block.ops()[0].carg(0), 2u);       // the one with side effects stays
  EXPECT_TRUE(block.ops()[0].life.IsDead(0));  // its unused result
}

TEST(PassesTest, FoldKnowsNothingAcrossLabelsOrAfterGlobalWritingCalls) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1"), x2 = b.Global(16, "x2"), l = b.NewLocal();
  ir::Label label = b.NewLabel();
  b.Movi(l, 5);
  b.Movi(x1, 7);
  b.SetLabel(label);         // another path may arrive here: l is unknown
  b.Add(x2, l, b.Const(1));  // stays
  b.Movi(x1, 7);
  b.Call(3, 0, {});           // may write x1
  b.Add(x2, x1, b.Const(1));  // stays
  b.ExitTb(kTbExitNoChain);
  FoldConstants(block);
  EXPECT_EQ(ir::PrintBlock(block),
            "movi loc2, $0x5\n"
            "movi x1, $0x7\n"
            "set_label $L0\n"
            "add x2, loc2, $0x1\n"
            "movi x1, $0x7\n"
            "call helper3, flags=0x0\n"
            "add x2, x1, $0x1\n"
            "exit_tb no_chain\n");
}

TEST(PassesTest, FoldTurnsKnownBranchesIntoBrOrNothing) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1");
  ir::Label l0 = b.NewLabel(), l1 = b.NewLabel();
  b.Movi(x1, 3);
  b.Brcond(Cond::kLtu, x1, b.Const(2), l0);  // 3 <u 2: never
  b.Brcond(Cond::kGe, b.Const(9), x1, l1);   // 9 >= 3: always
  b.SetLabel(l0);
  b.SetLabel(l1);
  b.ExitTb(kTbExitNoChain);
  FoldConstants(block);
  EXPECT_EQ(ir::PrintBlock(block),
            "movi x1, $0x3\n"
            "br $L1\n"
            "set_label $L0\n"
            "set_label $L1\n"
            "exit_tb no_chain\n");
}

}  // namespace
}  // namespace dbt::opt
