// A extension: LR/SC reservations, every AMO's result and memory effect
// (.w results sign-extended), and atomicity across host threads.
#include <cstdint>
#include <thread>
#include <vector>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using AmoTest = InterpTest;

TEST_F(AmoTest, LrScSucceedsOnceAndClearsTheReservation) {
  SetMem<uint32_t>(kData, 0x80000000u);
  X(kA1) = kData;
  Exec(AMO(kLr, kW, kA0, kA1, 0, /*aq=*/true));
  EXPECT_EQ(X(kA0), 0xffffffff80000000u);  // sign-extended
  EXPECT_EQ(cpu_.reservation_addr, kData);
  X(kA2) = 0x1234567800000042u;
  Exec(AMO(kSc, kW, kA3, kA1, kA2, false, /*rl=*/true));
  EXPECT_EQ(X(kA3), 0u);  // success
  EXPECT_EQ(Mem<uint32_t>(kData), 0x42u);
  EXPECT_EQ(Mem<uint32_t>(kData + 4), 0u);  // only 32 bits written
  EXPECT_EQ(cpu_.reservation_addr, kNoReservation);
  X(kA2) = 7;
  Exec(AMO(kSc, kW, kA3, kA1, kA2));
  EXPECT_EQ(X(kA3), 1u);  // no reservation any more
  EXPECT_EQ(Mem<uint32_t>(kData), 0x42u);
}

// The A extension requires natural alignment; Linux does not emulate
// misaligned AMOs (SIGBUS). The instruction must have no effect at all.
TEST_F(AmoTest, MisalignedAddressExitsBeforeAnyAccess) {
  SetMem<uint64_t>(kData, 0x1111111111111111u);
  SetMem<uint64_t>(kData + 8, 0x2222222222222222u);
  X(kA0) = 5;
  X(kA2) = 7;
  for (uint64_t offset : {1u, 2u, 4u}) {  // 4 is aligned for .w only
    X(kA1) = kData + offset;
    EXPECT_EQ(Try(AMO(kAmoAdd, kD, kA0, kA1, kA2)), InterpExit::kMisaligned) << offset;
    EXPECT_EQ(Try(AMO(kLr, kD, kA0, kA1, 0)), InterpExit::kMisaligned) << offset;
    EXPECT_EQ(Try(AMO(kSc, kD, kA0, kA1, kA2)), InterpExit::kMisaligned) << offset;
    if (offset != 4) {
      EXPECT_EQ(Try(AMO(kAmoSwap, kW, kA0, kA1, kA2)), InterpExit::kMisaligned) << offset;
    }
    EXPECT_EQ(cpu_.pc, kCode);  // not retired
  }
  EXPECT_EQ(X(kA0), 5u);
  EXPECT_EQ(Mem<uint64_t>(kData), 0x1111111111111111u);
  EXPECT_EQ(Mem<uint64_t>(kData + 8), 0x2222222222222222u);
  X(kA1) = kData + 4;  // aligned for .w
  Exec(AMO(kAmoAdd, kW, kA0, kA1, kA2));
  EXPECT_EQ(X(kA0), 0x11111111u);
  EXPECT_EQ(Mem<uint32_t>(kData + 4), 0x11111118u);
}

TEST_F(AmoTest, ScFailsWhenMemoryChangedOrAddressDiffers) {
  SetMem<uint64_t>(kData, 10);
  X(kA1) = kData;
  X(kA2) = 11;
  Exec(AMO(kLr, kD, kA0, kA1, 0));
  EXPECT_EQ(X(kA0), 10u);
  SetMem<uint64_t>(kData, 99);  // another hart's store
  Exec(AMO(kSc, kD, kA3, kA1, kA2));
  EXPECT_EQ(X(kA3), 1u);
  EXPECT_EQ(Mem<uint64_t>(kData), 99u);

  Exec(AMO(kLr, kD, kA0, kA1, 0));
  X(kA4) = kData + 8;
  Exec(AMO(kSc, kD, kA3, kA4, kA2));  // different address
  EXPECT_EQ(X(kA3), 1u);
  EXPECT_EQ(Mem<uint64_t>(kData + 8), 0u);
  Exec(AMO(kSc, kD, kA3, kA1, kA2));  // the failed SC cleared the reservation
  EXPECT_EQ(X(kA3), 1u);

  Exec(AMO(kLr, kD, kA0, kA1, 0, true, true));
  Exec(AMO(kSc, kD, kA3, kA1, kA2, true, true));
  EXPECT_EQ(X(kA3), 0u);
  EXPECT_EQ(Mem<uint64_t>(kData), 11u);
}

