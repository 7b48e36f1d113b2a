#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/channel_client.h"
#include "common/shm/channel_layout.h"
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

constexpr WaitOptions kPatient{.timeout = absl::Seconds(60)};

struct Channel {
  std::unique_ptr<ChannelClient> client;
  std::unique_ptr<ChannelServer> server;
};

// How the test's client and server see the region.
enum class Mapping {
  kTwo,  // each its own mapping, as in two processes (the default)
  kOne,  // one shared mapping: ThreadSanitizer can follow synchronization
         // only through one address, so the TSan run uses these
};

std::string MappingName(const ::testing::TestParamInfo<Mapping>& info) {
  return info.param == Mapping::kOne ? "OneMapping" : "TwoMappings";
}

Channel MakeChannel(const ChannelGeometry& geometry, Mapping mapping = Mapping::kTwo) {
  if (mapping == Mapping::kOne) {
    absl::StatusOr<SharedRegion> region = ChannelMemory::CreateRegion("test", geometry);
    EXPECT_TRUE(region.ok()) << region.status();
    absl::StatusOr<std::unique_ptr<ChannelMemory>> memory = ChannelMemory::Open(std::move(*region));
    EXPECT_TRUE(memory.ok()) << memory.status();
    std::shared_ptr<ChannelMemory> shared = std::move(*memory);
    return Channel{ChannelClient::Open(shared), ChannelServer::Open(shared)};
  }
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create("test", geometry);
  EXPECT_TRUE(client.ok()) << client.status();
  absl::StatusOr<UniqueFd> fd = (*client)->region().DupFd();
  EXPECT_TRUE(fd.ok());
  absl::StatusOr<SharedRegion> region =
      SharedRegion::Attach(std::move(*fd), kChannelRegionKind, kChannelLayoutVersion);
  EXPECT_TRUE(region.ok()) << region.status();
  absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
  EXPECT_TRUE(server.ok()) << server.status();
  return Channel{std::move(*client), std::move(*server)};
}

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(ChannelLayoutTest, LimitsAreEnforced) {
  EXPECT_TRUE(absl::IsInvalidArgument(ComputeChannelLayout({.mailboxes = 0}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ComputeChannelLayout({.mailboxes = kMaxChannelMailboxes + 1}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ComputeChannelLayout({.max_request_bytes = kMaxChannelRequestBytes + 1}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ComputeChannelLayout({.max_response_bytes = kMaxChannelResponseBytes + 1}).status()));
  // Each limit alone is fine, all of them at once need 64 GiB: refused.
  EXPECT_TRUE(
      ComputeChannelLayout(
          {.mailboxes = kMaxChannelMailboxes, .max_request_bytes = 0, .max_response_bytes = 0})
          .ok());
  EXPECT_TRUE(
      absl::IsInvalidArgument(ComputeChannelLayout({.mailboxes = kMaxChannelMailboxes,
                                                    .max_request_bytes = kMaxChannelRequestBytes,
                                                    .max_response_bytes = kMaxChannelResponseBytes})
                                  .status()));
}

TEST(ChannelLayoutTest, LayoutByHand) {
  absl::StatusOr<ChannelLayout> layout =
      ComputeChannelLayout({.mailboxes = 3, .max_request_bytes = 100, .max_response_bytes = 200});
  ASSERT_TRUE(layout.ok()) << layout.status();
  // Ring: 3 mailboxes -> 4 slots of 16 + 100 = 116 bytes; a slot takes
  // 16 + 116 = 132 -> 192 bytes; 320 control + 4 * 192 = 1088.
  EXPECT_EQ(layout->ring_capacity, 4u);
  EXPECT_EQ(layout->ring_slot_size, 116u);
  EXPECT_EQ(layout->ring_bytes, 1088u);
  // Mailboxes after the ring (at 64): 1152; each 24 + 200 -> 256 bytes.
  EXPECT_EQ(layout->mailboxes_offset, 1152u);
  EXPECT_EQ(layout->mailbox_stride, 256u);
  EXPECT_EQ(layout->total_bytes, 1152u + 3 * 256);
  // One mailbox still gets the queue's minimum of two slots.
  EXPECT_EQ(ComputeChannelLayout({.mailboxes = 1})->ring_capacity, 2u);
  EXPECT_EQ(ComputeChannelLayout({.mailboxes = 64})->ring_capacity, 64u);
  EXPECT_EQ(ComputeChannelLayout({.mailboxes = 65})->ring_capacity, 128u);
}

TEST(ChannelTest, OpenRejectsARegionOfAnotherKind) {
  absl::StatusOr<SharedRegion> region = SharedRegion::Create("other", 0x1234, 1, 65536);
  ASSERT_TRUE(region.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(ChannelServer::Open(std::move(*region)).status()));
}

class ChannelThreadsTest : public ::testing::TestWithParam<Mapping> {};

TEST_P(ChannelThreadsTest, OneCall) {
  Channel channel = MakeChannel({.mailboxes = 4}, GetParam());
  std::thread server([&] { EXPECT_TRUE(ServeEcho(*channel.server, kPatient, 1).ok()); });
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  absl::Status s = requester->Call(Bytes("abc"), &answer, kPatient);
  server.join();
  ASSERT_TRUE(s.ok()) << s;
  // Mailbox 0 (the first handed out), then "cba".
  EXPECT_EQ(answer, (std::vector<uint8_t>{0, 0, 0, 0, 'c', 'b', 'a'}));
  EXPECT_FALSE(requester->in_flight());
}

TEST(ChannelTest, EmptyRequestAndFullSizeRequest) {
  Channel channel =
      MakeChannel({.mailboxes = 2, .max_request_bytes = 4096, .max_response_bytes = 4100});
  std::thread server([&] { EXPECT_TRUE(ServeEcho(*channel.server, kPatient, 2).ok()); });
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  ASSERT_TRUE(requester->Call({}, &answer, kPatient).ok());
  EXPECT_EQ(answer, EchoAnswer(0, {}));
  std::vector<uint8_t> big = PatternBytes(1, 4096);
  ASSERT_TRUE(requester->Call(big, &answer, kPatient).ok());
  EXPECT_EQ(answer, EchoAnswer(0, big));
  server.join();
}

TEST_P(ChannelThreadsTest, ConcurrentRequestersGetTheirOwnAnswers) {
  constexpr int kThreads = 8, kCalls = 300;
  Channel channel = MakeChannel(
      {.mailboxes = kThreads, .max_request_bytes = 2048, .max_response_bytes = 2052}, GetParam());
  std::thread server(
      [&] { EXPECT_TRUE(ServeEcho(*channel.server, kPatient, kThreads * kCalls).ok()); });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
      ASSERT_TRUE(requester.ok()) << requester.status();
      std::vector<uint8_t> answer;
      for (int i = 0; i < kCalls; ++i) {
        std::vector<uint8_t> payload = PatternBytes(t * 1000 + i, (t * 131 + i * 17) % 2049);
        absl::Status s = requester->Call(payload, &answer, kPatient);
        ASSERT_TRUE(s.ok()) << s;
        ASSERT_EQ(answer, EchoAnswer(requester->mailbox(), payload));
      }
    });
  }
  for (auto& t : threads) t.join();
  server.join();
}

