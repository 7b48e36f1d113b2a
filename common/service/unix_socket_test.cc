#include "common/service/unix_socket.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace dbt {
namespace {

class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dbt-sock-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::string cmd = "rm -rf " + dir_; (void)system(cmd.c_str()); }

  int ListenOn(const std::string& path, int type = SOCK_STREAM) {
    int fd = socket(AF_UNIX, type, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path.c_str());
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd, 1), 0);
    return fd;
  }

  std::string dir_;
};

TEST_F(UnixSocketTest, FreshPathIsAccepted) {
  std::string path = dir_ + "/a.sock";
  EXPECT_TRUE(PrepareUnixSocketPath(path).ok());
  struct stat st;
  EXPECT_NE(lstat(path.c_str(), &st), 0) << "the probe socket must not be left behind";
}

TEST_F(UnixSocketTest, LiveSocketIsRefused) {
  std::string path = dir_ + "/live.sock";
  int fd = ListenOn(path);
  EXPECT_TRUE(UnixSocketIsLive(path));
  absl::Status st = PrepareUnixSocketPath(path);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(st.message().find("already in use"), std::string::npos) << st;
  close(fd);
}

// The translator's data socket is SOCK_SEQPACKET: live too.
TEST_F(UnixSocketTest, LiveSeqpacketSocketIsRefused) {
  std::string path = dir_ + "/data.sock";
  int fd = ListenOn(path, SOCK_SEQPACKET);
  EXPECT_TRUE(UnixSocketIsLive(path));
  EXPECT_EQ(PrepareUnixSocketPath(path).code(), absl::StatusCode::kAlreadyExists);
  close(fd);
  EXPECT_FALSE(UnixSocketIsLive(path));
}

TEST_F(UnixSocketTest, StaleSocketIsReplaced) {
  std::string path = dir_ + "/stale.sock";
  close(ListenOn(path));  // the file stays, nobody listens
  EXPECT_FALSE(UnixSocketIsLive(path));
  EXPECT_TRUE(PrepareUnixSocketPath(path).ok());
}

TEST_F(UnixSocketTest, RegularFileIsNotReplaced) {
  std::string path = dir_ + "/file";
  std::ofstream(path) << "keep me";
  absl::Status st = PrepareUnixSocketPath(path);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  std::ifstream in(path);
  std::string contents;
  std::getline(in, contents);
  EXPECT_EQ(contents, "keep me");
}

TEST_F(UnixSocketTest, MissingDirectoryIsRefused) {
  absl::Status st = PrepareUnixSocketPath(dir_ + "/no/such/dir/x.sock");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(UnixSocketTest, UnwritableDirectoryIsRefused) {
  // /proc refuses new files even to root.
  absl::Status st = PrepareUnixSocketPath("/proc/dbt-test.sock");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot create a socket in /proc"), std::string::npos) << st;
}

TEST_F(UnixSocketTest, OverlongPathIsRefused) {
  std::string path = dir_ + "/" + std::string(120, 'x');
  EXPECT_EQ(PrepareUnixSocketPath(path).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dbt
