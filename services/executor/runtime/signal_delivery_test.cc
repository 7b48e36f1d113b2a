#include "services/executor/runtime/signal_delivery.h"

#include <sys/mman.h>

#include <cstring>
#include <memory>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

constexpr uint64_t kStackLow = 0x100000, kStackHigh = 0x110000;
constexpr uint64_t kTrampoline = 0x5000;
constexpr uint64_t kHandler = 0x20000;

class SignalDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_ = std::move(*GuestMemory::Create(uint64_t{1} << 30));
    ASSERT_EQ(mem_->Mmap(kStackLow, kStackHigh - kStackLow, PROT_READ | PROT_WRITE,
                         0x02 | 0x10 | 0x20, -1, 0),
              static_cast<int64_t>(kStackLow));
    env_ = std::make_unique<GuestEnv>();
    proc_ = std::make_unique<GuestProcess>(*mem_, *env_, false);
    proc_->sigreturn_trampoline = kTrampoline;
    riscv::CpuState& cpu = env_->cpu;
    for (int i = 1; i < 32; ++i) cpu.x[i] = i * 0x100;
    for (int i = 0; i < 32; ++i) cpu.f[i] = 0xf000 + i;
    cpu.x[2] = 0x10f008;
    cpu.pc = 0x12345;
    cpu.fflags = 0x3;
    cpu.frm = 2;
  }
  uint64_t Word(uint64_t addr) {
    uint64_t v;
    memcpy(&v, mem_->Host(addr), 8);
    return v;
  }
  uint32_t Word32(uint64_t addr) {
    uint32_t v;
    memcpy(&v, mem_->Host(addr), 4);
    return v;
  }
  void SetHandler(int sig, uint64_t flags, GuestSigset mask = 0, uint64_t handler = kHandler) {
    GuestSigaction act = {handler, flags, mask};
    ASSERT_EQ(proc_->signals.SetAction(sig, &act, nullptr), 0);
  }
  static GuestSiginfo Info(int sig, int code) {
    GuestSiginfo info = {};
    info.si_signo = sig;
    info.si_code = code;
    info.u.kill.pid = 42;
    return info;
  }

  std::unique_ptr<GuestMemory> mem_;
  std::unique_ptr<GuestEnv> env_;
  std::unique_ptr<GuestProcess> proc_;
};

// The frame of arch/riscv/kernel/signal.c: siginfo at the (16-aligned)
// frame start, ucontext 128 bytes in; uc_stack at +16, uc_sigmask at +40,
// uc_mcontext at +176 (gregs, then f[32] at +256 and fcsr at +512).
TEST_F(SignalDeliveryTest, FrameLayoutAndHandlerEntry) {
  GuestSigset before = SigBit(kGuestSigHup);
  proc_->signals.SetBlocked(before);
  SetHandler(kGuestSigUsr1, kGuestSaSigInfo, SigBit(kGuestSigUsr2));
  ASSERT_TRUE(SetupSignalFrame(*proc_, Info(kGuestSigUsr1, kSiTkill),
                               proc_->signals.action(kGuestSigUsr1)));
  // (0x10f008 - 1088) & ~15.
  const uint64_t frame = 0x10ebc0;
  const riscv::CpuState& cpu = env_->cpu;
  EXPECT_EQ(cpu.x[2], frame);
  EXPECT_EQ(cpu.pc, kHandler);
  EXPECT_EQ(cpu.x[1], kTrampoline);
  EXPECT_EQ(cpu.x[10], static_cast<uint64_t>(kGuestSigUsr1));
  EXPECT_EQ(cpu.x[11], frame);
  EXPECT_EQ(cpu.x[12], frame + 128);

  EXPECT_EQ(Word32(frame), static_cast<uint32_t>(kGuestSigUsr1));
  EXPECT_EQ(static_cast<int32_t>(Word32(frame + 8)), kSiTkill);
  EXPECT_EQ(Word32(frame + 16), 42u);  // si_pid
  const uint64_t uc = frame + 128;
  EXPECT_EQ(Word(uc + 0), 0u);   // uc_flags
  EXPECT_EQ(Word(uc + 8), 0u);   // uc_link
  EXPECT_EQ(Word(uc + 16), 0u);  // uc_stack.ss_sp
  EXPECT_EQ(Word32(uc + 24), static_cast<uint32_t>(kGuestSsDisable));
  EXPECT_EQ(Word(uc + 32), 0u);      // ss_size
  EXPECT_EQ(Word(uc + 40), before);  // uc_sigmask
  const uint64_t mc = uc + 176;
  EXPECT_EQ(Word(mc), 0x12345u);  // gregs[0] = pc
  EXPECT_EQ(Word(mc + 8), 0x100u);
  EXPECT_EQ(Word(mc + 2 * 8), 0x10f008u);  // The interrupted sp.
  EXPECT_EQ(Word(mc + 31 * 8), 31u * 0x100);
  EXPECT_EQ(Word(mc + 256), 0xf000u);
  EXPECT_EQ(Word(mc + 256 + 31 * 8), 0xf000u + 31);
  EXPECT_EQ(Word32(mc + 512), (2u << 5) | 3u);  // fcsr = frm << 5 | fflags
  // sa_mask and the signal itself are blocked while the handler runs.
  EXPECT_EQ(proc_->signals.blocked(), before | SigBit(kGuestSigUsr2) | SigBit(kGuestSigUsr1));
}

