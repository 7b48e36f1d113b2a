#include "services/translator/ir/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/translator/ir/builder.h"

namespace dbt::ir {
namespace {

using ::testing::HasSubstr;

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : block_(0x1000), b_(block_) {
    x1_ = b_.Global(8, "x1");
    pc_ = b_.Global(512, "pc");
  }
  void Exit() {
    b_.Movi(pc_, 0x2000);
    b_.ExitTb(kTbExitNoChain);
  }
  std::string Message() { return std::string(Verify(block_).message()); }

  Block block_;
  IrBuilder b_;
  Temp x1_, pc_;
};

TEST_F(VerifierTest, AcceptsAWellFormedBlock) {
  Label l = b_.NewLabel();
  Temp e = b_.NewEbb();
  Temp loc = b_.NewLocal();
  b_.TbStart();
  b_.Movi(e, 1);
  b_.Movi(loc, 2);
  b_.Brcond(Cond::kEq, x1_, b_.Const(0), l);
  b_.Add(x1_, e, loc);  // ebb survives the conditional branch
  b_.SetLabel(l);
  b_.Add(x1_, x1_, loc);  // local survives the label
  Exit();
  EXPECT_TRUE(Verify(block_).ok()) << Message();
}

TEST_F(VerifierTest, RejectsNormalTempAcrossBranch) {
  Label l = b_.NewLabel();
  Temp t = b_.NewTemp();
  b_.Movi(t, 1);
  b_.Brcond(Cond::kEq, x1_, b_.Const(0), l);
  b_.Mov(x1_, t);
  b_.SetLabel(l);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("read outside its scope"));
}

TEST_F(VerifierTest, RejectsEbbTempAcrossLabel) {
  Label l = b_.NewLabel();
  Temp e = b_.NewEbb();
  b_.Movi(e, 1);
  b_.SetLabel(l);
  b_.Mov(x1_, e);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("read outside its scope"));
}

TEST_F(VerifierTest, RejectsReadBeforeWrite) {
  Temp t = b_.NewTemp();
  b_.Mov(x1_, t);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("read outside its scope"));
}

TEST_F(VerifierTest, RejectsWriteToConst) {
  b_.Mov(b_.Const(3), x1_);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("output is a const"));
}

TEST_F(VerifierTest, RejectsLabelSetTwiceOrNever) {
  Label l = b_.NewLabel();
  b_.SetLabel(l);
  b_.SetLabel(l);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("label set twice"));

  Block other(0);
  IrBuilder b2(other);
  b2.Br(other.NewLabel());
  EXPECT_THAT(std::string(Verify(other).message()), HasSubstr("used, never set"));
}

TEST_F(VerifierTest, RejectsFallingOffTheEnd) {
  b_.Movi(x1_, 1);
  EXPECT_THAT(Message(), HasSubstr("falls through"));
}

TEST_F(VerifierTest, RejectsEnvAccessToAGlobal) {
  Temp t = b_.NewTemp();
  b_.Ld(t, 12, kMemU32);  // inside x1 (offset 8..15)
  b_.Mov(x1_, t);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("overlaps global x1"));
}

TEST_F(VerifierTest, RejectsBadConstants) {
  b_.GotoTb(0);
  b_.GotoTb(0);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("slot used twice"));
}

TEST_F(VerifierTest, RejectsBadCounts) {
  Op op = MakeOp(Opcode::kAdd);
  op.n_in = 1;
  block_.ops().push_back(op);
  Exit();
  EXPECT_THAT(Message(), HasSubstr("argument counts"));
}

TEST_F(VerifierTest, RejectsLateTbStart) {
  b_.Movi(x1_, 0);
  b_.TbStart();
  Exit();
  EXPECT_THAT(Message(), HasSubstr("tb_start is not the first"));
}

}  // namespace
}  // namespace dbt::ir
