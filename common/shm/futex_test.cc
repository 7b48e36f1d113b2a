#include "common/shm/futex.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "common/shm/deadline.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::ForkChild;
using testing::WaitChild;

// Calls FutexWake until it reports one woken waiter: proves the waiter was
// queued on this word (a wake that finds nobody returns 0).
int WakeOneWaiter(const std::atomic<uint32_t>& word) {
  Deadline give_up = Deadline::After(absl::Seconds(10));
  while (!give_up.Expired()) {
    int woken = FutexWake(word, 1);
    if (woken != 0) return woken;
    usleep(1000);
  }
  return 0;
}

TEST(DeadlineTest, NeverAndPast) {
  EXPECT_TRUE(Deadline::After(absl::InfiniteDuration()).is_never());
  EXPECT_FALSE(Deadline::Never().Expired());
  EXPECT_TRUE(Deadline::After(-absl::Seconds(1)).Expired());
  EXPECT_TRUE(Deadline::After(absl::ZeroDuration()).Expired());
  EXPECT_FALSE(Deadline::After(absl::Hours(1)).Expired());
  // A huge finite timeout saturates to never instead of overflowing.
  EXPECT_TRUE(Deadline::After(absl::Hours(24 * 365 * 1000000LL)).is_never());
}

TEST(DeadlineTest, TimespecSplitsNanoseconds) {
  timespec ts = Deadline::AtNs(3'000'000'007).ToTimespec();
  EXPECT_EQ(ts.tv_sec, 3);
  EXPECT_EQ(ts.tv_nsec, 7);
}

TEST(FutexTest, ReturnsAtOnceWhenTheWordDiffers) {
  std::atomic<uint32_t> word{5};
  EXPECT_TRUE(FutexWait(word, 4, Deadline::Never()).ok());
}

TEST(FutexTest, TimesOutAtTheDeadline) {
  std::atomic<uint32_t> word{0};
  int64_t start = MonotonicNowNs();
  absl::Status s = FutexWait(word, 0, Deadline::After(absl::Milliseconds(50)));
  int64_t elapsed_ms = (MonotonicNowNs() - start) / 1'000'000;
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_GE(elapsed_ms, 50);
  EXPECT_LT(elapsed_ms, 5000);
}

TEST(FutexTest, PastDeadlineDoesNotSleep) {
  std::atomic<uint32_t> word{0};
  EXPECT_TRUE(absl::IsDeadlineExceeded(FutexWait(word, 0, Deadline::AtNs(1))));
}

TEST(FutexTest, WakeReachesASleepingThread) {
  std::atomic<uint32_t> word{0};
  absl::Status result = absl::UnknownError("not run");
  std::thread waiter([&] { result = FutexWait(word, 0, Deadline::After(absl::Seconds(30))); });
  // The word never changes: only the wake can end the wait early.
  EXPECT_EQ(WakeOneWaiter(word), 1);
  waiter.join();
  EXPECT_TRUE(result.ok()) << result;
}

TEST(FutexTest, WakeThroughASecondMappingOfTheSamePage) {
  // Two mappings of one memfd page, at different addresses: a shared futex
  // is keyed by the page, so a wake through one mapping reaches a waiter on
  // the other. With FUTEX_PRIVATE_FLAG (keyed by address) it would not.
  int fd = memfd_create("futex-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 4096), 0);
  void* a = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  void* b = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ASSERT_NE(a, MAP_FAILED);
  ASSERT_NE(b, MAP_FAILED);
  ASSERT_NE(a, b);
  auto* word_a = new (a) std::atomic<uint32_t>(0);
  auto* word_b = static_cast<std::atomic<uint32_t>*>(b);
  absl::Status result = absl::UnknownError("not run");
  std::thread waiter([&] { result = FutexWait(*word_a, 0, Deadline::After(absl::Seconds(30))); });
  EXPECT_EQ(WakeOneWaiter(*word_b), 1);
  waiter.join();
  EXPECT_TRUE(result.ok()) << result;
  munmap(a, 4096);
  munmap(b, 4096);
  close(fd);
}

TEST(FutexTest, WakeReachesAnotherProcess) {
  void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(page, MAP_FAILED);
  auto* word = new (page) std::atomic<uint32_t>(0);
  pid_t child = ForkChild([&] {
    absl::Status s = FutexWait(*word, 0, Deadline::After(absl::Seconds(30)));
    CHILD_CHECK(s.ok());
    CHILD_CHECK(word->load() == 0);  // woken, not by a change of value
    return 0;
  });
  ASSERT_GT(child, 0);
  EXPECT_EQ(WakeOneWaiter(*word), 1);
  EXPECT_EQ(WaitChild(child), 0);
  munmap(page, 4096);
}

}  // namespace
}  // namespace dbt::shm
