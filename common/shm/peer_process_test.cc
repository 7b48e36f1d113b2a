#include "common/shm/peer_process.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "common/shm/deadline.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::ForkChild;
using testing::WaitChild;

bool ExitsWithin(const PeerProcess& peer, absl::Duration timeout) {
  Deadline deadline = Deadline::After(timeout);
  while (!deadline.Expired()) {
    if (peer.Exited()) return true;
    usleep(1000);
  }
  return peer.Exited();
}

TEST(PeerProcessTest, RejectsImpossiblePids) {
  EXPECT_TRUE(absl::IsInvalidArgument(PeerProcess::FromPid(0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(PeerProcess::FromPid(-5).status()));
}

TEST(PeerProcessTest, NoSuchProcessIsNotFound) {
  // A child that has been reaped leaves its pid unused (pid reuse within
  // this test is practically impossible: the kernel allocates upward).
  pid_t child = ForkChild([] { return 0; });
  ASSERT_EQ(WaitChild(child), 0);
  EXPECT_TRUE(absl::IsNotFound(PeerProcess::FromPid(child).status()));
}

TEST(PeerProcessTest, SeesAChildExit) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = ForkChild([&] {
    close(pipe_fds[1]);
    char c;
    // Blocks until the parent closes its end.
    return read(pipe_fds[0], &c, 1) == 0 ? 0 : 1;
  });
  close(pipe_fds[0]);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok()) << peer.status();
  EXPECT_EQ(peer->pid(), child);
  usleep(20000);
  EXPECT_FALSE(peer->Exited());
  close(pipe_fds[1]);
  EXPECT_TRUE(ExitsWithin(*peer, absl::Seconds(10)));  // a zombie counts as exited
  EXPECT_EQ(WaitChild(child), 0);
  EXPECT_TRUE(peer->Exited());  // and so does a reaped process
}

TEST(PeerProcessTest, SocketPairNamesItsCreator) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromUnixSocket(sv[0]);
  ASSERT_TRUE(peer.ok()) << peer.status();
  EXPECT_EQ(peer->pid(), getpid());
  EXPECT_FALSE(peer->Exited());
  close(sv[0]);
  close(sv[1]);
}

TEST(PeerProcessTest, ConnectedSocketNamesTheConnectingProcess) {
  // An abstract-namespace listener; a child connects, the kernel records it.
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string name = "dbt-shm-peer-test-" + std::to_string(getpid());
  memcpy(addr.sun_path + 1, name.data(), name.size());
  socklen_t addr_len = offsetof(sockaddr_un, sun_path) + 1 + name.size();
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), addr_len), 0) << strerror(errno);
  ASSERT_EQ(listen(listener, 1), 0);
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t child = ForkChild([&] {
    close(go[1]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHILD_CHECK(connect(s, reinterpret_cast<sockaddr*>(&addr), addr_len) == 0);
    char c;
    CHILD_CHECK(read(go[0], &c, 1) == 0);  // until the parent says go
    return 0;
  });
  close(go[0]);
  int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(conn, 0);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromUnixSocket(conn);
  ASSERT_TRUE(peer.ok()) << peer.status();
  EXPECT_EQ(peer->pid(), child);
  EXPECT_FALSE(peer->Exited());
  close(go[1]);
  EXPECT_TRUE(ExitsWithin(*peer, absl::Seconds(10)));
  EXPECT_EQ(WaitChild(child), 0);
  close(conn);
  close(listener);
}

}  // namespace
}  // namespace dbt::shm
