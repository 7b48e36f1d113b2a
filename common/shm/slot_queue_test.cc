#include "common/shm/slot_queue.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/shm/peer_process.h"
#include "common/shm/shared_region.h"
#include "common/shm/test_process.h"

namespace dbt::shm {
namespace {

using testing::ForkChild;
using testing::WaitChild;

constexpr uint32_t kKind = 0x51554555;  // "UEUQ"

// A queue laid out at the start of a fresh region's payload.
struct TestQueue {
  SharedRegion region;
  std::unique_ptr<SlotQueue> queue;

  QueueControl* control() const { return reinterpret_cast<QueueControl*>(region.payload()); }
  SlotHeader* slot(uint32_t index) const {
    return reinterpret_cast<SlotHeader*>(region.payload() + sizeof(QueueControl) +
                                         index * SlotQueue::SlotStride(queue->slot_size()));
  }
};

TestQueue MakeQueue(uint32_t capacity, uint32_t slot_size) {
  absl::StatusOr<uint64_t> bytes = SlotQueue::BytesFor(capacity, slot_size);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<SharedRegion> region = SharedRegion::Create("queue-test", kKind, 1, *bytes);
  EXPECT_TRUE(region.ok()) << region.status();
  absl::StatusOr<std::unique_ptr<SlotQueue>> queue =
      SlotQueue::Initialize(absl::MakeSpan(region->payload(), *bytes), capacity, slot_size);
  EXPECT_TRUE(queue.ok()) << queue.status();
  return TestQueue{std::move(*region), std::move(*queue)};
}

// A second, independent mapping of the same queue (as another process has).
struct SecondView {
  explicit SecondView(const SharedRegion& region) {
    absl::StatusOr<UniqueFd> fd = region.DupFd();
    EXPECT_TRUE(fd.ok());
    absl::StatusOr<SharedRegion> r = SharedRegion::Attach(std::move(*fd), kKind, 1);
    EXPECT_TRUE(r.ok()) << r.status();
    this->region = std::move(*r);
    absl::StatusOr<std::unique_ptr<SlotQueue>> q =
        SlotQueue::Attach(absl::MakeSpan(this->region.payload(), this->region.payload_size()));
    EXPECT_TRUE(q.ok()) << q.status();
    queue = std::move(*q);
  }
  SharedRegion region;
  std::unique_ptr<SlotQueue> queue;
};

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// Test messages: who sent it and its number in that sender's order.
struct Tagged {
  uint32_t producer;
  uint32_t seq;
};

absl::Span<const uint8_t> AsBytes(const Tagged& t) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(&t), sizeof(t));
}

Tagged FromBytes(const std::vector<uint8_t>& bytes) {
  Tagged t{~0u, ~0u};
  if (bytes.size() == sizeof(t)) memcpy(&t, bytes.data(), sizeof(t));
  return t;
}

TEST(SlotQueueGeometryTest, CapacityMustBeAPowerOfTwoInRange) {
  for (uint32_t bad : {0u, 1u, 3u, 6u, 100u, SlotQueue::kMaxCapacity * 2}) {
    EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::BytesFor(bad, 64).status())) << bad;
  }
  for (uint32_t good : {2u, 4u, 1024u, SlotQueue::kMaxCapacity}) {
    EXPECT_TRUE(SlotQueue::BytesFor(good, 64).ok()) << good;
  }
}

TEST(SlotQueueGeometryTest, SlotSizeInRange) {
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::BytesFor(4, 0).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(SlotQueue::BytesFor(4, SlotQueue::kMaxSlotSize + 1).status()));
  EXPECT_TRUE(SlotQueue::BytesFor(4, SlotQueue::kMaxSlotSize).ok());
}

TEST(SlotQueueGeometryTest, BytesByHand) {
  // Slot: 16-byte header + 100 bytes = 116, rounded to 64: 128.
  EXPECT_EQ(SlotQueue::SlotStride(100), 128u);
  EXPECT_EQ(SlotQueue::SlotStride(48), 64u);
  EXPECT_EQ(SlotQueue::SlotStride(49), 128u);
  // 5 control lines (320) + 4 slots of 128.
  EXPECT_EQ(*SlotQueue::BytesFor(4, 100), 320u + 4 * 128);
}

