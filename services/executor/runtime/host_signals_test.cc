// The host side of guest signals, on this test process: recording through
// a mirrored disposition, and SafeSyscall's two ways of being interrupted.
#include "services/executor/runtime/host_signals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "gtest/gtest.h"
#include "services/executor/runtime/signal_state.h"

namespace dbt::executor {
namespace {

class HostSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    memory_ = std::move(*GuestMemory::Create(uint64_t{1} << 30));
    HostSignals::Install(memory_.get(), &exit_request_);
    ASSERT_EQ(pipe(pipe_), 0);
  }
  void TearDown() override {
    HostSignals::Uninstall();
    close(pipe_[0]);
    close(pipe_[1]);
  }
  std::unique_ptr<GuestMemory> memory_;
  uint32_t exit_request_ = 0;
  int pipe_[2];
};

TEST_F(HostSignalsTest, SignalNumbers) {
  for (int s = 1; s < 32; ++s) EXPECT_EQ(GuestToHostSignal(s), s);
  EXPECT_EQ(GuestToHostSignal(32), SIGRTMIN);
  EXPECT_EQ(HostToGuestSignal(SIGRTMIN + 3), 35);
  EXPECT_EQ(GuestToHostSignal(64), 0);  // Beyond host SIGRTMAX.
  EXPECT_EQ(HostToGuestSignal(32), 0);  // glibc's own.
}

TEST_F(HostSignalsTest, SafeSyscallResults) {
  EXPECT_EQ(SafeSyscall(SYS_getpid), getpid());
  EXPECT_EQ(SafeSyscall(SYS_close, 99999), -EBADF);
  EXPECT_EQ(SafeSyscall(SYS_write, pipe_[1], reinterpret_cast<uint64_t>("ab"), 2), 2);
  char buf[2];
  EXPECT_EQ(SafeSyscall(SYS_read, pipe_[0], reinterpret_cast<uint64_t>(buf), 2), 2);
}

TEST_F(HostSignalsTest, RecordedSignalKeepsTheSyscallFromStarting) {
  SignalState signals(/*mirror_to_host=*/true);
  GuestSigaction handler = {0x1000, 0, 0};
  ASSERT_EQ(signals.SetAction(kGuestSigUsr1, &handler, nullptr), 0);
  raise(SIGUSR1);  // Recorded by the mirrored host handler.
  EXPECT_TRUE(HostSignals::HasRecorded());
  EXPECT_EQ(exit_request_, 1u);
  // The pipe is empty: entering read would block forever.
  char c;
  EXPECT_EQ(SafeSyscall(SYS_read, pipe_[0], reinterpret_cast<uint64_t>(&c), 1), kSyscallNotEntered);
  std::optional<GuestSiginfo> info = signals.Dequeue();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->si_signo, kGuestSigUsr1);
  EXPECT_EQ(info->si_code, SI_TKILL);
  EXPECT_FALSE(HostSignals::HasRecorded());
  GuestSigaction dfl = {kGuestSigDfl, 0, 0};
  signals.SetAction(kGuestSigUsr1, &dfl, nullptr);
}

TEST_F(HostSignalsTest, SignalWhileBlockedInTheKernelIsEintr) {
  SignalState signals(/*mirror_to_host=*/true);
  GuestSigaction handler = {0x1000, 0, 0};
  ASSERT_EQ(signals.SetAction(kGuestSigUsr2, &handler, nullptr), 0);
  pthread_t self = pthread_self();
  std::thread waker([self] {
    usleep(50000);
    pthread_kill(self, SIGUSR2);
  });
  char c;
  EXPECT_EQ(SafeSyscall(SYS_read, pipe_[0], reinterpret_cast<uint64_t>(&c), 1), -EINTR);
  waker.join();
  EXPECT_EQ(signals.Pending(), SigBit(kGuestSigUsr2));
  GuestSigaction dfl = {kGuestSigDfl, 0, 0};
  signals.SetAction(kGuestSigUsr2, &dfl, nullptr);
}

TEST_F(HostSignalsTest, BlockedGuestSignalsStayPendingInTheHostKernel) {
  SignalState signals(/*mirror_to_host=*/true);
  GuestSigaction handler = {0x1000, 0, 0};
  ASSERT_EQ(signals.SetAction(kGuestSigUsr1, &handler, nullptr), 0);
  signals.SetBlocked(SigBit(kGuestSigUsr1));
  raise(SIGUSR1);
  EXPECT_FALSE(HostSignals::HasRecorded());  // Blocked on the host too.
  sigset_t pending;
  sigpending(&pending);
  EXPECT_TRUE(sigismember(&pending, SIGUSR1));
  signals.SetBlocked(0);  // Unblocking delivers it to the recorder.
  EXPECT_TRUE(HostSignals::HasRecorded());
  EXPECT_EQ(signals.Dequeue()->si_signo, kGuestSigUsr1);
  GuestSigaction dfl = {kGuestSigDfl, 0, 0};
  signals.SetAction(kGuestSigUsr1, &dfl, nullptr);
}

TEST_F(HostSignalsTest, FaultsInsideRunCatchingFaultsComeBackAsGuestFaults) {
  uint8_t* base = memory_->base();
  std::optional<GuestFault> fault =
      HostSignals::RunCatchingFaults([&] { *(volatile uint8_t*)(base + 0x1234) = 1; });
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->signo, kGuestSigSegv);
  EXPECT_EQ(fault->addr, 0x1234u);
  // The guard below the space: a negative guest address faults too.
  fault = HostSignals::RunCatchingFaults([&] { (void)*(volatile uint8_t*)(base - 8); });
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->addr, static_cast<uint64_t>(-8));
  // No fault: nothing.
  EXPECT_FALSE(HostSignals::RunCatchingFaults([] {}));
}

}  // namespace
}  // namespace dbt::executor
