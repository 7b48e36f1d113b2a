// The other side is buggy or hostile: every field it can write is taken out
// of range in turn, and the result must be an error status (the bad data
// rejected, never followed), never a crash, a hang or an out-of-bounds
// access. (Run under ASan to make the last point loud.)
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/channel_client.h"
#include "common/shm/channel_server.h"
#include "common/shm/channel_test_util.h"
#include "common/shm/futex.h"

namespace dbt::shm {
namespace {

using testing::EchoAnswer;
using testing::PatternBytes;

constexpr WaitOptions kShort{.timeout = absl::Milliseconds(200)};
constexpr ChannelGeometry kGeometry{
    .mailboxes = 3, .max_request_bytes = 100, .max_response_bytes = 200};

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A fresh channel region plus raw access to it, as the hostile side has.
struct Raw {
  SharedRegion region;
  ChannelLayout layout;

  ChannelHeader* header() const { return reinterpret_cast<ChannelHeader*>(region.payload()); }
  QueueControl* ring_control() const {
    return reinterpret_cast<QueueControl*>(region.payload() + kRingOffset);
  }
  SlotHeader* ring_slot(uint32_t index) const {
    return reinterpret_cast<SlotHeader*>(region.payload() + kRingOffset + sizeof(QueueControl) +
                                         index * SlotQueue::SlotStride(layout.ring_slot_size));
  }
  MailboxHeader* mailbox(uint32_t index) const {
    return reinterpret_cast<MailboxHeader*>(region.payload() + layout.mailboxes_offset +
                                            index * layout.mailbox_stride);
  }
  // Another mapping of the same region, as the honest side maps it.
  SharedRegion MapAgain() const {
    absl::StatusOr<UniqueFd> fd = region.DupFd();
    EXPECT_TRUE(fd.ok());
    absl::StatusOr<SharedRegion> other =
        SharedRegion::Attach(std::move(*fd), kChannelRegionKind, kChannelLayoutVersion);
    EXPECT_TRUE(other.ok()) << other.status();
    return std::move(*other);
  }
};

Raw MakeRaw(const ChannelGeometry& geometry = kGeometry) {
  absl::StatusOr<SharedRegion> region = ChannelMemory::CreateRegion("hostile", geometry);
  EXPECT_TRUE(region.ok()) << region.status();
  return Raw{std::move(*region), *ComputeChannelLayout(geometry)};
}

// --- The channel header and ring geometry, read at Open ---

struct LayoutCorruption {
  const char* name;
  std::function<void(const Raw&)> corrupt;
};

class ChannelOpenTest : public ::testing::TestWithParam<LayoutCorruption> {};

TEST_P(ChannelOpenTest, RejectsIt) {
  Raw raw = MakeRaw();
  ASSERT_TRUE(ChannelServer::Open(raw.MapAgain()).ok());  // the control
  GetParam().corrupt(raw);
  absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(raw.MapAgain());
  EXPECT_TRUE(absl::IsInvalidArgument(server.status())) << server.status();
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Open(raw.MapAgain());
  EXPECT_TRUE(absl::IsInvalidArgument(client.status())) << client.status();
}

INSTANTIATE_TEST_SUITE_P(
    EachField, ChannelOpenTest,
    ::testing::Values(
        LayoutCorruption{"NoMailboxes", [](const Raw& r) { r.header()->mailboxes.store(0); }},
        LayoutCorruption{
            "TooManyMailboxes",
            [](const Raw& r) { r.header()->mailboxes.store(kMaxChannelMailboxes + 1); }},
        // 4 mailboxes: same ring capacity (4), one more mailbox than the
        // region holds.
        LayoutCorruption{"MoreMailboxesThanTheRegionHolds",
                         [](const Raw& r) { r.header()->mailboxes.store(4); }},
        LayoutCorruption{
            "RequestLimitOverTheMaximum",
            [](const Raw& r) { r.header()->max_request_bytes.store(kMaxChannelRequestBytes + 1); }},
        LayoutCorruption{"RequestLimitLargerThanTheRing",
                         [](const Raw& r) { r.header()->max_request_bytes.store(101); }},
        LayoutCorruption{"ResponseLimitOverTheMaximum",
                         [](const Raw& r) {
                           r.header()->max_response_bytes.store(kMaxChannelResponseBytes + 1);
                         }},
        LayoutCorruption{"ResponseLimitLargerThanTheRegion",
                         [](const Raw& r) { r.header()->max_response_bytes.store(1 << 20); }},
        LayoutCorruption{"RingCapacityDisagrees",
                         [](const Raw& r) { r.header()->ring_capacity.store(8); }},
        LayoutCorruption{"RingMagic", [](const Raw& r) { r.ring_control()->magic.store(0); }},
        LayoutCorruption{"RingCapacityNotAPowerOfTwo",
                         [](const Raw& r) { r.ring_control()->capacity.store(3); }},
        LayoutCorruption{"RingCapacitySmallerThanTheHeaderSays",
                         [](const Raw& r) { r.ring_control()->capacity.store(2); }},
        LayoutCorruption{"RingSlotSizeDisagrees",
                         [](const Raw& r) { r.ring_control()->slot_size.store(100); }},
        LayoutCorruption{"RingSlotSizeHuge",
                         [](const Raw& r) { r.ring_control()->slot_size.store(1 << 20); }}),
    [](const ::testing::TestParamInfo<LayoutCorruption>& info) { return info.param.name; });

// --- Requests, as seen by the server ---

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(raw_.MapAgain());
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
    absl::StatusOr<std::unique_ptr<ChannelMemory>> hostile = ChannelMemory::Open(raw_.MapAgain());
    ASSERT_TRUE(hostile.ok());
    hostile_ = std::move(*hostile);
  }