TEST(SlotQueueGeometryTest, InitializeNeedsAlignedRoom) {
  alignas(64) static uint8_t memory[4096];
  EXPECT_TRUE(absl::IsInvalidArgument(
      SlotQueue::Initialize(absl::MakeSpan(memory + 8, 4000), 4, 64).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      SlotQueue::Initialize(absl::MakeSpan(memory, 320 + 4 * 128 - 1), 4, 64).status()));
  EXPECT_TRUE(SlotQueue::Initialize(absl::MakeSpan(memory, 320 + 4 * 128), 4, 64).ok());
}

TEST(SlotQueueGeometryTest, AttachValidatesWhatItReads) {
  TestQueue q = MakeQueue(4, 64);
  absl::Span<uint8_t> memory(q.region.payload(), *SlotQueue::BytesFor(4, 64));
  EXPECT_TRUE(SlotQueue::Attach(memory).ok());
  // Smaller memory than the geometry needs.
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::Attach(memory.subspan(0, 800)).status()));
  q.control()->capacity.store(3);
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::Attach(memory).status()));
  q.control()->capacity.store(8);  // valid, but does not fit
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::Attach(memory).status()));
  q.control()->capacity.store(4);
  q.control()->slot_size.store(1000);
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::Attach(memory).status()));
  q.control()->slot_size.store(64);
  q.control()->magic.store(0);
  EXPECT_TRUE(absl::IsInvalidArgument(SlotQueue::Attach(memory).status()));
}

TEST(SlotQueueTest, FifoFullAndEmpty) {
  TestQueue q = MakeQueue(4, 8);
  std::vector<uint8_t> out;
  EXPECT_TRUE(absl::IsUnavailable(q.queue->TryPop(&out)));
  for (std::string s : {"a", "bb", "", "dddddddd"}) EXPECT_TRUE(q.queue->TryPush(Bytes(s)).ok());
  EXPECT_TRUE(absl::IsResourceExhausted(q.queue->TryPush(Bytes("e"))));
  for (std::string s : {"a", "bb", "", "dddddddd"}) {
    ASSERT_TRUE(q.queue->TryPop(&out).ok());
    EXPECT_EQ(std::string(out.begin(), out.end()), s);
  }
  EXPECT_TRUE(absl::IsUnavailable(q.queue->TryPop(&out)));
}

TEST(SlotQueueTest, TooLongIsInvalidArgumentAndClaimsNothing) {
  TestQueue q = MakeQueue(2, 8);
  EXPECT_TRUE(absl::IsInvalidArgument(q.queue->TryPush(Bytes("123456789"))));
  EXPECT_EQ(q.control()->enqueue_pos.load(), 0u);
}

TEST(SlotQueueTest, WrapsAroundManyRounds) {
  TestQueue q = MakeQueue(4, 32);
  std::vector<uint8_t> out;
  for (uint32_t i = 0; i < 1000; ++i) {
    std::string s = std::to_string(i * 7919);
    ASSERT_TRUE(q.queue->TryPush(Bytes(s)).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(q.queue->TryPush(Bytes("x")).ok());
    }
    ASSERT_TRUE(q.queue->TryPop(&out).ok());
    ASSERT_EQ(std::string(out.begin(), out.end()), s);
    if (i % 3 == 0) {
      ASSERT_TRUE(q.queue->TryPop(&out).ok());
      ASSERT_EQ(out, Bytes("x"));
    }
  }
  // 1334 messages went through: both positions agree, each slot's sequence
  // is "free for the next round" (position + capacity... = next position).
  EXPECT_EQ(q.control()->enqueue_pos.load(), 1334u);
  EXPECT_EQ(q.control()->dequeue_pos.load(), 1334u);
  for (uint32_t i = 0; i < 4; ++i) {
    uint64_t seq = q.slot(i)->sequence.load();
    EXPECT_EQ(seq % 4, i);
    EXPECT_GE(seq, 1334u);
    EXPECT_LT(seq, 1334u + 4);
  }
}

