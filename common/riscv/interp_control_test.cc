// Jumps, branches, ecall/ebreak, fences, illegal instructions, and the
// Interpret loop's accounting (max_insns, *executed, instret).
#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using ControlTest = InterpTest;

TEST_F(ControlTest, Jal) {
  Exec(JAL(kRa, 16));
  EXPECT_EQ(cpu_.pc, kCode + 16);
  EXPECT_EQ(X(kRa), kCode + 4);
  Exec(JAL(kZero, -8));
  EXPECT_EQ(cpu_.pc, kCode - 8);
  EXPECT_EQ(X(kZero), 0u);
}

TEST_F(ControlTest, JalrClearsBitZeroAndLinksAfterComputingTheTarget) {
  X(kT0) = 0x2000;
  Exec(JALR(kRa, kT0, 3));  // 0x2003 & ~1
  EXPECT_EQ(cpu_.pc, 0x2002u);
  EXPECT_EQ(X(kRa), kCode + 4);
  X(kT0) = 0x3000;
  Exec(JALR(kT0, kT0, -16));  // rd == rs1: jumps through the old value
  EXPECT_EQ(cpu_.pc, 0x2ff0u);
  EXPECT_EQ(X(kT0), kCode + 4);
}

struct BranchCase {
  uint32_t (*insn)(int, int, int32_t);
  const char* name;
  uint64_t a, b;
  bool taken;
};

TEST_F(ControlTest, ConditionalBranches) {
  constexpr uint64_t kM1 = ~uint64_t{0};
  const BranchCase cases[] = {
      {BEQ, "beq", 5, 5, true},     {BEQ, "beq", 5, 6, false},     {BNE, "bne", 5, 6, true},
      {BNE, "bne", 5, 5, false},    {BLT, "blt", kM1, 1, true},    {BLT, "blt", 1, kM1, false},
      {BLT, "blt", 3, 3, false},    {BGE, "bge", 3, 3, true},      {BGE, "bge", kM1, 1, false},
      {BGE, "bge", 1, kM1, true},   {BLTU, "bltu", 1, kM1, true},  {BLTU, "bltu", kM1, 1, false},
      {BGEU, "bgeu", kM1, 1, true}, {BGEU, "bgeu", 1, kM1, false}, {BGEU, "bgeu", 7, 7, true},
  };
  for (const BranchCase& c : cases) {
    X(kA0) = c.a;
    X(kA1) = c.b;
    Exec(c.insn(kA0, kA1, -64));
    EXPECT_EQ(cpu_.pc, c.taken ? kCode - 64 : kCode + 4)
        << c.name << " " << int64_t(c.a) << ", " << int64_t(c.b);
  }
  Exec(BEQ(kZero, kZero, 4094));
  EXPECT_EQ(cpu_.pc, kCode + 4094);
}

TEST_F(ControlTest, EcallAndEbreakStopAtTheInstruction) {
  EXPECT_EQ(Try(ECALL()), InterpExit::kEcall);
  EXPECT_EQ(cpu_.pc, kCode);
  EXPECT_EQ(Try(EBREAK()), InterpExit::kEbreak);
  EXPECT_EQ(cpu_.pc, kCode);
  EXPECT_EQ(Try(0x9002), InterpExit::kEbreak);  // c.ebreak
  EXPECT_EQ(cpu_.pc, kCode);
  EXPECT_EQ(cpu_.instret, 0u);  // none of them retired
}

TEST_F(ControlTest, IllegalInstructionsStopAtTheInstruction) {
  for (uint32_t w : {0x00000000u, 0xffffffffu, 0x0000001fu, 0x30200073u /* mret */,
                     0x8002u /* c.jr x0 */, 0x0205151bu /* slliw shamt[5] */}) {
    X(kA0) = 77;
    EXPECT_EQ(Try(w), InterpExit::kIllegal) << std::hex << w;
    EXPECT_EQ(cpu_.pc, kCode);
  }
  EXPECT_EQ(cpu_.instret, 0u);
}