TEST_F(SignalDeliveryTest, SigreturnRestoresWhatTheHandlerLeftInTheFrame) {
  proc_->signals.SetBlocked(SigBit(kGuestSigHup));
  SetHandler(kGuestSigUsr1, 0);
  ASSERT_TRUE(
      SetupSignalFrame(*proc_, Info(kGuestSigUsr1, kSiUser), proc_->signals.action(kGuestSigUsr1)));
  const uint64_t frame = env_->cpu.x[2];
  const uint64_t mc = frame + 128 + 176;
  uint64_t changed = 0xdead;
  memcpy(mem_->Host(mc + 5 * 8), &changed, 8);
  uint32_t fcsr = (4u << 5) | 0x10;
  memcpy(mem_->Host(mc + 512), &fcsr, 4);
  // The handler clobbers registers, then returns to the trampoline with sp
  // back at the frame.
  for (int i = 1; i < 32; ++i) env_->cpu.x[i] = 0;
  env_->cpu.x[2] = frame;
  env_->cpu.f[3] = 0;
  ASSERT_TRUE(RestoreSignalFrame(*proc_));
  const riscv::CpuState& cpu = env_->cpu;
  EXPECT_EQ(cpu.pc, 0x12345u);
  EXPECT_EQ(cpu.x[2], 0x10f008u);
  EXPECT_EQ(cpu.x[5], 0xdeadu);
  EXPECT_EQ(cpu.x[31], 31u * 0x100);
  EXPECT_EQ(cpu.f[3], 0xf003u);
  EXPECT_EQ(cpu.frm, 4u);
  EXPECT_EQ(cpu.fflags, 0x10u);
  EXPECT_EQ(proc_->signals.blocked(), SigBit(kGuestSigHup));
}

TEST_F(SignalDeliveryTest, OnStackUsesTheAlternateStack) {
  GuestStack ss = {0x108000, 0, 0, 0x2000};
  ASSERT_EQ(proc_->signals.SigAltStack(&ss, nullptr, env_->cpu.x[2]), 0);
  SetHandler(kGuestSigUsr1, kGuestSaOnStack);
  ASSERT_TRUE(
      SetupSignalFrame(*proc_, Info(kGuestSigUsr1, kSiUser), proc_->signals.action(kGuestSigUsr1)));
  const uint64_t frame = (0x10a000 - 1088) & ~uint64_t{15};
  EXPECT_EQ(env_->cpu.x[2], frame);
  EXPECT_EQ(Word(frame + 128 + 16), 0x108000u);  // uc_stack: the stack, not on it yet.
  EXPECT_EQ(Word32(frame + 128 + 24), 0u);
  EXPECT_EQ(Word(frame + 128 + 32), 0x2000u);
  // A second signal while on it nests below the first frame...
  SetHandler(kGuestSigUsr2, kGuestSaOnStack);
  ASSERT_TRUE(
      SetupSignalFrame(*proc_, Info(kGuestSigUsr2, kSiUser), proc_->signals.action(kGuestSigUsr2)));
  EXPECT_EQ(env_->cpu.x[2], (frame - 1088) & ~uint64_t{15});
  EXPECT_EQ(Word32(env_->cpu.x[2] + 128 + 24), static_cast<uint32_t>(kGuestSsOnStack));
}