TEST_P(ChannelThreadsTest, TwoServerThreadsShareOneRing) {
  constexpr int kThreads = 6, kCalls = 300;
  Channel channel = MakeChannel({.mailboxes = kThreads}, GetParam());
  std::atomic<int> answered{0};
  std::vector<std::thread> servers;
  for (int s = 0; s < 2; ++s) {
    servers.emplace_back([&] {
      ChannelRequest request;
      for (;;) {
        absl::Status st = channel.server->Receive(&request, kPatient);
        if (absl::IsCancelled(st)) return;
        ASSERT_TRUE(st.ok()) << st;
        ASSERT_TRUE(
            channel.server->Respond(request, EchoAnswer(request.mailbox(), request.payload()))
                .ok());
        answered.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
      ASSERT_TRUE(requester.ok());
      std::vector<uint8_t> answer;
      for (int i = 0; i < kCalls; ++i) {
        std::vector<uint8_t> payload = PatternBytes(t * 7777 + i, 1 + i % 300);
        ASSERT_TRUE(requester->Call(payload, &answer, kPatient).ok());
        ASSERT_EQ(answer, EchoAnswer(requester->mailbox(), payload));
      }
    });
  }
  for (auto& t : threads) t.join();
  channel.server->Interrupt();
  for (auto& s : servers) s.join();
  EXPECT_EQ(answered.load(), kThreads * kCalls);
}

TEST_P(ChannelThreadsTest, SpinningRequesterAndServer) {
  Channel channel = MakeChannel({.mailboxes = 2}, GetParam());
  WaitOptions spin{.timeout = absl::Seconds(60), .spin = absl::Microseconds(200)};
  std::thread server([&] { EXPECT_TRUE(ServeEcho(*channel.server, spin, 200).ok()); });
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> payload = PatternBytes(i, 64);
    ASSERT_TRUE(requester->Call(payload, &answer, spin).ok());
    ASSERT_EQ(answer, EchoAnswer(0, payload));
  }
  server.join();
}

