#include "common/shm/wait.h"

#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "common/shm/futex.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::ForkChild;
using testing::WaitChild;

int64_t ElapsedMs(int64_t start_ns) { return (MonotonicNowNs() - start_ns) / 1'000'000; }

TEST(SleepWhileEqualTest, DeadlineExceededWithoutPeer) {
  std::atomic<uint32_t> word{1};
  WaitOptions options;
  int64_t start = MonotonicNowNs();
  absl::Status s = SleepWhileEqual(word, 1, Deadline::After(absl::Milliseconds(60)), options);
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_GE(ElapsedMs(start), 60);
}

TEST(SleepWhileEqualTest, DeadlineExceededWhileALivePeerIsSilent) {
  // The peer (this process) is alive: slices end, the deadline still rules.
  absl::StatusOr<PeerProcess> self = PeerProcess::FromPid(getpid());
  ASSERT_TRUE(self.ok()) << self.status();
  std::atomic<uint32_t> word{1};
  WaitOptions options{.peer = &*self, .peer_poll_interval = absl::Milliseconds(5)};
  int64_t start = MonotonicNowNs();
  absl::Status s = SleepWhileEqual(word, 1, Deadline::After(absl::Milliseconds(60)), options);
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_GE(ElapsedMs(start), 60);
}

TEST(SleepWhileEqualTest, UnavailableSoonAfterThePeerExits) {
  pid_t child = ForkChild([] { return 0; });
  ASSERT_GT(child, 0);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::atomic<uint32_t> word{1};
  WaitOptions options{.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)};
  int64_t start = MonotonicNowNs();
  // No timeout at all: only the peer's death can end this wait.
  absl::Status s = SleepWhileEqual(word, 1, Deadline::Never(), options);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_LT(ElapsedMs(start), 5000);
  EXPECT_EQ(WaitChild(child), 0);
}

TEST(SleepWhileEqualTest, OkWhenTheWordChanges) {
  std::atomic<uint32_t> word{1};
  std::thread changer([&] {
    usleep(20000);
    word.store(2);
    FutexWake(word);
  });
  absl::Status s = SleepWhileEqual(word, 1, Deadline::After(absl::Seconds(30)), WaitOptions{});
  changer.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(word.load(), 2u);
}

TEST(SpinUntilTest, NoSpinBudgetMeansNoPolling) {
  int calls = 0;
  EXPECT_FALSE(SpinUntil(
      [&] {
        ++calls;
        return true;
      },
      absl::ZeroDuration()));
  EXPECT_EQ(calls, 0);
}

TEST(SpinUntilTest, StopsWhenReadyOrWhenTheBudgetIsSpent) {
  int calls = 0;
  EXPECT_TRUE(SpinUntil([&] { return ++calls == 1000; }, absl::Seconds(10)));
  EXPECT_EQ(calls, 1000);
  int64_t start = MonotonicNowNs();
  EXPECT_FALSE(SpinUntil([] { return false; }, absl::Milliseconds(20)));
  EXPECT_GE(ElapsedMs(start), 20);
}

}  // namespace
}  // namespace dbt::shm
