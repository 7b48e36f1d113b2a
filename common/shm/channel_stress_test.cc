// Load across real processes: many requester threads against a
// multi-threaded server process, and one server process serving several
// client processes (one region each, passed over SCM_RIGHTS), as the
// translator serves several executors. Every answer is checked.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/channel_client.h"
#include "common/shm/channel_server.h"
#include "common/shm/channel_test_util.h"
#include "common/shm/fd_passing.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::EchoAnswer;
using testing::ForkChild;
using testing::PatternBytes;
using testing::ServeEcho;
using testing::WaitChild;

// One requester thread's run: `calls` checked calls of random sizes,
// some spinning, some split into Send + an impatient Await + Await again.
void RunRequester(ChannelClient& client, int thread, int calls, const PeerProcess& peer) {
  absl::StatusOr<ChannelClient::Requester> requester = client.NewRequester();
  ASSERT_TRUE(requester.ok()) << requester.status();
  std::mt19937 rng(thread);
  uint32_t max_request = client.geometry().max_request_bytes;
  std::vector<uint8_t> answer;
  for (int i = 0; i < calls; ++i) {
    std::vector<uint8_t> payload = PatternBytes(thread * 1000003 + i, rng() % (max_request + 1));
    WaitOptions options{.timeout = absl::Seconds(60), .peer = &peer};
    if (rng() % 2) options.spin = absl::Microseconds(rng() % 50);
    if (rng() % 16 == 0) {
      ASSERT_TRUE(requester->Send(payload, options).ok());
      absl::Status early = requester->Await(&answer, {.timeout = absl::ZeroDuration()});
      if (absl::IsDeadlineExceeded(early)) {
        ASSERT_TRUE(requester->in_flight());
        ASSERT_TRUE(requester->Await(&answer, options).ok());
      } else {
        ASSERT_TRUE(early.ok()) << early;
      }
    } else {
      absl::Status s = requester->Call(payload, &answer, options);
      ASSERT_TRUE(s.ok()) << s;
    }
    ASSERT_EQ(answer, EchoAnswer(requester->mailbox(), payload)) << "thread " << thread;
  }
}

TEST(ChannelStressTest, ManyRequesterThreadsAgainstAServerProcess) {
  constexpr int kThreads = 16, kCalls = 1000, kServerThreads = 2;
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create(
      "stress",
      {.mailboxes = kThreads, .max_request_bytes = 16 << 10, .max_response_bytes = (16 << 10) + 4});
  ASSERT_TRUE(client.ok());
  pid_t parent = getpid();
  pid_t child = ForkChild([&] {
    absl::StatusOr<UniqueFd> fd = (*client)->region().DupFd();
    CHILD_CHECK(fd.ok());
    absl::StatusOr<SharedRegion> region =
        SharedRegion::Attach(std::move(*fd), kChannelRegionKind, kChannelLayoutVersion);
    CHILD_CHECK(region.ok());
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
    CHILD_CHECK(server.ok());
    absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(parent);
    CHILD_CHECK(peer.ok());
    std::atomic<int> answered{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kServerThreads; ++t) {
      threads.emplace_back([&] {
        ChannelRequest request;
        while (answered.load() < kThreads * kCalls) {
          absl::Status s =
              (*server)->Receive(&request, {.timeout = absl::Milliseconds(50), .peer = &*peer});
          if (absl::IsDeadlineExceeded(s)) continue;
          if (!s.ok() ||
              !(*server)->Respond(request, EchoAnswer(request.mailbox(), request.payload())).ok()) {
            failed = true;
            return;
          }
          answered.fetch_add(1);
        }
      });
    }
    for (auto& t : threads) t.join();
    CHILD_CHECK(!failed.load());
    CHILD_CHECK(answered.load() == kThreads * kCalls);
    return 0;
  });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { RunRequester(**client, t, kCalls, *peer); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(WaitChild(child), 0);
}

TEST(ChannelStressTest, OneServerProcessServesSeveralClientProcesses) {
  constexpr int kClients = 3, kThreads = 4, kCalls = 300;
  // Children first (no threads yet in this process), each with a socket.
  std::vector<pid_t> children;
  std::vector<UniqueFd> sockets;
  for (int c = 0; c < kClients; ++c) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    pid_t server_pid = getpid();
    children.push_back(ForkChild([&, c] {
      close(sv[0]);
      absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create(
          "executor",
          {.mailboxes = kThreads, .max_request_bytes = 4096, .max_response_bytes = 4100});
      CHILD_CHECK(client.ok());
      CHILD_CHECK(SendFds(sv[1], {(*client)->region().fd()}, "executor").ok());
      absl::StatusOr<PeerProcess> server = PeerProcess::FromPid(server_pid);
      CHILD_CHECK(server.ok());
      std::atomic<int> failures{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          RunRequester(**client, c * 100 + t, kCalls, *server);
          if (::testing::Test::HasFailure()) failures.fetch_add(1);
        });
      }
      for (auto& t : threads) t.join();
      CHILD_CHECK(failures.load() == 0);
      return 0;
    }));
    close(sv[1]);
    sockets.emplace_back(sv[0]);
  }
  // This process is the translator: one thread per executor's region,
  // serving until that executor exits.
  std::vector<std::thread> servers;
  std::vector<absl::Status> endings(kClients);
  std::vector<int> served(kClients, 0);
  for (int c = 0; c < kClients; ++c) {
    absl::StatusOr<ReceivedFds> received = RecvFds(sockets[c].get(), 1, absl::Seconds(60));
    ASSERT_TRUE(received.ok()) << received.status();
    absl::StatusOr<SharedRegion> region = SharedRegion::Attach(
        std::move(received->fds[0]), kChannelRegionKind, kChannelLayoutVersion);
    ASSERT_TRUE(region.ok()) << region.status();
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
    ASSERT_TRUE(server.ok());
    servers.emplace_back([&, c, server = std::shared_ptr<ChannelServer>(std::move(*server))] {
      // (A socketpair's kernel record names its creator, this process: the
      // child is watched by the pid fork returned.)
      absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(children[c]);
      ASSERT_TRUE(peer.ok());
      ChannelRequest request;
      for (;;) {
        absl::Status s = server->Receive(
            &request, {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
        if (!s.ok()) {
          endings[c] = s;
          return;
        }
        ASSERT_TRUE(
            server->Respond(request, EchoAnswer(request.mailbox(), request.payload())).ok());
        ++served[c];
      }
    });
  }
  for (int c = 0; c < kClients; ++c) EXPECT_EQ(WaitChild(children[c]), 0) << "client " << c;
  for (auto& t : servers) t.join();
  for (int c = 0; c < kClients; ++c) {
    EXPECT_TRUE(absl::IsUnavailable(endings[c])) << endings[c];  // noticed the exit
    EXPECT_EQ(served[c], kThreads * kCalls);
  }
}

}  // namespace
}  // namespace dbt::shm