// Memory holds mem and x[rs2] = src; after the AMO memory must hold
// want_mem and rd the old value (sign-extended from 32 bits for .w).
struct AmoCase {
  AmoFunct5 f5;
  const char* name;
  uint64_t mem, src;
  uint64_t want_mem, want_rd;
};

TEST_F(AmoTest, WordAmos) {
  constexpr uint64_t kM1 = ~uint64_t{0};
  const AmoCase cases[] = {
      {kAmoSwap, "amoswap.w", 5, 7, 7, 5},
      {kAmoSwap, "amoswap.w", 0xffffffff, 1, 1, kM1},
      {kAmoAdd, "amoadd.w", 0x7fffffff, 1, 0x80000000, 0x7fffffff},
      {kAmoAdd, "amoadd.w", 0xffffffff, 0x100000001u, 0, kM1},  // 32-bit wrap, src upper ignored
      {kAmoXor, "amoxor.w", 0xf0f0, 0xff00, 0x0ff0, 0xf0f0},
      {kAmoAnd, "amoand.w", 0xf0f0, 0xff00, 0xf000, 0xf0f0},
      {kAmoOr, "amoor.w", 0x80000000, 1, 0x80000001, 0xffffffff80000000u},
      {kAmoMin, "amomin.w", 0xffffffff, 1, 0xffffffff, kM1},  // -1 < 1
      {kAmoMin, "amomin.w", 5, 0x80000000, 0x80000000, 5},
      {kAmoMax, "amomax.w", 0xffffffff, 1, 1, kM1},
      {kAmoMax, "amomax.w", 0x7fffffff, 0x80000000, 0x7fffffff, 0x7fffffff},
      {kAmoMinu, "amominu.w", 0xffffffff, 1, 1, kM1},
      {kAmoMaxu, "amomaxu.w", 0xffffffff, 1, 0xffffffff, kM1},
      {kAmoMaxu, "amomaxu.w", 3, 0xffffffff00000004u, 4, 3},  // compares low 32 bits only
  };
  for (const AmoCase& c : cases) {
    SetMem<uint32_t>(kData, static_cast<uint32_t>(c.mem));
    SetMem<uint32_t>(kData + 4, 0xdeadbeef);
    X(kA1) = kData;
    X(kA2) = c.src;
    Exec(AMO(c.f5, kW, kA0, kA1, kA2));
    EXPECT_EQ(Mem<uint32_t>(kData), c.want_mem) << c.name;
    EXPECT_EQ(X(kA0), c.want_rd) << c.name;
    EXPECT_EQ(Mem<uint32_t>(kData + 4), 0xdeadbeefu) << c.name;
  }
}

