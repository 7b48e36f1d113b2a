#include "services/executor/service/stdio_handoff.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

class StdioHandoffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dbt-stdio-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/e.sock.stdio";
  }
  void TearDown() override { (void)system(("rm -rf " + dir_).c_str()); }

  static bool SameFile(int a, int b) {
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(StdioHandoffTest, TheFdsTakenAreTheClientsOwnOnce) {
  auto handoff = StdioHandoff::Listen(path_);
  ASSERT_TRUE(handoff.ok()) << handoff.status();
  absl::StatusOr<StdioTicket> ticket = HandOverStdio(path_);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->token.size(), 32u);
  absl::StatusOr<StdioHandoff::Fds> fds = (*handoff)->Take(ticket->token);
  ASSERT_TRUE(fds.ok()) << fds.status();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(SameFile(fds->stdio[i].get(), i)) << "fd " << i;
  EXPECT_TRUE(fds->more.empty());
  EXPECT_TRUE(absl::IsNotFound((*handoff)->Take(ticket->token).status()));
  EXPECT_TRUE(absl::IsNotFound((*handoff)->Take("0123456789abcdef0123456789abcdef").status()));
}

TEST_F(StdioHandoffTest, OtherFdsComeWithTheirNumbers) {
  auto handoff = StdioHandoff::Listen(path_);
  ASSERT_TRUE(handoff.ok()) << handoff.status();
  const int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int b = open(path_.c_str(), O_PATH | O_CLOEXEC);  // the socket file: another inode
  ASSERT_GE(a, 3);
  ASSERT_GE(b, 3);
  absl::StatusOr<StdioTicket> ticket = HandOverStdio(path_, {b, a});
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  absl::StatusOr<StdioHandoff::Fds> fds = (*handoff)->Take(ticket->token);
  ASSERT_TRUE(fds.ok()) << fds.status();
  ASSERT_EQ(fds->more.size(), 2u);
  EXPECT_EQ(fds->more[0].first, b);
  EXPECT_TRUE(SameFile(fds->more[0].second.get(), b));
  EXPECT_EQ(fds->more[1].first, a);
  EXPECT_TRUE(SameFile(fds->more[1].second.get(), a));
  close(a);
  close(b);
}

TEST_F(StdioHandoffTest, BadFdNumbersAreRefused) {
  auto handoff = StdioHandoff::Listen(path_);
  ASSERT_TRUE(handoff.ok()) << handoff.status();
  // The client refuses to claim more than the executor takes; the executor
  // refuses numbers a guest cannot get (stdio's, repeats, too high): no token.
  EXPECT_FALSE(HandOverStdio(path_, std::vector<int>(kMaxPassedFds + 1, 5)).ok());
  const int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_FALSE(HandOverStdio(path_, {a, a}).ok());  // one number twice
  close(a);
}

TEST_F(StdioHandoffTest, AClientThatLeavesTakesItsFdsAlong) {
  auto handoff = StdioHandoff::Listen(path_);
  ASSERT_TRUE(handoff.ok()) << handoff.status();
  absl::StatusOr<StdioTicket> ticket = HandOverStdio(path_);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  const std::string token = ticket->token;
  ticket->connection.Reset();
  // The hand-off thread notices the closed connection at once (it polls it).
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gone = absl::IsNotFound((*handoff)->Take(token).status());
  }
  EXPECT_TRUE(gone);
}

TEST_F(StdioHandoffTest, ALiveSocketIsRefusedAndTheSocketGoesAtTheEnd) {
  {
    auto handoff = StdioHandoff::Listen(path_);
    ASSERT_TRUE(handoff.ok()) << handoff.status();
    EXPECT_FALSE(StdioHandoff::Listen(path_).ok());
  }
  EXPECT_NE(access(path_.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace dbt::executor