TEST(SlotQueueTest, PushWithWritesInPlace) {
  TestQueue q = MakeQueue(2, 16);
  ASSERT_TRUE(q.queue
                  ->TryPushWith(5,
                                [](absl::Span<uint8_t> slot) {
                                  ASSERT_EQ(slot.size(), 5u);
                                  memcpy(slot.data(), "hello", 5);
                                })
                  .ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(q.queue->TryPop(&out).ok());
  EXPECT_EQ(out, Bytes("hello"));
}

TEST(SlotQueueTest, ASecondMappingSeesTheSameQueue) {
  TestQueue q = MakeQueue(4, 16);
  SecondView other(q.region);
  ASSERT_NE(other.region.base(), q.region.base());
  EXPECT_EQ(other.queue->capacity(), 4u);
  EXPECT_EQ(other.queue->slot_size(), 16u);
  ASSERT_TRUE(q.queue->TryPush(Bytes("one")).ok());
  ASSERT_TRUE(other.queue->TryPush(Bytes("two")).ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(other.queue->TryPop(&out).ok());
  EXPECT_EQ(out, Bytes("one"));
  ASSERT_TRUE(q.queue->TryPop(&out).ok());
  EXPECT_EQ(out, Bytes("two"));
}

TEST(SlotQueueTest, ManyProducersOneConsumerExactlyOnceInOrder) {
  constexpr uint32_t kProducers = 4, kMessages = 20000;
  TestQueue q = MakeQueue(8, sizeof(Tagged));  // small: producers often wait for room
  WaitOptions options{.timeout = absl::Seconds(60)};
  std::vector<std::thread> producers;
  for (uint32_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint32_t i = 0; i < kMessages; ++i) {
        absl::Status s = q.queue->Push(AsBytes(Tagged{p, i}), options);
        if (!s.ok()) ADD_FAILURE() << s;
      }
    });
  }
  std::vector<uint32_t> next(kProducers, 0);
  std::vector<uint8_t> out;
  for (uint32_t n = 0; n < kProducers * kMessages; ++n) {
    absl::Status s = q.queue->Pop(&out, options);
    ASSERT_TRUE(s.ok()) << s;
    Tagged t = FromBytes(out);
    ASSERT_LT(t.producer, kProducers);
    ASSERT_EQ(t.seq, next[t.producer]) << "producer " << t.producer;
    ++next[t.producer];
  }
  for (auto& t : producers) t.join();
  EXPECT_TRUE(absl::IsUnavailable(q.queue->TryPop(&out)));
}

