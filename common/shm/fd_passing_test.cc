#include "common/shm/fd_passing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/shared_region.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::ForkChild;
using testing::WaitChild;

struct SocketPair {
  explicit SocketPair(int type = SOCK_SEQPACKET) {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
    a.Reset(sv[0]);
    b.Reset(sv[1]);
  }
  UniqueFd a, b;
};

int OpenFdCount() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}

UniqueFd MemfdHolding(const std::string& text) {
  UniqueFd fd(memfd_create("fd-test", MFD_CLOEXEC));
  EXPECT_EQ(write(fd.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  return fd;
}

std::string ReadAll(int fd) {
  char buffer[256];
  ssize_t n = pread(fd, buffer, sizeof(buffer), 0);
  return n < 0 ? "" : std::string(buffer, n);
}

bool SameFile(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

TEST(FdPassingTest, OneFdWithData) {
  SocketPair sockets;
  UniqueFd memfd = MemfdHolding("hello");
  ASSERT_TRUE(SendFds(sockets.a.get(), {memfd.get()}, "region:0").ok());
  absl::StatusOr<ReceivedFds> got = RecvFds(sockets.b.get(), 4);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->fds.size(), 1u);
  EXPECT_EQ(got->data, "region:0");
  EXPECT_NE(got->fds[0].get(), memfd.get());
  EXPECT_TRUE(SameFile(got->fds[0].get(), memfd.get()));
  EXPECT_EQ(ReadAll(got->fds[0].get()), "hello");
  EXPECT_EQ(fcntl(got->fds[0].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(FdPassingTest, SeveralFdsKeepTheirOrderAndEmptyData) {
  SocketPair sockets;
  UniqueFd x = MemfdHolding("x"), y = MemfdHolding("y"), z = MemfdHolding("z");
  ASSERT_TRUE(SendFds(sockets.a.get(), {x.get(), y.get(), z.get()}).ok());
  absl::StatusOr<ReceivedFds> got = RecvFds(sockets.b.get(), 3);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->fds.size(), 3u);
  EXPECT_EQ(got->data, "");
  EXPECT_EQ(ReadAll(got->fds[0].get()), "x");
  EXPECT_EQ(ReadAll(got->fds[1].get()), "y");
  EXPECT_EQ(ReadAll(got->fds[2].get()), "z");
}

TEST(FdPassingTest, WorksOnAStreamSocketForOneMessage) {
  SocketPair sockets(SOCK_STREAM);
  UniqueFd memfd = MemfdHolding("stream");
  ASSERT_TRUE(SendFds(sockets.a.get(), {memfd.get()}, "s").ok());
  absl::StatusOr<ReceivedFds> got = RecvFds(sockets.b.get(), 1);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->data, "s");
  EXPECT_EQ(ReadAll(got->fds[0].get()), "stream");
}

TEST(FdPassingTest, MoreFdsThanAllowedIsRejectedWithoutLeaks) {
  SocketPair sockets;
  UniqueFd x = MemfdHolding("x"), y = MemfdHolding("y"), z = MemfdHolding("z");
  ASSERT_TRUE(SendFds(sockets.a.get(), {x.get(), y.get(), z.get()}).ok());
  int before = OpenFdCount();
  absl::StatusOr<ReceivedFds> got = RecvFds(sockets.b.get(), 2);
  EXPECT_TRUE(absl::IsResourceExhausted(got.status())) << got.status();
  EXPECT_EQ(OpenFdCount(), before);
}

TEST(FdPassingTest, PeerClosedIsUnavailable) {
  SocketPair sockets;
  sockets.a.Reset();
  EXPECT_TRUE(absl::IsUnavailable(RecvFds(sockets.b.get(), 1).status()));
  UniqueFd memfd = MemfdHolding("x");
  // Sending to a closed peer: EPIPE, reported, and no SIGPIPE kills us.
  EXPECT_TRUE(absl::IsUnavailable(SendFds(sockets.b.get(), {memfd.get()})));
}

TEST(FdPassingTest, NothingBeforeTheTimeoutIsDeadlineExceeded) {
  SocketPair sockets;
  EXPECT_TRUE(
      absl::IsDeadlineExceeded(RecvFds(sockets.b.get(), 1, absl::Milliseconds(30)).status()));
}

TEST(FdPassingTest, AMessageWithoutFdsIsDataLoss) {
  SocketPair sockets;
  uint32_t length = 0;
  ASSERT_EQ(send(sockets.a.get(), &length, sizeof(length), 0), 4);
  EXPECT_TRUE(absl::IsDataLoss(RecvFds(sockets.b.get(), 1).status()));
}

TEST(FdPassingTest, ALengthFieldThatLiesIsDataLossAndClosesTheFds) {
  SocketPair sockets;
  UniqueFd memfd = MemfdHolding("x");
  // Hand-made message: says 100 data bytes, carries 3.
  char bytes[7];
  uint32_t length = 100;
  memcpy(bytes, &length, 4);
  memcpy(bytes + 4, "abc", 3);
  iovec iov{bytes, sizeof(bytes)};
  char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int fd = memfd.get();
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ASSERT_EQ(sendmsg(sockets.a.get(), &msg, 0), 7);
  int before = OpenFdCount();
  EXPECT_TRUE(absl::IsDataLoss(RecvFds(sockets.b.get(), 1).status()));
  EXPECT_EQ(OpenFdCount(), before);
}

TEST(FdPassingTest, SendRejectsBadArguments) {
  SocketPair sockets;
  EXPECT_TRUE(absl::IsInvalidArgument(SendFds(sockets.a.get(), {})));
  std::vector<int> many(kMaxFdsPerMessage + 1, 0);
  EXPECT_TRUE(absl::IsInvalidArgument(SendFds(sockets.a.get(), many)));
  UniqueFd memfd = MemfdHolding("x");
  EXPECT_TRUE(absl::IsInvalidArgument(
      SendFds(sockets.a.get(), {memfd.get()}, std::string(kMaxFdMessageData + 1, 'a'))));
  EXPECT_TRUE(absl::IsInvalidArgument(RecvFds(sockets.b.get(), 0).status()));
}

TEST(FdPassingTest, ARegionCrossesToAnotherProcess) {
  // The child creates a region, writes into it and sends its memfd; the
  // parent attaches and sees the bytes, then writes back for the child.
  SocketPair sockets;
  pid_t child = ForkChild([&] {
    sockets.b.Reset();
    absl::StatusOr<SharedRegion> region = SharedRegion::Create("cross", 0x1234, 1, 4096);
    CHILD_CHECK(region.ok());
    memcpy(region->payload(), "from the child", 15);
    CHILD_CHECK(SendFds(sockets.a.get(), {region->fd()}, "cross").ok());
    // Wait for the parent's answer: its byte, then its closing the socket.
    char c;
    CHILD_CHECK(read(sockets.a.get(), &c, 1) == 1);
    CHILD_CHECK(memcmp(region->payload() + 100, "from the parent", 16) == 0);
    return 0;
  });
  sockets.a.Reset();
  absl::StatusOr<ReceivedFds> got = RecvFds(sockets.b.get(), 1, absl::Seconds(30));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->data, "cross");
  absl::StatusOr<SharedRegion> region = SharedRegion::Attach(std::move(got->fds[0]), 0x1234, 1);
  ASSERT_TRUE(region.ok()) << region.status();
  EXPECT_STREQ(reinterpret_cast<const char*>(region->payload()), "from the child");
  memcpy(region->payload() + 100, "from the parent", 16);
  ASSERT_EQ(write(sockets.b.get(), "k", 1), 1);
  EXPECT_EQ(WaitChild(child), 0);
}

}  // namespace
}  // namespace dbt::shm
