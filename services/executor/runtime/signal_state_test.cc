#include "services/executor/runtime/signal_state.h"

#include <errno.h>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

GuestSiginfo Info(int sig, int code = kSiUser) {
  GuestSiginfo info = {};
  info.si_signo = sig;
  info.si_code = code;
  return info;
}

GuestSigaction Handler(uint64_t flags = 0, GuestSigset mask = 0) {
  return GuestSigaction{0x10000, flags, mask};
}

// rt_sigaction(2): EINVAL for an invalid signal, or for SIGKILL/SIGSTOP
// with a new action; the old action is reported either way.
TEST(SignalStateTest, SetActionValidation) {
  SignalState s(false);
  GuestSigaction act = Handler(), old;
  EXPECT_EQ(s.SetAction(0, &act, nullptr), -EINVAL);
  EXPECT_EQ(s.SetAction(65, &act, nullptr), -EINVAL);
  EXPECT_EQ(s.SetAction(kGuestSigKill, &act, nullptr), -EINVAL);
  EXPECT_EQ(s.SetAction(kGuestSigStop, &act, nullptr), -EINVAL);
  EXPECT_EQ(s.SetAction(kGuestSigKill, nullptr, &old), 0);  // Query is fine.
  EXPECT_EQ(s.SetAction(64, &act, nullptr), 0);
  EXPECT_EQ(s.SetAction(kGuestSigUsr1, &act, &old), 0);
  EXPECT_EQ(old.handler, kGuestSigDfl);
  // SIGKILL and SIGSTOP can never be in a handler's mask.
  act.mask = ~GuestSigset{0};
  s.SetAction(kGuestSigUsr1, &act, nullptr);
  EXPECT_EQ(s.action(kGuestSigUsr1).mask, ~kUnblockable);
}

TEST(SignalStateTest, SigProcMask) {
  SignalState s(false);
  GuestSigset set = SigBit(kGuestSigUsr1) | SigBit(kGuestSigKill), old;
  EXPECT_EQ(s.SigProcMask(kGuestSigBlock, &set, &old), 0);
  EXPECT_EQ(old, 0u);
  EXPECT_EQ(s.blocked(), SigBit(kGuestSigUsr1));  // SIGKILL silently dropped.
  set = SigBit(kGuestSigUsr2);
  s.SigProcMask(kGuestSigBlock, &set, nullptr);
  set = SigBit(kGuestSigUsr1);
  s.SigProcMask(kGuestSigUnblock, &set, nullptr);
  EXPECT_EQ(s.blocked(), SigBit(kGuestSigUsr2));
  s.SigProcMask(kGuestSigSetmask, &set, nullptr);
  EXPECT_EQ(s.blocked(), SigBit(kGuestSigUsr1));
  EXPECT_EQ(s.SigProcMask(3, &set, nullptr), -EINVAL);
}

TEST(SignalStateTest, DequeueOrderSynchronousFirstThenLowest) {
  SignalState s(false);
  for (int sig : {kGuestSigUsr2, kGuestSigSegv, kGuestSigHup, kGuestSigTerm, 40}) {
    GuestSigaction h = Handler();
    s.SetAction(sig, &h, nullptr);
    s.Queue(Info(sig));
  }
  std::vector<int> order;
  while (auto info = s.Dequeue()) order.push_back(info->si_signo);
  EXPECT_EQ(order,
            (std::vector<int>{kGuestSigSegv, kGuestSigHup, kGuestSigUsr2, kGuestSigTerm, 40}));
}

TEST(SignalStateTest, BlockedSignalsWaitAndStandardOnesDoNotQueueTwice) {
  SignalState s(false);
  GuestSigset set = SigBit(kGuestSigUsr1);
  s.SigProcMask(kGuestSigBlock, &set, nullptr);
  s.Queue(Info(kGuestSigUsr1, kSiUser));
  s.Queue(Info(kGuestSigUsr1, kSiTkill));  // Coalesced with the first.
  EXPECT_EQ(s.Pending(), SigBit(kGuestSigUsr1));
  EXPECT_FALSE(s.Dequeue());
  s.SigProcMask(kGuestSigUnblock, &set, nullptr);
  auto info = s.Dequeue();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->si_code, kSiUser);
  EXPECT_FALSE(s.Dequeue());
}

// signal(7): a signal whose disposition is ignore is discarded when
// generated, unless blocked; setting ignore discards a pending one.
TEST(SignalStateTest, IgnoredSignalsAreDiscarded) {
  SignalState s(false);
  s.Queue(Info(kGuestSigChld));  // Default action: ignore.
  s.Queue(Info(kGuestSigWinch));
  EXPECT_EQ(s.Pending(), 0u);
  GuestSigaction ign = {kGuestSigIgn, 0, 0};
  s.SetAction(kGuestSigUsr1, &ign, nullptr);
  s.Queue(Info(kGuestSigUsr1));
  EXPECT_EQ(s.Pending(), 0u);
  GuestSigset set = SigBit(kGuestSigUsr1);
  s.SigProcMask(kGuestSigBlock, &set, nullptr);
  s.Queue(Info(kGuestSigUsr1));
  EXPECT_EQ(s.Pending(), SigBit(kGuestSigUsr1));  // Blocked: kept.
  s.SetAction(kGuestSigUsr1, &ign, nullptr);
  EXPECT_EQ(s.Pending(), 0u);
}