  // Posts raw bytes as a ring message (the queue itself is well-formed).
  void Post(absl::Span<const uint8_t> message) {
    ASSERT_TRUE(hostile_->ring().TryPush(message).ok());
  }
  void PostHeader(uint64_t id, uint32_t mailbox, uint32_t payload_length, size_t actual_payload) {
    std::vector<uint8_t> message(sizeof(RequestHeader) + actual_payload, 0xee);
    RequestHeader header{id, mailbox, payload_length};
    memcpy(message.data(), &header, sizeof(header));
    Post(message);
  }
  // True when no mailbox was written (states and ids as created).
  bool MailboxesUntouched() const {
    for (uint32_t i = 0; i < kGeometry.mailboxes; ++i) {
      if (raw_.mailbox(i)->state.load() != kMailboxAwaiting ||
          raw_.mailbox(i)->request_id.load() != 0 || raw_.mailbox(i)->length.load() != 0) {
        return false;
      }
    }
    return true;
  }
  // After each bad request, a good one must still go through.
  void ExpectAGoodRequestStillWorks() {
    PostHeader(7, 1, 3, 3);
    ChannelRequest request;
    absl::Status s = server_->Receive(&request, kShort);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(request.id(), 7u);
    EXPECT_EQ(request.mailbox(), 1u);
    EXPECT_EQ(request.payload().size(), 3u);
  }

  Raw raw_ = MakeRaw();
  std::unique_ptr<ChannelServer> server_;
  std::unique_ptr<ChannelMemory> hostile_;
  ChannelRequest request_;
};

