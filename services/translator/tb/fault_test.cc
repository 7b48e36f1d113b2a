// A guest access that faults inside generated code: the host pc in the
// signal context maps back to the guest instruction (pc map), and the
// guest registers written by earlier instructions are already in env
// (globals are synced before every guest memory access).
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstddef>

#include <gtest/gtest.h>

#include "services/translator/ir/builder.h"
#include "services/translator/tb/jit_runner.h"
#include "services/translator/tb/translate.h"

namespace dbt::tb {
namespace {

using ir::IrBuilder;
using ir::Temp;

sigjmp_buf g_jump;
uint64_t g_fault_rip;
uint64_t g_fault_addr;

void OnSegv(int, siginfo_t* info, void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
  g_fault_rip = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
  g_fault_addr = reinterpret_cast<uint64_t>(info->si_addr);
  siglongjmp(g_jump, 1);
}

Temp X(IrBuilder& b, int i) { return b.Global(8 * i, "x" + std::to_string(i)); }

TEST(FaultTest, FaultingLoadMapsBackToItsGuestInstruction) {
  JitRunner runner;
  constexpr uint64_t kBadPage = 0x80000;
  ASSERT_EQ(mprotect(runner.guest_memory() + kBadPage, 4096, PROT_NONE), 0);

  // 0x1000: addi x5, x5, 1
  // 0x1004: add x6, x5, x5
  // 0x1008: ld x7, 0(x8)      <- faults
  // 0x100c: addi x5, x5, 100
  ir::Block block(0x1000);
  IrBuilder b(block);
  b.TbStart();
  b.InsnStart(0x1000);
  b.Add(X(b, 5), X(b, 5), b.Const(1));
  b.InsnStart(0x1004);
  b.Add(X(b, 6), X(b, 5), X(b, 5));
  b.InsnStart(0x1008);
  Temp t = b.NewTemp();
  b.QemuLd(t, X(b, 8), ir::kMemU64);
  b.Mov(X(b, 7), t);
  b.InsnStart(0x100c);
  b.Add(X(b, 5), X(b, 5), b.Const(100));
  b.Movi(b.Global(offsetof(GuestEnv, cpu.pc), "pc"), 0x1010);
  b.ExitTb(kTbExitNoChain);
  auto tb = runner.Translate(block);
  ASSERT_TRUE(tb.ok()) << tb.status();
  ASSERT_EQ(tb->pc_map.size(), 4u);

  runner.env().cpu.x[5] = 10;
  runner.env().cpu.x[7] = 0x77;
  runner.env().cpu.x[8] = kBadPage + 8;

  struct sigaction sa = {}, old = {};
  sa.sa_sigaction = &OnSegv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, &old);
  bool faulted = false;
  if (sigsetjmp(g_jump, 1) == 0) {
    runner.Run(*tb);
  } else {
    faulted = true;
  }
  sigaction(SIGSEGV, &old, nullptr);

  ASSERT_TRUE(faulted);
  EXPECT_EQ(g_fault_addr, reinterpret_cast<uint64_t>(runner.guest_memory()) + kBadPage + 8);
  uint64_t code = runner.CodeAddress(*tb);
  ASSERT_GE(g_fault_rip, code);
  EXPECT_EQ(GuestPcAt(*tb, g_fault_rip - code), 0x1008u);
  // The two earlier instructions' results are in env; the faulting one and
  // the later one did not happen.
  EXPECT_EQ(runner.env().cpu.x[5], 11u);
  EXPECT_EQ(runner.env().cpu.x[6], 22u);
  EXPECT_EQ(runner.env().cpu.x[7], 0x77u);
}

TEST(FaultTest, GuestPcAtUsesTheLastInstructionStartingAtOrBefore) {
  TranslatedTb tb;
  tb.code_size = 100;
  tb.pc_map = {{10, 0x1000}, {20, 0x1004}, {35, 0x1008}};
  EXPECT_EQ(GuestPcAt(tb, 5), std::nullopt);  // the TB-entry check
  EXPECT_EQ(GuestPcAt(tb, 10), 0x1000u);
  EXPECT_EQ(GuestPcAt(tb, 19), 0x1000u);
  EXPECT_EQ(GuestPcAt(tb, 20), 0x1004u);
  EXPECT_EQ(GuestPcAt(tb, 99), 0x1008u);
  EXPECT_EQ(GuestPcAt(tb, 100), std::nullopt);
}

}  // namespace
}  // namespace dbt::tb