TEST(SlotQueueTest, ManyProducersManyConsumersExactlyOnce) {
  constexpr uint32_t kProducers = 3, kConsumers = 3, kMessages = 20000;
  TestQueue q = MakeQueue(16, sizeof(Tagged));
  WaitOptions options{.timeout = absl::Seconds(60)};
  std::atomic<uint32_t> remaining{kProducers * kMessages};
  std::vector<std::vector<Tagged>> received(kConsumers);
  std::vector<std::thread> threads;
  for (uint32_t c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      std::vector<uint8_t> out;
      while (remaining.load() > 0) {
        absl::Status s = q.queue->Pop(&out, {.timeout = absl::Milliseconds(20)});
        if (absl::IsDeadlineExceeded(s)) continue;
        if (!s.ok()) {
          ADD_FAILURE() << s;
          return;
        }
        received[c].push_back(FromBytes(out));
        remaining.fetch_sub(1);
      }
    });
  }
  for (uint32_t p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (uint32_t i = 0; i < kMessages; ++i) {
        absl::Status s = q.queue->Push(AsBytes(Tagged{p, i}), options);
        if (!s.ok()) ADD_FAILURE() << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::vector<int>> seen(kProducers, std::vector<int>(kMessages, 0));
  for (uint32_t c = 0; c < kConsumers; ++c) {
    std::vector<int64_t> last(kProducers, -1);
    for (const Tagged& t : received[c]) {
      ASSERT_LT(t.producer, kProducers);
      ASSERT_LT(t.seq, kMessages);
      // Positions are taken in order, so each consumer sees every
      // producer's messages in increasing order.
      ASSERT_GT(int64_t{t.seq}, last[t.producer]);
      last[t.producer] = t.seq;
      ++seen[t.producer][t.seq];
    }
  }
  for (uint32_t p = 0; p < kProducers; ++p) {
    for (uint32_t i = 0; i < kMessages; ++i) ASSERT_EQ(seen[p][i], 1) << p << " " << i;
  }
}

// Two threads bounce a token through two queues; this thread never spins:
// every hand-off races it going to sleep against the other's wake-up. A lost
// wake-up shows as a wait running into its (short) deadline. The other
// thread either sleeps too or spins (then it answers within ~100 ns, right
// when this one prepares to sleep).
void PingPong(absl::Duration other_spin) {
  constexpr int kRounds = 100000;
  TestQueue ping = MakeQueue(2, 8), pong = MakeQueue(2, 8);
  WaitOptions options{.timeout = absl::Seconds(2)};
  std::thread other([&] {
    WaitOptions other_options = options;
    other_options.spin = other_spin;
    std::vector<uint8_t> token;
    for (int i = 0; i < kRounds; ++i) {
      absl::Status s = ping.queue->Pop(&token, other_options);
      if (s.ok()) s = pong.queue->Push(token, other_options);
      if (!s.ok()) {
        ADD_FAILURE() << "round " << i << ": " << s;
        return;
      }
    }
  });
  std::vector<uint8_t> token{1};
  for (int i = 0; i < kRounds; ++i) {
    absl::Status s = ping.queue->Push(token, options);
    if (s.ok()) s = pong.queue->Pop(&token, options);
    ASSERT_TRUE(s.ok()) << "round " << i << ": " << s;
  }
  other.join();
}

TEST(SlotQueueTest, PingPongLosesNoWakeUp) { PingPong(absl::ZeroDuration()); }

TEST(SlotQueueTest, PingPongWithASpinningPeerLosesNoWakeUp) { PingPong(absl::Milliseconds(1)); }

TEST(SlotQueueTest, PopTimesOutOnAnEmptyQueue) {
  TestQueue q = MakeQueue(4, 8);
  std::vector<uint8_t> out;
  int64_t start = MonotonicNowNs();
  absl::Status s = q.queue->Pop(&out, {.timeout = absl::Milliseconds(50)});
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_GE((MonotonicNowNs() - start) / 1'000'000, 50);
  EXPECT_EQ(q.control()->sleeping_consumers.load(), 0u);  // deregistered
}

TEST(SlotQueueTest, PushWaitsForRoom) {
  TestQueue q = MakeQueue(2, 8);
  ASSERT_TRUE(q.queue->TryPush(Bytes("1")).ok());
  ASSERT_TRUE(q.queue->TryPush(Bytes("2")).ok());
  std::atomic<bool> done{false};
  absl::Status pushed;
  std::thread producer([&] {
    pushed = q.queue->Push(Bytes("3"), {.timeout = absl::Seconds(30)});
    done = true;
  });
  usleep(50000);
  EXPECT_FALSE(done.load());
  std::vector<uint8_t> out;
  ASSERT_TRUE(q.queue->TryPop(&out).ok());
  producer.join();
  EXPECT_TRUE(pushed.ok()) << pushed;
  for (std::string s : {"2", "3"}) {
    ASSERT_TRUE(q.queue->TryPop(&out).ok());
    EXPECT_EQ(out, Bytes(s));
  }
}

TEST(SlotQueueTest, PopWakesForAPushFromAnotherMapping) {
  TestQueue q = MakeQueue(4, 8);
  SecondView other(q.region);
  absl::Status popped;
  std::vector<uint8_t> out;
  std::thread consumer([&] { popped = q.queue->Pop(&out, {.timeout = absl::Seconds(30)}); });
  // Push once the consumer sleeps (registered), so the wake is what ends it.
  while (q.control()->sleeping_consumers.load() == 0) usleep(1000);
  ASSERT_TRUE(other.queue->TryPush(Bytes("wake")).ok());
  consumer.join();
  EXPECT_TRUE(popped.ok()) << popped;
  EXPECT_EQ(out, Bytes("wake"));
}

TEST(SlotQueueTest, SpinningPopGetsAMessage) {
  TestQueue q = MakeQueue(4, 8);
  std::thread producer([&] {
    usleep(1000);
    EXPECT_TRUE(q.queue->TryPush(Bytes("spun")).ok());
  });
  std::vector<uint8_t> out;
  absl::Status s =
      q.queue->Pop(&out, {.timeout = absl::Seconds(30), .spin = absl::Milliseconds(100)});
  producer.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(out, Bytes("spun"));
}

TEST(SlotQueueTest, InterruptCancelsBlockedAndLaterCalls) {
  TestQueue q = MakeQueue(2, 8);
  absl::Status popped;
  std::vector<uint8_t> out;
  std::thread consumer([&] { popped = q.queue->Pop(&out, WaitOptions{}); });  // no timeout
  while (q.control()->sleeping_consumers.load() == 0) usleep(1000);
  q.queue->Interrupt();
  consumer.join();
  EXPECT_TRUE(absl::IsCancelled(popped)) << popped;
  EXPECT_TRUE(absl::IsCancelled(q.queue->Pop(&out, WaitOptions{})));
  ASSERT_TRUE(q.queue->TryPush(Bytes("1")).ok());
  ASSERT_TRUE(q.queue->TryPush(Bytes("2")).ok());
  EXPECT_TRUE(absl::IsCancelled(q.queue->Push(Bytes("3"), WaitOptions{})));
  // Non-blocking calls still work; a message present is still delivered.
  EXPECT_TRUE(q.queue->Pop(&out, WaitOptions{}).ok());
}

TEST(SlotQueueTest, TwoProcesses) {
  constexpr uint32_t kProducers = 2, kMessages = 10000;
  TestQueue q = MakeQueue(8, sizeof(Tagged));
  pid_t child = ForkChild([&] {
    // The consumer maps the region itself, from a descriptor.
    SecondView view(q.region);
    CHILD_CHECK(view.queue != nullptr);
    std::vector<uint32_t> next(kProducers, 0);
    std::vector<uint8_t> out;
    for (uint32_t n = 0; n < kProducers * kMessages; ++n) {
      CHILD_CHECK(view.queue->Pop(&out, {.timeout = absl::Seconds(60)}).ok());
      Tagged t = FromBytes(out);
      CHILD_CHECK(t.producer < kProducers);
      CHILD_CHECK(t.seq == next[t.producer]);
      ++next[t.producer];
    }
    return 0;
  });
  ASSERT_GT(child, 0);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  std::vector<std::thread> producers;
  for (uint32_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint32_t i = 0; i < kMessages; ++i) {
        absl::Status s =
            q.queue->Push(AsBytes(Tagged{p, i}), {.timeout = absl::Seconds(60), .peer = &*peer});
        if (!s.ok()) {
          ADD_FAILURE() << s;
          return;
        }
      }
    });
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(WaitChild(child), 0);
}