TEST_F(MalformedRequestTest, ShorterThanItsHeader) {
  Post(std::vector<uint8_t>(sizeof(RequestHeader) - 1, 0));
  absl::Status s = server_->Receive(&request_, kShort);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(MailboxesUntouched());
  EXPECT_TRUE(absl::IsInvalidArgument(server_->Respond(request_, Bytes("x"))));
  EXPECT_TRUE(request_.payload().empty());
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, MailboxJustOutOfRange) {
  PostHeader(1, kGeometry.mailboxes, 0, 0);
  absl::Status s = server_->Receive(&request_, kShort);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(MailboxesUntouched());
  EXPECT_TRUE(absl::IsInvalidArgument(server_->Respond(request_, Bytes("x"))));
  EXPECT_TRUE(MailboxesUntouched());
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, MailboxFarOutOfRange) {
  PostHeader(1, 0xffffffff, 0, 0);
  EXPECT_TRUE(absl::IsDataLoss(server_->Receive(&request_, kShort)));
  EXPECT_TRUE(MailboxesUntouched());
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, PayloadLengthLongerThanCarried) {
  PostHeader(5, 2, 50, 10);
  absl::Status s = server_->Receive(&request_, kShort);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(request_.payload().empty());  // its bytes are not handed out
  // Its mailbox is valid: the requester is told, so it does not wait.
  MailboxHeader* box = raw_.mailbox(2);
  EXPECT_EQ(box->state.load(), kMailboxAnswered);
  EXPECT_EQ(box->request_id.load(), 5u);
  EXPECT_EQ(box->status_code.load(), static_cast<uint32_t>(absl::StatusCode::kInvalidArgument));
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, PayloadLengthShorterThanCarried) {
  PostHeader(6, 0, 1, 10);
  EXPECT_TRUE(absl::IsDataLoss(server_->Receive(&request_, kShort)));
  EXPECT_EQ(raw_.mailbox(0)->status_code.load(),
            static_cast<uint32_t>(absl::StatusCode::kInvalidArgument));
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, PayloadLengthHuge) {
  PostHeader(6, 0, 0xffffffff, 10);
  EXPECT_TRUE(absl::IsDataLoss(server_->Receive(&request_, kShort)));
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, SlotLengthLongerThanASlot) {
  PostHeader(8, 0, 3, 3);
  raw_.ring_slot(0)->length.store(raw_.layout.ring_slot_size + 1);
  EXPECT_TRUE(absl::IsDataLoss(server_->Receive(&request_, kShort)));
  EXPECT_TRUE(MailboxesUntouched());
  ExpectAGoodRequestStillWorks();
}

TEST_F(MalformedRequestTest, RingPositionsThatContradictTheSlots) {
  raw_.ring_slot(0)->sequence.store(12345);
  EXPECT_TRUE(absl::IsDataLoss(server_->Receive(&request_, kShort)));
  EXPECT_TRUE(MailboxesUntouched());
}

// --- Answers, as seen by the requester ---

class MalformedAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Open(raw_.MapAgain());
    ASSERT_TRUE(client.ok());
    client_ = std::move(*client);
    absl::StatusOr<ChannelClient::Requester> requester = client_->NewRequester();
    ASSERT_TRUE(requester.ok());
    requester_.emplace(std::move(*requester));
    absl::StatusOr<uint64_t> id = requester_->Send(Bytes("request"), kShort);
    ASSERT_TRUE(id.ok());
    id_ = *id;
  }
  // Writes an answer by hand into the requester's mailbox.
  void Answer(uint64_t id, uint32_t code, uint32_t length, uint32_t state = kMailboxAnswered) {
    MailboxHeader* box = raw_.mailbox(requester_->mailbox());
    box->request_id.store(id);
    box->status_code.store(code);
    box->length.store(length);
    memset(reinterpret_cast<uint8_t*>(box + 1), 'a',
           std::min(length, kGeometry.max_response_bytes));
    box->state.store(state);
    FutexWake(box->state);
  }

  Raw raw_ = MakeRaw();
  std::unique_ptr<ChannelClient> client_;
  std::optional<ChannelClient::Requester> requester_;
  uint64_t id_ = 0;
  std::vector<uint8_t> answer_{1, 2, 3};
};

TEST_F(MalformedAnswerTest, WellFormedControl) {
  Answer(id_, 0, 200);
  ASSERT_TRUE(requester_->Await(&answer_, kShort).ok());
  EXPECT_EQ(answer_, std::vector<uint8_t>(200, 'a'));
}

TEST_F(MalformedAnswerTest, WellFormedError) {
  Answer(id_, static_cast<uint32_t>(absl::StatusCode::kUnimplemented), 5);
  absl::Status s = requester_->Await(&answer_, kShort);
  EXPECT_TRUE(absl::IsUnimplemented(s)) << s;
  EXPECT_NE(s.message().find("aaaaa"), absl::string_view::npos);
}

TEST_F(MalformedAnswerTest, AnotherRequestsId) {
  Answer(id_ + 1, 0, 4);
  absl::Status s = requester_->Await(&answer_, kShort);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(answer_.empty());
}