TEST_F(AmoTest, DoublewordAmos) {
  constexpr uint64_t kM1 = ~uint64_t{0};
  constexpr uint64_t kMin = uint64_t{1} << 63;
  const AmoCase cases[] = {
      {kAmoSwap, "amoswap.d", 5, kM1, kM1, 5},
      {kAmoAdd, "amoadd.d", kM1, 2, 1, kM1},
      {kAmoXor, "amoxor.d", kMin, kM1, ~kMin, kMin},
      {kAmoAnd, "amoand.d", 0xff00ff00ff00ff00u, 0x0ff00ff00ff00ff0u, 0x0f000f000f000f00u,
       0xff00ff00ff00ff00u},
      {kAmoOr, "amoor.d", 0x1, kMin, kMin | 1, 1},
      {kAmoMin, "amomin.d", kMin, 0, kMin, kMin},
      {kAmoMax, "amomax.d", kMin, 0, 0, kMin},
      {kAmoMinu, "amominu.d", kMin, 0, 0, kMin},
      {kAmoMaxu, "amomaxu.d", kMin, 0, kMin, kMin},
      {kAmoMax, "amomax.d", 0x80000000u, 1, 0x80000000u, 0x80000000u},  // no 32-bit view
  };
  for (const AmoCase& c : cases) {
    SetMem<uint64_t>(kData, c.mem);
    X(kA1) = kData;
    X(kA2) = c.src;
    Exec(AMO(c.f5, kD, kA0, kA1, kA2, true, false));
    EXPECT_EQ(Mem<uint64_t>(kData), c.want_mem) << c.name;
    EXPECT_EQ(X(kA0), c.want_rd) << c.name;
  }
}

TEST_F(AmoTest, RdEqualToRs2AndRdZero) {
  SetMem<uint32_t>(kData, 10);
  X(kA1) = kData;
  X(kA2) = 3;
  Exec(AMO(kAmoAdd, kW, kA2, kA1, kA2));  // rs2 is read before rd is written
  EXPECT_EQ(Mem<uint32_t>(kData), 13u);
  EXPECT_EQ(X(kA2), 10u);
  Exec(AMO(kAmoSwap, kW, kZero, kA1, kA2));  // rd = x0: memory still updated
  EXPECT_EQ(Mem<uint32_t>(kData), 10u);
  EXPECT_EQ(X(kZero), 0u);
}

// Guest threads are host threads each interpreting on its own CpuState;
// increments through amoadd.w and through an lr.w/sc.w retry loop must all
// land.
TEST_F(AmoTest, AtomicAcrossHostThreads) {
  constexpr int kThreads = 4;
  constexpr int kIters = 20000;
  // a0 = counter address, a1 = iterations left
  //   loop: amoadd.w zero, a2(=1), (a0)
  //   retry: lr.w t0,(a0); addi t0,t0,1; sc.w t6,t0,(a0); bne t6,zero,retry
  //   addi a1,a1,-1; bne a1,zero,loop; ecall
  Code({
      AMO(kAmoAdd, kW, kZero, kA0, kA2),  // 0x00
      AMO(kLr, kW, kT0, kA4, 0),          // 0x04
      ADDI(kT0, kT0, 1),                  // 0x08
      AMO(kSc, kW, kT6, kA4, kT0),        // 0x0c
      BNE(kT6, kZero, -12),               // 0x10
      ADDI(kA1, kA1, -1),                 // 0x14
      BNE(kA1, kZero, -0x18),             // 0x18
      ECALL(),                            // 0x1c
  });
  SetMem<uint32_t>(kData, 0);
  SetMem<uint32_t>(kData + 64, 0);
  std::vector<std::thread> threads;
  std::vector<InterpExit> exits(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      CpuState cpu{};
      cpu.pc = kCode;
      cpu.reservation_addr = kNoReservation;
      cpu.x[kA0] = kData;
      cpu.x[kA4] = kData + 64;
      cpu.x[kA1] = kIters;
      cpu.x[kA2] = 1;
      uint64_t executed;
      exits[i] = Interpret(cpu, mem_, ~uint64_t{0}, &executed);
    });
  }
  for (auto& t : threads) t.join();
  for (InterpExit e : exits) EXPECT_EQ(e, InterpExit::kEcall);
  EXPECT_EQ(Mem<uint32_t>(kData), uint32_t{kThreads * kIters});
  EXPECT_EQ(Mem<uint32_t>(kData + 64), uint32_t{kThreads * kIters});
}

}  // namespace
}  // namespace dbt::riscv::test
