// A peer that dies is noticed: no call hangs, the survivor gets
// DeadlineExceeded (timeout only) or Unavailable (peer watched), and
// nothing half-written is ever handed out as a request or an answer.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/channel_client.h"
#include "common/shm/channel_server.h"
#include "common/shm/channel_test_util.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::EchoAnswer;
using testing::ForkChild;
using testing::ServeEcho;
using testing::WaitChild;

int64_t ElapsedMs(int64_t start_ns) { return (MonotonicNowNs() - start_ns) / 1'000'000; }

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// The channel as the other process sees it: its own mapping of the region.
absl::StatusOr<std::shared_ptr<ChannelMemory>> MapAgain(const SharedRegion& region) {
  absl::StatusOr<UniqueFd> fd = region.DupFd();
  if (!fd.ok()) return fd.status();
  absl::StatusOr<SharedRegion> mine =
      SharedRegion::Attach(std::move(*fd), kChannelRegionKind, kChannelLayoutVersion);
  if (!mine.ok()) return mine.status();
  absl::StatusOr<std::unique_ptr<ChannelMemory>> memory = ChannelMemory::Open(std::move(*mine));
  if (!memory.ok()) return memory.status();
  return std::shared_ptr<ChannelMemory>(std::move(*memory));
}

// A server process that takes one request and dies without answering.
pid_t ForkServerThatDiesAfterOneRequest(const SharedRegion& region) {
  return ForkChild([&] {
    absl::StatusOr<std::shared_ptr<ChannelMemory>> memory = MapAgain(region);
    CHILD_CHECK(memory.ok());
    std::unique_ptr<ChannelServer> server = ChannelServer::Open(*memory);
    ChannelRequest request;
    CHILD_CHECK(server->Receive(&request, {.timeout = absl::Seconds(30)}).ok());
    return 0;
  });
}

TEST(ChannelFailureTest, AServerThatDiesMakesTheCallTimeOut) {
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create("die", {});
  ASSERT_TRUE(client.ok());
  pid_t child = ForkServerThatDiesAfterOneRequest((*client)->region());
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  int64_t start = MonotonicNowNs();
  absl::Status s = requester->Call(Bytes("hello?"), &answer, {.timeout = absl::Milliseconds(300)});
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_GE(ElapsedMs(start), 300);
  EXPECT_LT(ElapsedMs(start), 10000);
  // The caller then checks liveness and learns why.
  EXPECT_EQ(WaitChild(child), 0);
  EXPECT_TRUE(peer->Exited());
  EXPECT_TRUE(requester->in_flight());
}