TEST_F(MalformedAnswerTest, LongerThanAMailbox) {
  Answer(id_, 0, kGeometry.max_response_bytes + 1);
  EXPECT_TRUE(absl::IsDataLoss(requester_->Await(&answer_, kShort)));
  EXPECT_TRUE(answer_.empty());
}

TEST_F(MalformedAnswerTest, HugeLength) {
  Answer(id_, 0, 0xffffffff);
  EXPECT_TRUE(absl::IsDataLoss(requester_->Await(&answer_, kShort)));
}

TEST_F(MalformedAnswerTest, StatusCodeOutOfRange) {
  Answer(id_, 17, 0);
  EXPECT_TRUE(absl::IsDataLoss(requester_->Await(&answer_, kShort)));
}

TEST_F(MalformedAnswerTest, UnknownMailboxState) {
  Answer(id_, 0, 0, /*state=*/7);
  absl::Status s = requester_->Await(&answer_, kShort);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_FALSE(requester_->in_flight());
}

TEST_F(MalformedAnswerTest, NoAnswerAtAllTimesOut) {
  EXPECT_TRUE(absl::IsDeadlineExceeded(requester_->Await(&answer_, kShort)));
  EXPECT_TRUE(requester_->in_flight());
}

// --- Everything at once ---

TEST(ChannelScribbleTest, RandomWritesDuringTrafficOnlyCauseStatuses) {
  // A client thread and a server thread talk while a third thread writes
  // random bytes all over the shared payload. Every call must end with a
  // status in a bounded time; ASan/UBSan builds check the accesses.
  Raw raw = MakeRaw({.mailboxes = 2, .max_request_bytes = 64, .max_response_bytes = 128});
  absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(raw.MapAgain());
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Open(raw.MapAgain());
  ASSERT_TRUE(server.ok() && client.ok());
  std::atomic<bool> stop{false};
  WaitOptions quick{.timeout = absl::Milliseconds(5)};
  auto allowed = [](const absl::Status& s) {
    return s.ok() || absl::IsDeadlineExceeded(s) || absl::IsDataLoss(s) ||
           absl::IsInvalidArgument(s) || absl::IsResourceExhausted(s) ||
           absl::IsFailedPrecondition(s) || absl::IsUnavailable(s) ||
           // any code a scribbled answer may carry as a well-formed error
           s.message().find("channel server:") != absl::string_view::npos;
  };
  std::atomic<int> calls{0}, ok_calls{0};
  std::thread serving([&] {
    ChannelRequest request;
    while (!stop.load()) {
      absl::Status s = (*server)->Receive(&request, quick);
      EXPECT_TRUE(allowed(s)) << s;
      if (s.ok()) {
        EXPECT_LE(request.payload().size(), 64u);
        (*server)->Respond(request, EchoAnswer(request.mailbox(), request.payload())).IgnoreError();
      }
    }
  });
  std::thread requesting([&] {
    std::optional<ChannelClient::Requester> requester;
    std::vector<uint8_t> answer;
    for (int i = 0; !stop.load(); ++i) {
      if (!requester || requester->in_flight()) {
        requester.reset();  // quarantine a stuck mailbox, take another
        absl::StatusOr<ChannelClient::Requester> r = (*client)->NewRequester();
        if (!r.ok()) {
          usleep(100);
          continue;
        }
        requester.emplace(std::move(*r));
      }
      absl::Status s = requester->Call(PatternBytes(i, i % 65), &answer, quick);
      EXPECT_TRUE(allowed(s)) << s;
      EXPECT_LE(answer.size(), 128u);
      calls.fetch_add(1);
      if (s.ok()) ok_calls.fetch_add(1);
    }
  });
  std::mt19937_64 rng(42);
  uint64_t size = raw.layout.total_bytes;
  int64_t end = MonotonicNowNs() + 1'000'000'000;
  while (MonotonicNowNs() < end) {
    // Bursts of random bytes, then a pause so some traffic gets through.
    for (int i = 0; i < 16; ++i) raw.region.payload()[rng() % size] = static_cast<uint8_t>(rng());
    usleep(100);
  }
  stop = true;
  serving.join();
  requesting.join();
  EXPECT_GT(calls.load(), 0);
  // (Whether any call still succeeds depends on what got hit; the point
  // is that all of them returned.)
}

}  // namespace
}  // namespace dbt::shm
