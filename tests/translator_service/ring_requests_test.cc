// Malformed traffic on a session's ring: requests that do not decode are
// each answered InvalidArgument and counted; messages that break the
// channel's own header rules are dropped (DataLoss in the translator) and
// counted; the session keeps serving valid requests after all of them.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/channel_layout.h"
#include "common/shm/slot_queue.h"
#include "services/translator/wire/tb_wire.h"
#include "tests/translator_service/translator_test_client.h"

namespace dbt::testing {
namespace {

namespace wire = translator::wire;

constexpr uint64_t kPc = 0x10000;

std::vector<uint8_t> Request(uint64_t pc, const std::vector<uint8_t>& bytes, uint32_t flags = 0,
                             uint32_t debug = 0) {
  wire::TranslateRequest r;
  r.pc = pc;
  r.flags = flags;
  r.debug = debug;
  r.bytes = bytes;
  return wire::EncodeTranslateRequest(r);
}

void PutU32(std::vector<uint8_t>& v, size_t at, uint32_t x) { memcpy(v.data() + at, &x, 4); }

struct Malformed {
  std::string name;
  std::vector<uint8_t> payload;
};

// Request layout (tb_wire.cc): kind u32 @0, flags u32 @4, pc u64 @8,
// debug u32 @16, byte count u32 @20, bytes @24.
std::vector<Malformed> MalformedRequests() {
  const std::vector<uint8_t> good = Request(kPc, AddiBlock(3, 1));
  std::vector<Malformed> out;
  out.push_back({"empty", {}});
  out.push_back({"kind only, three bytes", {1, 0, 0}});
  out.push_back({"truncated", std::vector<uint8_t>(good.begin(), good.begin() + 17)});
  out.push_back({"truncated bytes", std::vector<uint8_t>(good.begin(), good.end() - 1)});
  std::vector<uint8_t> kind = good;
  PutU32(kind, 0, 3);
  out.push_back({"unknown kind", kind});
  out.push_back({"odd pc", Request(kPc + 1, AddiBlock(3, 1))});
  std::vector<uint8_t> more = good;
  PutU32(more, 20, 17);  // says 17 bytes, carries 16
  out.push_back({"byte count larger than the bytes", more});
  std::vector<uint8_t> fewer = good;
  PutU32(fewer, 20, 15);  // says 15 bytes: one trailing byte
  out.push_back({"byte count smaller than the bytes", fewer});
  out.push_back({"oversize", Request(kPc, std::vector<uint8_t>(wire::kMaxGuestBytes + 2, 0x13))});
  out.push_back({"unknown flag", Request(kPc, AddiBlock(3, 1), 1u << 5)});
  out.push_back({"unknown debug bit", Request(kPc, AddiBlock(3, 1), 0, 1u << 4)});
  out.push_back({"pc + bytes wraps", Request(~uint64_t{0} - 7, AddiBlock(3, 1))});
  std::vector<uint8_t> flush = wire::EncodeFlushRequest();
  flush.push_back(0);
  out.push_back({"flush with trailing bytes", flush});
  // Random garbage, seeded; the kind's top byte is forced to 0xff so that
  // no sample can be a real kind by chance.
  std::mt19937 rng(20240601);
  for (int i = 0; i < 20; ++i) {
    std::vector<uint8_t> g(1 + rng() % 300);
    for (uint8_t& b : g) b = static_cast<uint8_t>(rng());
    if (g.size() >= 4) g[3] = 0xff;
    out.push_back({"garbage " + std::to_string(i), g});
  }
  return out;
}

class RingRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(translator_.serving()) << translator_.Output();
    auto session = TestSession::Attach(translator_.data_socket());
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = *std::move(session);
  }
  void ExpectValidRequestServed(shm::ChannelClient::Requester& requester) {
    auto t = session_->Translate(requester, kPc, AddiBlock(4, 2));
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->guest_insns, 5u);
  }

  TranslatorProcess translator_;
  std::unique_ptr<TestSession> session_;
};

TEST_F(RingRequestsTest, EachMalformedRequestIsAnsweredInvalidArgument) {
  auto requester = session_->NewRequester();
  ExpectValidRequestServed(requester);
  const std::vector<Malformed> cases = MalformedRequests();
  for (const Malformed& m : cases) {
    std::vector<uint8_t> answer;
    absl::Status s = session_->Call(requester, m.payload, &answer);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << m.name << ": " << s;
    EXPECT_TRUE(answer.empty()) << m.name;
  }
  ExpectValidRequestServed(requester);
  auto stats = translator_.Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->requests_rejected(), cases.size());
  EXPECT_EQ(stats->requests(), cases.size() + 2);
  EXPECT_EQ(stats->tbs_translated(), 2u);
  EXPECT_EQ(stats->sessions(), 1u);
}