TEST(ChannelFailureTest, AWatchedServerThatDiesIsUnavailableWithoutATimeout) {
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create("die", {});
  ASSERT_TRUE(client.ok());
  pid_t child = ForkServerThatDiesAfterOneRequest((*client)->region());
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  int64_t start = MonotonicNowNs();
  // No timeout: only noticing the death can end this call.
  absl::Status s = requester->Call(Bytes("hello?"), &answer,
                                   {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_LT(ElapsedMs(start), 10000);
  EXPECT_EQ(WaitChild(child), 0);
}

TEST(ChannelFailureTest, AServerThatNeverRanIsUnavailable) {
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create("never", {});
  ASSERT_TRUE(client.ok());
  pid_t child = ForkChild([] { return 0; });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(WaitChild(child), 0);
  absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
  ASSERT_TRUE(requester.ok());
  std::vector<uint8_t> answer;
  absl::Status s = requester->Call(Bytes("anyone?"), &answer,
                                   {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
}

TEST(ChannelFailureTest, ARequesterDyingMidRequestNeverYieldsARequest) {
  absl::StatusOr<std::unique_ptr<ChannelServer>> server =
      ChannelServer::Create("half", {.mailboxes = 4});
  ASSERT_TRUE(server.ok());
  pid_t child = ForkChild([&] {
    absl::StatusOr<std::shared_ptr<ChannelMemory>> memory = MapAgain((*server)->region());
    CHILD_CHECK(memory.ok());
    // Claims a ring slot, writes half a request, dies before publishing.
    (void)(*memory)->ring().TryPushWith(100, [](absl::Span<uint8_t> slot) {
      RequestHeader header{42, 0, 84};
      memcpy(slot.data(), &header, sizeof(header));
      _exit(9);
    });
    return 1;
  });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(WaitChild(child), 9);
  ChannelRequest request;
  int64_t start = MonotonicNowNs();
  absl::Status s =
      (*server)->Receive(&request, {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_LT(ElapsedMs(start), 10000);
  s = (*server)->Receive(&request, {.timeout = absl::Milliseconds(50)});
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  // Nothing to answer: the request object names no mailbox.
  EXPECT_TRUE(absl::IsInvalidArgument((*server)->Respond(request, Bytes("x"))));
}

TEST(ChannelFailureTest, ARequesterDyingAfterSendingStillGetsServedHarmlessly) {
  absl::StatusOr<std::unique_ptr<ChannelServer>> server =
      ChannelServer::Create("gone", {.mailboxes = 4});
  ASSERT_TRUE(server.ok());
  pid_t child = ForkChild([&] {
    absl::StatusOr<std::shared_ptr<ChannelMemory>> memory = MapAgain((*server)->region());
    CHILD_CHECK(memory.ok());
    std::unique_ptr<ChannelClient> client = ChannelClient::Open(*memory);
    absl::StatusOr<ChannelClient::Requester> requester = client->NewRequester();
    CHILD_CHECK(requester.ok());
    CHILD_CHECK(requester->Send(Bytes("orphan"), {.timeout = absl::Seconds(5)}).ok());
    _exit(0);  // without waiting for the answer
  });
  EXPECT_EQ(WaitChild(child), 0);
  ChannelRequest request;
  ASSERT_TRUE((*server)->Receive(&request, {.timeout = absl::Seconds(30)}).ok());
  EXPECT_EQ(std::vector<uint8_t>(request.payload().begin(), request.payload().end()),
            Bytes("orphan"));
  // Nobody waits: answering neither blocks nor fails.
  EXPECT_TRUE((*server)->Respond(request, EchoAnswer(request.mailbox(), request.payload())).ok());
}

TEST(ChannelFailureTest, InterruptEndsABlockedReceive) {
  absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Create("stop", {});
  ASSERT_TRUE(server.ok());
  absl::Status received;
  std::thread serving([&] {
    ChannelRequest request;
    received = (*server)->Receive(&request, WaitOptions{});  // no timeout, no peer
  });
  usleep(20000);
  (*server)->Interrupt();
  serving.join();
  EXPECT_TRUE(absl::IsCancelled(received)) << received;
}

TEST(ChannelFailureTest, AClientThatDiesMidStreamLeavesTheServerResponsive) {
  // A child client makes calls and is killed at a random point; the server
  // in this process then notices (peer) and stops, with no hang.
  absl::StatusOr<std::unique_ptr<ChannelServer>> server =
      ChannelServer::Create("killed", {.mailboxes = 2});
  ASSERT_TRUE(server.ok());
  pid_t child = ForkChild([&] {
    absl::StatusOr<std::shared_ptr<ChannelMemory>> memory = MapAgain((*server)->region());
    CHILD_CHECK(memory.ok());
    std::unique_ptr<ChannelClient> client = ChannelClient::Open(*memory);
    absl::StatusOr<ChannelClient::Requester> requester = client->NewRequester();
    CHILD_CHECK(requester.ok());
    std::vector<uint8_t> answer;
    for (;;) {
      CHILD_CHECK(requester->Call(Bytes("again"), &answer, {.timeout = absl::Seconds(30)}).ok());
    }
  });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  std::thread killer([&] {
    usleep(50000);
    kill(child, SIGKILL);
  });
  absl::Status s =
      ServeEcho(**server, {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
  killer.join();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(WaitChild(child), 128 + SIGKILL);
}

}  // namespace
}  // namespace dbt::shm