TEST(SlotQueueFailureTest, AProducerDyingMidPushStallsButNeverHangsOrLies) {
  TestQueue q = MakeQueue(4, 16);
  pid_t child = ForkChild([&] {
    // Claims position 0, then dies before publishing it.
    (void)q.queue->TryPushWith(8, [](absl::Span<uint8_t> slot) {
      memcpy(slot.data(), "partial", 7);
      _exit(7);
    });
    return 1;
  });
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(WaitChild(child), 7);
  EXPECT_EQ(q.control()->enqueue_pos.load(), 1u);  // the claim happened
  std::vector<uint8_t> out;
  EXPECT_TRUE(absl::IsUnavailable(q.queue->TryPop(&out)));  // nothing half-written comes out
  int64_t start = MonotonicNowNs();
  absl::Status s =
      q.queue->Pop(&out, {.peer = &*peer, .peer_poll_interval = absl::Milliseconds(10)});
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_NE(s.message().find("exited"), absl::string_view::npos) << s;
  EXPECT_LT((MonotonicNowNs() - start) / 1'000'000, 5000);
  EXPECT_TRUE(absl::IsDeadlineExceeded(q.queue->Pop(&out, {.timeout = absl::Milliseconds(20)})));
}

TEST(SlotQueueHostileTest, SlotLengthOutOfRangeIsDroppedAndTheQueueMovesOn) {
  TestQueue q = MakeQueue(2, 16);
  ASSERT_TRUE(q.queue->TryPush(Bytes("good")).ok());
  q.slot(0)->length.store(17);  // one more than a slot holds
  ASSERT_TRUE(q.queue->TryPush(Bytes("next")).ok());
  std::vector<uint8_t> out{1, 2, 3};
  absl::Status s = q.queue->TryPop(&out);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(out.empty());
  q.slot(0)->length.store(0xffffffff);  // (not read again: the slot was released)
  ASSERT_TRUE(q.queue->TryPop(&out).ok());
  EXPECT_EQ(out, Bytes("next"));
  // Both slots are free again.
  EXPECT_TRUE(q.queue->TryPush(Bytes("a")).ok());
  EXPECT_TRUE(q.queue->TryPush(Bytes("b")).ok());
}