TEST_F(ControlTest, Fences) {
  Exec(FENCE(0xf, 0xf));
  EXPECT_EQ(cpu_.pc, kCode + 4);
  Exec(FENCE(0, 0));  // empty sets: a no-op fence, not illegal
  Exec(FENCE_TSO());
  Exec(0x0ff5008f);  // fence with rs1/rd set: the fields are ignored
  EXPECT_EQ(cpu_.pc, kCode + 4);
  EXPECT_EQ(Try(FENCE_I()), InterpExit::kFenceI);  // retires; pc moves on
  EXPECT_EQ(cpu_.pc, kCode + 4);
  EXPECT_EQ(cpu_.instret, 5u);
}

// sum = 10 + 9 + ... + 1, then ecall.
constexpr uint32_t kSumLoop[] = {
    ADDI(kA0, kZero, 0),   // 0x1000
    ADDI(kA1, kZero, 10),  // 0x1004
    ADD(kA0, kA0, kA1),    // 0x1008 loop:
    ADDI(kA1, kA1, -1),    // 0x100c
    BNE(kA1, kZero, -8),   // 0x1010
    ECALL(),               // 0x1014
};

TEST_F(ControlTest, InterpretRunsToTheEcall) {
  for (size_t i = 0; i < std::size(kSumLoop); ++i) SetMem<uint32_t>(kCode + 4 * i, kSumLoop[i]);
  uint64_t executed = 0;
  EXPECT_EQ(Interpret(cpu_, mem_, 1000, &executed), InterpExit::kEcall);
  EXPECT_EQ(X(kA0), 55u);
  EXPECT_EQ(cpu_.pc, kCode + 0x14);
  EXPECT_EQ(executed, 2u + 3 * 10);  // the ecall has not retired
  EXPECT_EQ(cpu_.instret, executed);
}

TEST_F(ControlTest, InterpretStopsAtMaxInsns) {
  for (size_t i = 0; i < std::size(kSumLoop); ++i) SetMem<uint32_t>(kCode + 4 * i, kSumLoop[i]);
  uint64_t executed = 99;
  EXPECT_EQ(Interpret(cpu_, mem_, 0, &executed), InterpExit::kInsnLimit);
  EXPECT_EQ(executed, 0u);
  EXPECT_EQ(cpu_.pc, kCode);
  EXPECT_EQ(Interpret(cpu_, mem_, 5, &executed), InterpExit::kInsnLimit);
  EXPECT_EQ(executed, 5u);
  EXPECT_EQ(cpu_.pc, kCode + 0x08);  // addi, addi, add, addi, bne taken back to the loop
  EXPECT_EQ(X(kA0), 10u);
  EXPECT_EQ(Interpret(cpu_, mem_, 1000, &executed), InterpExit::kEcall);
  EXPECT_EQ(executed, 27u);
  EXPECT_EQ(cpu_.instret, 32u);  // accumulates across calls
}

TEST_F(ControlTest, InterpretCountsFenceIAndStops) {
  Code({ADDI(kA0, kZero, 1), FENCE_I(), ADDI(kA0, kZero, 2)});
  uint64_t executed = 0;
  EXPECT_EQ(Interpret(cpu_, mem_, 100, &executed), InterpExit::kFenceI);
  EXPECT_EQ(executed, 2u);
  EXPECT_EQ(cpu_.pc, kCode + 8);
  EXPECT_EQ(X(kA0), 1u);
}

// Code written to memory is what runs next: the interpreter has no cache of
// decoded instructions to go stale.
TEST_F(ControlTest, SelfModifiedCodeRunsAsWritten) {
  // sw a1, 8(t0) with t0 = kCode replaces the third instruction.
  X(kT0) = kCode;
  X(kA1) = ADDI(kA0, kZero, 42);
  Code({SW(kA1, kT0, 8), FENCE_I(), ADDI(kA0, kZero, 1), ECALL()});
  uint64_t executed = 0;
  EXPECT_EQ(Interpret(cpu_, mem_, 100, &executed), InterpExit::kFenceI);
  EXPECT_EQ(Interpret(cpu_, mem_, 100, &executed), InterpExit::kEcall);
  EXPECT_EQ(X(kA0), 42u);
}

}  // namespace
}  // namespace dbt::riscv::test