// A request larger than the channel's own limit never reaches the
// translator: the channel refuses it on the executor's side.
TEST_F(RingRequestsTest, RequestLargerThanTheRingSlotIsRefusedLocally) {
  auto requester = session_->NewRequester();
  std::vector<uint8_t> answer;
  absl::Status s =
      session_->Call(requester, std::vector<uint8_t>(wire::kMaxRequestBytes + 1, 0), &answer);
  EXPECT_FALSE(s.ok());
  ExpectValidRequestServed(requester);
}

// Messages pushed straight into the ring, bypassing the Requester, that
// break the RequestHeader rules (channel_server.cc Parse): ChannelServer
// reports DataLoss for each; the session counts them and goes on.
TEST_F(RingRequestsTest, ChannelHeaderViolationsDoNotStopTheSession) {
  auto requester = session_->NewRequester();  // mailbox 0
  ExpectValidRequestServed(requester);

  const shm::SharedRegion& region = session_->channel().region();
  absl::StatusOr<shm::ChannelLayout> layout =
      shm::ComputeChannelLayout(session_->channel().geometry());
  ASSERT_TRUE(layout.ok());
  absl::StatusOr<absl::Span<uint8_t>> ring_memory =
      region.PayloadSpan(shm::kRingOffset, layout->ring_bytes);
  ASSERT_TRUE(ring_memory.ok()) << ring_memory.status();
  absl::StatusOr<std::unique_ptr<shm::SlotQueue>> ring = shm::SlotQueue::Attach(*ring_memory);
  ASSERT_TRUE(ring.ok()) << ring.status();

  const std::vector<uint8_t> payload = Request(kPc, AddiBlock(3, 3));
  auto message = [&](uint64_t id, uint32_t mailbox, uint32_t length) {
    std::vector<uint8_t> m(sizeof(shm::RequestHeader));
    shm::RequestHeader h{id, mailbox, length};
    memcpy(m.data(), &h, sizeof h);
    m.insert(m.end(), payload.begin(), payload.end());
    return m;
  };
  // Mailbox 7 belongs to no requester here (they are handed out from 0).
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::vector<std::vector<uint8_t>> bad = {
      std::vector<uint8_t>(8, 0xab),  // shorter than a RequestHeader
      message(1001, 1000, n),         // mailbox out of range
      message(1002, 7, n + 1),        // payload length larger than carried
      message(1003, 7, n - 1),        // payload length smaller than carried
      message(1004, UINT32_MAX, n),   // mailbox out of range, at the top
  };
  for (const auto& m : bad) ASSERT_TRUE((*ring)->TryPush(m).ok());
  // FIFO with one consumer: once this is answered, every bad message before
  // it was taken and dropped.
  ExpectValidRequestServed(requester);

  // Mailbox 7 was told why (InvalidArgument) rather than left waiting.
  const shm::MailboxHeader* box = reinterpret_cast<const shm::MailboxHeader*>(
      region.payload() + layout->mailboxes_offset + 7 * layout->mailbox_stride);
  EXPECT_EQ(box->state.load(), shm::kMailboxAnswered);
  EXPECT_EQ(box->status_code.load(), static_cast<uint32_t>(absl::StatusCode::kInvalidArgument));

  auto stats = translator_.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->requests_rejected(), bad.size());
  EXPECT_EQ(stats->sessions(), 1u);
  EXPECT_EQ(stats->tbs_translated(), 2u);
}

// Valid requests carrying random guest bytes: every answer is a TB or a
// fetch fault (bytes that are no instruction are still translated: they
// raise SIGILL in the guest), and the translator stays up.
TEST_F(RingRequestsTest, RandomGuestBytesTranslateOrFault) {
  auto requester = session_->NewRequester();
  std::mt19937 rng(7);
  int translated = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    const uint64_t pc = 0x10000 + 2 * (rng() % 4096);
    std::string text;
    auto t = session_->Translate(requester, pc, bytes, rng() % 2, wire::kDebugAll, &text);
    if (t.ok()) {
      ++translated;
      EXPECT_LE(t->guest_size, bytes.size());
    } else {
      ASSERT_TRUE(absl::IsNotFound(t.status())) << i << ": " << t.status();
    }
  }
  EXPECT_GT(translated, 100);
  ExpectValidRequestServed(requester);
}

}  // namespace
}  // namespace dbt::testing