// A fault signal that is blocked or ignored gets its default action (and
// is unblocked), as force_sig_info does.
TEST(SignalStateTest, ForceOverridesBlockAndIgnore) {
  SignalState s(false);
  GuestSigaction h = Handler();
  s.SetAction(kGuestSigSegv, &h, nullptr);
  GuestSigset set = SigBit(kGuestSigSegv);
  s.SigProcMask(kGuestSigBlock, &set, nullptr);
  s.Force(Info(kGuestSigSegv, kSegvMapErr));
  EXPECT_EQ(s.action(kGuestSigSegv).handler, kGuestSigDfl);
  EXPECT_EQ(s.blocked(), 0u);
  EXPECT_EQ(s.Dequeue()->si_code, kSegvMapErr);
  // Not blocked, with a handler: the handler stays.
  s.SetAction(kGuestSigSegv, &h, nullptr);
  s.Force(Info(kGuestSigSegv));
  EXPECT_EQ(s.action(kGuestSigSegv).handler, h.handler);
}

TEST(SignalStateTest, TakePendingInIgnoresTheMask) {
  SignalState s(false);
  GuestSigset set = SigBit(kGuestSigUsr1) | SigBit(kGuestSigUsr2);
  s.SigProcMask(kGuestSigBlock, &set, nullptr);
  s.Queue(Info(kGuestSigUsr2));
  EXPECT_FALSE(s.TakePendingIn(SigBit(kGuestSigUsr1)));
  auto info = s.TakePendingIn(set);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->si_signo, kGuestSigUsr2);
  EXPECT_EQ(s.Pending(), 0u);
}

// sigaltstack(2).
TEST(SignalStateTest, AltStackRules) {
  SignalState s(false);
  GuestStack old;
  EXPECT_EQ(s.SigAltStack(nullptr, &old, 0x1000), 0);
  EXPECT_EQ(old.ss_flags, kGuestSsDisable);
  GuestStack small = {0x10000, 0, 0, kGuestMinSigStkSz - 1};
  EXPECT_EQ(s.SigAltStack(&small, nullptr, 0x1000), -ENOMEM);
  GuestStack bad = {0x10000, 4, 0, 0x4000};
  EXPECT_EQ(s.SigAltStack(&bad, nullptr, 0x1000), -EINVAL);
  GuestStack ok = {0x10000, 0, 0, 0x4000};
  EXPECT_EQ(s.SigAltStack(&ok, nullptr, 0x1000), 0);
  // On it: sp in (ss_sp, ss_sp + ss_size].
  EXPECT_FALSE(s.OnAltStack(0x10000));
  EXPECT_TRUE(s.OnAltStack(0x10001));
  EXPECT_TRUE(s.OnAltStack(0x14000));
  EXPECT_FALSE(s.OnAltStack(0x14001));
  EXPECT_EQ(s.SigAltStack(nullptr, &old, 0x12000), 0);
  EXPECT_EQ(old.ss_flags, kGuestSsOnStack);
  EXPECT_EQ(old.ss_sp, 0x10000u);
  EXPECT_EQ(old.ss_size, 0x4000u);
  // Changing it while on it: EPERM.
  EXPECT_EQ(s.SigAltStack(&ok, nullptr, 0x12000), -EPERM);
  GuestStack disable = {0, kGuestSsDisable, 0, 0};
  EXPECT_EQ(s.SigAltStack(&disable, nullptr, 0x1000), 0);
  EXPECT_EQ(s.altstack().ss_size, 0u);
}

TEST(SignalStateTest, AutoDisarmClearsTheStackWhenAFrameSavesIt) {
  SignalState s(false);
  GuestStack ss = {0x10000, static_cast<int32_t>(kGuestSsAutoDisarm), 0, 0x4000};
  ASSERT_EQ(s.SigAltStack(&ss, nullptr, 0x1000), 0);
  GuestStack saved = s.SaveAltStackForFrame(0x1000);
  EXPECT_EQ(saved.ss_sp, 0x10000u);
  EXPECT_EQ(static_cast<uint32_t>(saved.ss_flags), kGuestSsAutoDisarm);
  EXPECT_EQ(s.altstack().ss_size, 0u);  // Disarmed...
  s.RestoreAltStack(saved, 0x1000);     // ...until sigreturn restores it.
  EXPECT_EQ(s.altstack().ss_size, 0x4000u);
}

TEST(SignalStateTest, SuspendMaskIsWhatTheFrameSaves) {
  SignalState s(false);
  GuestSigset set = SigBit(kGuestSigUsr1);
  s.SigProcMask(kGuestSigSetmask, &set, nullptr);
  s.SuspendWithMask(SigBit(kGuestSigUsr2));
  EXPECT_EQ(s.blocked(), SigBit(kGuestSigUsr2));
  EXPECT_EQ(s.MaskToSave(), SigBit(kGuestSigUsr1));
  s.RestoreSavedMask();
  EXPECT_EQ(s.blocked(), SigBit(kGuestSigUsr1));
  EXPECT_EQ(s.MaskToSave(), SigBit(kGuestSigUsr1));
}

TEST(SignalAbiTest, NamesAndDefaults) {
  EXPECT_STREQ(GuestSignalName(kGuestSigSegv), "SIGSEGV");
  EXPECT_STREQ(GuestSignalName(34), "SIG34");
  EXPECT_EQ(GuestDefaultAction(kGuestSigAbrt), DefaultAction::kCoreDump);
  EXPECT_EQ(GuestDefaultAction(kGuestSigTerm), DefaultAction::kTerminate);
  EXPECT_EQ(GuestDefaultAction(kGuestSigChld), DefaultAction::kIgnore);
  EXPECT_EQ(GuestDefaultAction(kGuestSigTstp), DefaultAction::kStop);
  EXPECT_EQ(GuestDefaultAction(40), DefaultAction::kTerminate);
}

}  // namespace
}  // namespace dbt::executor
