#include "services/cache/store/flush_lock.h"

#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace dbt::cache {
namespace {

std::string TempDir() {
  char dir[] = "/tmp/dbt-flush-lock-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

TEST(FlushLockTest, NobodyFlushingMeansNoWait) {
  const std::string dir = TempDir();
  FlushLock reader(FlushLockPath(dir));
  EXPECT_TRUE(reader.WaitForFlushers(absl::ZeroDuration()));
  unlink(FlushLockPath(dir).c_str());
  rmdir(dir.c_str());
}

TEST(FlushLockTest, AReaderWaitsForAFlusherAndNoLonger) {
  const std::string dir = TempDir();
  auto flusher = std::make_unique<FlushLock>(FlushLockPath(dir));
  ASSERT_TRUE(flusher->HoldWhileFlushing());
  // Two flushers at once are fine (shared).
  auto second = std::make_unique<FlushLock>(FlushLockPath(dir));
  ASSERT_TRUE(second->HoldWhileFlushing());
  FlushLock reader(FlushLockPath(dir));
  EXPECT_FALSE(reader.WaitForFlushers(absl::Milliseconds(30)));
  // Both finish while the reader waits: it goes on.
  std::thread done([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flusher.reset();
  });
  std::thread done2([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    second.reset();
  });
  EXPECT_TRUE(reader.WaitForFlushers(absl::Seconds(10)));
  done.join();
  done2.join();
  unlink(FlushLockPath(dir).c_str());
  rmdir(dir.c_str());
}

TEST(FlushLockTest, AStoreWithoutItsDirectoryDoesNotWait) {
  FlushLock reader(FlushLockPath("/nonexistent/dbt-store"));
  EXPECT_TRUE(reader.WaitForFlushers(absl::Seconds(10)));
  EXPECT_FALSE(reader.HoldWhileFlushing());
}

}  // namespace
}  // namespace dbt::cache