// Back-to-back calls where the requester never spins: each call races the
// requester going to sleep against the server's answer (and the server going
// to sleep against the next request). A lost wake-up shows as a call running
// into its deadline. Run with a sleeping server and with a spinning one,
// which answers within ~100 ns, right when the requester prepares to sleep.
void BackToBackCalls(Mapping mapping, absl::Duration server_spin) {
  constexpr int kCalls = 100000;
  Channel channel = MakeChannel({.mailboxes = 1}, mapping);
  WaitOptions options{.timeout = absl::Seconds(2)};
  std::thread server([&] {
    WaitOptions server_options = options;
    server_options.spin = server_spin;
    absl::Status s = ServeEcho(*channel.server, server_options, kCalls);
    EXPECT_TRUE(s.ok()) << s;
  });
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> payload{1, 2, 3}, answer;
  for (int i = 0; i < kCalls; ++i) {
    payload[0] = static_cast<uint8_t>(i);
    absl::Status s = requester->Call(payload, &answer, options);
    ASSERT_TRUE(s.ok()) << "call " << i << ": " << s;
    ASSERT_EQ(answer, EchoAnswer(0, payload));
  }
  server.join();
}

TEST_P(ChannelThreadsTest, BackToBackCallsLoseNoWakeUp) {
  BackToBackCalls(GetParam(), absl::ZeroDuration());
}

TEST_P(ChannelThreadsTest, BackToBackCallsToASpinningServerLoseNoWakeUp) {
  BackToBackCalls(GetParam(), absl::Milliseconds(1));
}

INSTANTIATE_TEST_SUITE_P(Mappings, ChannelThreadsTest,
                         ::testing::Values(Mapping::kTwo, Mapping::kOne), MappingName);

TEST(ChannelTest, RequestIdsAreUniqueAndReachTheServer) {
  Channel channel = MakeChannel({.mailboxes = 2});
  absl::StatusOr<ChannelClient::Requester> a = channel.client->NewRequester();
  absl::StatusOr<ChannelClient::Requester> b = channel.client->NewRequester();
  ASSERT_TRUE(a.ok() && b.ok());
  absl::StatusOr<uint64_t> id_a = a->Send(Bytes("a"), kPatient);
  absl::StatusOr<uint64_t> id_b = b->Send(Bytes("b"), kPatient);
  ASSERT_TRUE(id_a.ok() && id_b.ok());
  EXPECT_NE(*id_a, *id_b);
  ChannelRequest request;
  ASSERT_TRUE(channel.server->Receive(&request, kPatient).ok());
  EXPECT_EQ(request.id(), *id_a);
  EXPECT_EQ(request.mailbox(), a->mailbox());
  ASSERT_TRUE(channel.server->Receive(&request, kPatient).ok());
  EXPECT_EQ(request.id(), *id_b);
  EXPECT_EQ(request.mailbox(), b->mailbox());
}

TEST(ChannelTest, ErrorAnswersCarryCodeAndMessage) {
  Channel channel = MakeChannel({.mailboxes = 1});
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  ASSERT_TRUE(requester->Send(Bytes("pc=0x1000"), kPatient).ok());
  ChannelRequest request;
  ASSERT_TRUE(channel.server->Receive(&request, kPatient).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(channel.server->RespondError(request, absl::OkStatus())));
  ASSERT_TRUE(channel.server->RespondError(request, absl::NotFoundError("no TB at 0x1000")).ok());
  std::vector<uint8_t> answer{9};
  absl::Status s = requester->Await(&answer, kPatient);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_NE(s.message().find("no TB at 0x1000"), absl::string_view::npos) << s;
  EXPECT_TRUE(answer.empty());
  EXPECT_FALSE(requester->in_flight());
}