TEST_F(SignalDeliveryTest, OverflowingTheAlternateStackIsSigsegv) {
  GuestStack ss = {0x108000, 0, 0, 0x800 + 0x100};
  ASSERT_EQ(proc_->signals.SigAltStack(&ss, nullptr, env_->cpu.x[2]), 0);
  env_->cpu.x[2] = 0x108100;  // On the alternate stack, 256 bytes from its end.
  SetHandler(kGuestSigUsr1, kGuestSaOnStack);
  EXPECT_FALSE(
      SetupSignalFrame(*proc_, Info(kGuestSigUsr1, kSiUser), proc_->signals.action(kGuestSigUsr1)));
  auto forced = proc_->signals.Dequeue();
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->si_signo, kGuestSigSegv);
}

TEST_F(SignalDeliveryTest, UnwritableStackKillsWithSigsegv) {
  env_->cpu.x[2] = 0x300000;  // Nothing mapped there.
  SetHandler(kGuestSigSegv, 0);
  EXPECT_FALSE(SetupSignalFrame(*proc_, Info(kGuestSigSegv, kSegvMapErr),
                                proc_->signals.action(kGuestSigSegv)));
  // Linux's force_sigsegv: the SIGSEGV handler is reset, so this one kills.
  EXPECT_EQ(proc_->signals.action(kGuestSigSegv).handler, kGuestSigDfl);
  DeliverPendingSignals(*proc_);
  ASSERT_TRUE(proc_->exit);
  EXPECT_EQ(*proc_->exit, (GuestExit{true, kGuestSigSegv}));
}

TEST_F(SignalDeliveryTest, NoDeferAndResetHand) {
  SetHandler(kGuestSigUsr1, kGuestSaNoDefer | kGuestSaResetHand);
  ASSERT_TRUE(
      SetupSignalFrame(*proc_, Info(kGuestSigUsr1, kSiUser), proc_->signals.action(kGuestSigUsr1)));
  EXPECT_EQ(proc_->signals.blocked(), 0u);
  EXPECT_EQ(proc_->signals.action(kGuestSigUsr1).handler, kGuestSigDfl);
}

TEST_F(SignalDeliveryTest, DefaultActions) {
  proc_->signals.Queue(Info(kGuestSigChld, kSiUser));  // Ignored.
  DeliverPendingSignals(*proc_);
  EXPECT_FALSE(proc_->exit);
  EXPECT_EQ(env_->cpu.pc, 0x12345u);
  proc_->signals.Queue(Info(kGuestSigTerm, kSiUser));
  DeliverPendingSignals(*proc_);
  ASSERT_TRUE(proc_->exit);
  EXPECT_EQ(*proc_->exit, (GuestExit{true, kGuestSigTerm}));
}

TEST_F(SignalDeliveryTest, SeveralPendingSignalsNestFrames) {
  SetHandler(kGuestSigUsr1, 0, 0, 0x21000);
  SetHandler(kGuestSigUsr2, 0, 0, 0x22000);
  proc_->signals.Queue(Info(kGuestSigUsr1, kSiUser));
  proc_->signals.Queue(Info(kGuestSigUsr2, kSiUser));
  DeliverPendingSignals(*proc_);
  // USR1 first (lower number), then USR2 on top of it: the USR2 handler
  // runs first and returns into the USR1 handler.
  EXPECT_EQ(env_->cpu.pc, 0x22000u);
  const uint64_t second = env_->cpu.x[2];
  EXPECT_EQ(Word(second + 128 + 176), 0x21000u);
  EXPECT_EQ(proc_->signals.blocked(), SigBit(kGuestSigUsr1) | SigBit(kGuestSigUsr2));
  EXPECT_EQ(Word(second + 128 + 40), SigBit(kGuestSigUsr1));
}

}  // namespace
}  // namespace dbt::executor