TEST(SlotQueueHostileTest, ASequenceAheadOfItsPositionIsDataLoss) {
  TestQueue q = MakeQueue(4, 16);
  std::vector<uint8_t> out;
  q.slot(0)->sequence.store(1000);
  EXPECT_TRUE(absl::IsDataLoss(q.queue->TryPop(&out)));
  EXPECT_TRUE(absl::IsDataLoss(q.queue->TryPush(Bytes("x"))));
}

TEST(SlotQueueHostileTest, ADequeuePositionPushedAheadStallsWithADeadline) {
  TestQueue q = MakeQueue(4, 16);
  q.control()->dequeue_pos.store(100);
  ASSERT_TRUE(q.queue->TryPush(Bytes("lost")).ok());
  std::vector<uint8_t> out;
  EXPECT_TRUE(absl::IsDeadlineExceeded(q.queue->Pop(&out, {.timeout = absl::Milliseconds(20)})));
}

TEST(SlotQueueHostileTest, PositionsRewrittenConstantlyNeverHang) {
  TestQueue q = MakeQueue(4, 16);
  std::atomic<bool> stop{false};
  std::thread scribbler([&] {
    std::mt19937_64 rng(1);
    while (!stop.load(std::memory_order_relaxed)) {
      q.control()->dequeue_pos.store(rng() & 7);
      q.control()->enqueue_pos.store(rng() & 7);
      q.slot(rng() & 3)->sequence.store(rng() & 15);
    }
  });
  std::vector<uint8_t> out;
  for (int i = 0; i < 300; ++i) {
    absl::Status s = i % 2 ? q.queue->TryPop(&out) : q.queue->TryPush(Bytes("x"));
    EXPECT_TRUE(s.ok() || absl::IsUnavailable(s) || absl::IsResourceExhausted(s) ||
                absl::IsDataLoss(s))
        << s;
    EXPECT_LE(out.size(), 16u);
  }
  stop = true;
  scribbler.join();
}

TEST(SlotQueueHostileTest, GarbageEverywhereGivesOnlyStatuses) {
  // Every byte of the queue memory random (geometry included: it was read
  // at Attach and is never read again); calls must only return statuses and
  // messages no longer than a slot.
  for (uint64_t seed = 0; seed < 50; ++seed) {
    TestQueue q = MakeQueue(8, 32);
    std::mt19937_64 rng(seed);
    uint64_t bytes = *SlotQueue::BytesFor(8, 32);
    for (uint64_t i = 0; i < bytes; ++i) q.region.payload()[i] = static_cast<uint8_t>(rng());
    if (seed % 2) {
      // Half the runs: plausible small positions and sequences, so that
      // pops actually take slots with random lengths.
      q.control()->dequeue_pos.store(rng() % 4);
      q.control()->enqueue_pos.store(rng() % 4);
      for (uint32_t i = 0; i < 8; ++i) q.slot(i)->sequence.store(i + rng() % 2);
    }
    std::vector<uint8_t> out;
    for (int i = 0; i < 200; ++i) {
      absl::Status s = rng() % 2 ? q.queue->TryPop(&out) : q.queue->TryPush(Bytes("msg"));
      ASSERT_TRUE(s.ok() || absl::IsUnavailable(s) || absl::IsResourceExhausted(s) ||
                  absl::IsDataLoss(s))
          << s;
      ASSERT_LE(out.size(), 32u);
    }
  }
}

}  // namespace
}  // namespace dbt::shm
