#include "services/executor/service/stdin_feed.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

struct PipeEnds {
  shm::UniqueFd read, write;
};

PipeEnds MakePipe() {
  int fds[2];
  EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
  return {shm::UniqueFd(fds[0]), shm::UniqueFd(fds[1])};
}

std::string ReadToEof(int fd) {
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
  return all;
}

auto never = [] { return false; };

TEST(StdinFeedTest, WritesEverythingAndCloseGivesTheReaderEof) {
  PipeEnds p = MakePipe();
  StdinFeed feed(std::move(p.write));
  // More than a pipe holds: Write waits for the reader.
  const std::string big(300 << 10, 'x');
  std::string got;
  std::thread reader([&] { got = ReadToEof(p.read.get()); });
  ASSERT_TRUE(feed.Write("hello\n", never).ok());
  ASSERT_TRUE(feed.Write(big, never).ok());
  feed.Close();
  reader.join();
  EXPECT_EQ(got, "hello\n" + big);
  EXPECT_TRUE(absl::IsFailedPrecondition(feed.Write("late", never)));
}

TEST(StdinFeedTest, AFullPipeGivesUpWhenTold) {
  PipeEnds p = MakePipe();
  StdinFeed feed(std::move(p.write));
  std::atomic<int> asked{0};
  absl::Status s = feed.Write(std::string(1 << 20, 'y'), [&] { return ++asked >= 3; });
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_EQ(asked.load(), 3);
}

TEST(StdinFeedTest, AReaderThatLeftIsAnErrorNotASignal) {
  PipeEnds p = MakePipe();
  StdinFeed feed(std::move(p.write));
  p.read.Reset();
  signal(SIGPIPE, SIG_IGN);  // as the executor service does
  EXPECT_TRUE(absl::IsFailedPrecondition(feed.Write("nobody", never)));
}

}  // namespace
}  // namespace dbt::executor