TEST(ChannelTest, SizeLimitsAndOneRequestInFlight) {
  Channel channel =
      MakeChannel({.mailboxes = 1, .max_request_bytes = 10, .max_response_bytes = 20});
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  EXPECT_TRUE(absl::IsFailedPrecondition(requester->Await(&answer, kPatient)));
  EXPECT_TRUE(absl::IsInvalidArgument(requester->Send(PatternBytes(0, 11), kPatient).status()));
  EXPECT_FALSE(requester->in_flight());
  ASSERT_TRUE(requester->Send(PatternBytes(0, 10), kPatient).ok());
  EXPECT_TRUE(requester->in_flight());
  EXPECT_TRUE(absl::IsFailedPrecondition(requester->Send(Bytes("x"), kPatient).status()));
  ChannelRequest request;
  ASSERT_TRUE(channel.server->Receive(&request, kPatient).ok());
  EXPECT_EQ(request.payload().size(), 10u);
  EXPECT_TRUE(absl::IsInvalidArgument(channel.server->Respond(request, PatternBytes(1, 21))));
  ASSERT_TRUE(channel.server->Respond(request, PatternBytes(1, 20)).ok());
  ASSERT_TRUE(requester->Await(&answer, kPatient).ok());
  EXPECT_EQ(answer, PatternBytes(1, 20));
}

TEST(ChannelTest, AnAnswerAfterTheDeadlineIsStillDelivered) {
  Channel channel = MakeChannel({.mailboxes = 1});
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  absl::Status s = requester->Call(Bytes("slow"), &answer, {.timeout = absl::Milliseconds(20)});
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_TRUE(requester->in_flight());
  ASSERT_TRUE(ServeEcho(*channel.server, kPatient, 1).ok());
  ASSERT_TRUE(requester->Await(&answer, kPatient).ok());
  EXPECT_EQ(answer, EchoAnswer(0, Bytes("slow")));
}

TEST(ChannelTest, MailboxesRunOutAndComeBack) {
  Channel channel = MakeChannel({.mailboxes = 2});
  absl::StatusOr<ChannelClient::Requester> a = channel.client->NewRequester();
  absl::StatusOr<ChannelClient::Requester> b = channel.client->NewRequester();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->mailbox(), b->mailbox());
  EXPECT_TRUE(absl::IsResourceExhausted(channel.client->NewRequester().status()));
  uint32_t b_mailbox = b->mailbox();
  { ChannelClient::Requester drop = std::move(*b); }
  absl::StatusOr<ChannelClient::Requester> c = channel.client->NewRequester();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mailbox(), b_mailbox);
}

TEST(ChannelTest, AMailboxDroppedInFlightIsQuarantinedUntilAnswered) {
  Channel channel = MakeChannel({.mailboxes = 1});
  absl::StatusOr<ChannelClient::Requester> a = channel.client->NewRequester();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->Send(Bytes("abandoned"), kPatient).ok());
  { ChannelClient::Requester drop = std::move(*a); }
  // Not reusable: a late answer could land on the next request.
  EXPECT_TRUE(absl::IsResourceExhausted(channel.client->NewRequester().status()));
  ASSERT_TRUE(ServeEcho(*channel.server, kPatient, 1).ok());
  absl::StatusOr<ChannelClient::Requester> b = channel.client->NewRequester();
  ASSERT_TRUE(b.ok()) << b.status();
  std::thread server([&] { EXPECT_TRUE(ServeEcho(*channel.server, kPatient, 1).ok()); });
  std::vector<uint8_t> answer;
  ASSERT_TRUE(b->Call(Bytes("fresh"), &answer, kPatient).ok());
  EXPECT_EQ(answer, EchoAnswer(0, Bytes("fresh")));
  server.join();
}

