#include "services/translator/frontend/riscv/handlers.h"

#include <gtest/gtest.h>

namespace dbt::frontend::riscv {
namespace {

namespace rv = dbt::riscv;

// Every opcode of the decoder's table, and kIllegal, has exactly one handler
// (a second claim would have aborted when the table was built).
TEST(HandlersTest, EveryOpcodeHasAHandler) {
  const HandlerTable& table = Handlers();
  for (size_t i = 0; i < rv::kNumOpcodes; ++i) {
    const rv::Opcode op = static_cast<rv::Opcode>(i);
    EXPECT_NE(table[op].handler, nullptr) << rv::OpcodeName(op);
  }
}

// One handler per family: opcodes of a family share it.
TEST(HandlersTest, FamiliesShareTheirHandler) {
  const HandlerTable& table = Handlers();
  EXPECT_EQ(table[rv::Opcode::kAdd].handler, table[rv::Opcode::kSraiw].handler);
  EXPECT_EQ(table[rv::Opcode::kLui].handler, table[rv::Opcode::kAnd].handler);
  EXPECT_EQ(table[rv::Opcode::kMul].handler, table[rv::Opcode::kRemuw].handler);
  EXPECT_EQ(table[rv::Opcode::kLb].handler, table[rv::Opcode::kFsd].handler);
  EXPECT_EQ(table[rv::Opcode::kBeq].handler, table[rv::Opcode::kJalr].handler);
  EXPECT_EQ(table[rv::Opcode::kEcall].handler, table[rv::Opcode::kIllegal].handler);
  EXPECT_EQ(table[rv::Opcode::kCsrrw].handler, table[rv::Opcode::kCsrrci].handler);
  EXPECT_EQ(table[rv::Opcode::kLrW].handler, table[rv::Opcode::kAmomaxuD].handler);
  EXPECT_EQ(table[rv::Opcode::kFaddS].handler, table[rv::Opcode::kFcvtDLu].handler);
  EXPECT_EQ(table[rv::Opcode::kFsgnjS].handler, table[rv::Opcode::kFmvDX].handler);
  EXPECT_NE(table[rv::Opcode::kFaddS].handler, table[rv::Opcode::kFsgnjS].handler);
  EXPECT_NE(table[rv::Opcode::kAdd].handler, table[rv::Opcode::kMul].handler);
}

TEST(HandlersDeathTest, AnOpcodeClaimedTwiceAborts) {
  HandlerTable table;
  RegisterIntAlu(table);
  EXPECT_DEATH(RegisterIntAlu(table), "claimed by two families");
}

}  // namespace
}  // namespace dbt::frontend::riscv