TEST(ChannelTest, TheServerWorksOnAPrivateCopy) {
  Channel channel = MakeChannel({.mailboxes = 1, .max_request_bytes = 64});
  absl::StatusOr<ChannelClient::Requester> requester = channel.client->NewRequester();
  ASSERT_TRUE(requester.ok());
  ASSERT_TRUE(requester->Send(Bytes("original"), kPatient).ok());
  ChannelRequest request;
  ASSERT_TRUE(channel.server->Receive(&request, kPatient).ok());
  // The requester rewrites the whole ring afterwards: nothing changes for
  // the server (what it validated is what it uses).
  const ChannelLayout layout = *ComputeChannelLayout(channel.server->geometry());
  memset(channel.server->region().payload() + kRingOffset + sizeof(QueueControl), 'X',
         layout.ring_bytes - sizeof(QueueControl));
  EXPECT_EQ(std::vector<uint8_t>(request.payload().begin(), request.payload().end()),
            Bytes("original"));
}

TEST(ChannelTest, ServerInAChildProcessThroughAnInheritedFd) {
  constexpr int kThreads = 4, kCalls = 250;
  absl::StatusOr<std::unique_ptr<ChannelClient>> client =
      ChannelClient::Create("fork", {.mailboxes = kThreads});
  ASSERT_TRUE(client.ok());
  int region_fd = (*client)->region().fd();
  pid_t parent = getpid();
  pid_t child = ForkChild([&] {
    // Map it anew from the descriptor, as an unrelated process would.
    absl::StatusOr<SharedRegion> region = SharedRegion::Attach(
        UniqueFd(fcntl(region_fd, F_DUPFD_CLOEXEC, 0)), kChannelRegionKind, kChannelLayoutVersion);
    CHILD_CHECK(region.ok());
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
    CHILD_CHECK(server.ok());
    absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(parent);
    CHILD_CHECK(peer.ok());
    absl::Status s =
        ServeEcho(**server, {.timeout = absl::Seconds(60), .peer = &*peer}, kThreads * kCalls);
    CHILD_CHECK(s.ok());
    return 0;
  });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  WaitOptions options{.timeout = absl::Seconds(60), .peer = &*peer};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
      ASSERT_TRUE(requester.ok());
      std::vector<uint8_t> answer;
      for (int i = 0; i < kCalls; ++i) {
        std::vector<uint8_t> payload = PatternBytes(t * 100000 + i, 4096);
        absl::Status s = requester->Call(payload, &answer, options);
        ASSERT_TRUE(s.ok()) << s;
        ASSERT_EQ(answer, EchoAnswer(requester->mailbox(), payload));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(WaitChild(child), 0);
}

TEST(ChannelTest, ServerInAChildProcessThroughScmRights) {
  constexpr int kThreads = 4, kCalls = 250;
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  // The child exists before the region: it can only get it over the socket.
  pid_t child = ForkChild([&] {
    close(sv[0]);
    absl::StatusOr<ReceivedFds> received = RecvFds(sv[1], 1, absl::Seconds(60));
    CHILD_CHECK(received.ok());
    CHILD_CHECK(received->data == "translate");
    absl::StatusOr<SharedRegion> region = SharedRegion::Attach(
        std::move(received->fds[0]), kChannelRegionKind, kChannelLayoutVersion);
    CHILD_CHECK(region.ok());
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
    CHILD_CHECK(server.ok());
    // The kernel's record of who is at the other end of the socket.
    absl::StatusOr<PeerProcess> peer = PeerProcess::FromUnixSocket(sv[1]);
    CHILD_CHECK(peer.ok());
    CHILD_CHECK(peer->pid() == getppid());
    absl::Status s =
        ServeEcho(**server, {.timeout = absl::Seconds(60), .peer = &*peer}, kThreads * kCalls);
    CHILD_CHECK(s.ok());
    return 0;
  });
  close(sv[1]);
  absl::StatusOr<std::unique_ptr<ChannelClient>> client =
      ChannelClient::Create("scm", {.mailboxes = kThreads});
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(SendFds(sv[0], {(*client)->region().fd()}, "translate").ok());
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  WaitOptions options{.timeout = absl::Seconds(60), .peer = &*peer};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
      ASSERT_TRUE(requester.ok());
      std::vector<uint8_t> answer;
      for (int i = 0; i < kCalls; ++i) {
        std::vector<uint8_t> payload = PatternBytes(t * 100000 + i, 100 + i);
        absl::Status s = requester->Call(payload, &answer, options);
        ASSERT_TRUE(s.ok()) << s;
        ASSERT_EQ(answer, EchoAnswer(requester->mailbox(), payload));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(WaitChild(child), 0);
  close(sv[0]);
}

}  // namespace
}  // namespace dbt::shm
