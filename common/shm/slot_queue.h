// A bounded multi-producer multi-consumer queue of fixed-size slots that
// lives entirely in shared memory (Dmitry Vyukov's bounded MPMC queue: one
// sequence number per slot), with futex sleeps when it is empty or full.
//
// Why MPMC: the requester side is several guest threads of one executor, and
// the translator may serve one region from several threads; Vyukov's queue
// costs one CAS per operation either way, and a single consumer simply never
// loses that CAS.
//
// Memory layout, from a 64-byte aligned start (no pointers, only positions;
// every field is a lock-free std::atomic, which is address-free, so each
// process may map the memory anywhere):
//   QueueControl (5 cache lines): geometry, enqueue_pos, dequeue_pos and the two
//     futex words, each group on its own cache line;
//   capacity slots of SlotStride(slot_size) bytes: SlotHeader, then up to
//     slot_size message bytes.
//
// Slot protocol (positions are 64-bit and never wrap in practice):
//   slot i starts with sequence = i. A producer may claim position p when
//   slot p % capacity has sequence == p; it CASes enqueue_pos p -> p+1,
//   writes length and bytes, then stores sequence = p+1 (release). A consumer
//   may take position p when the slot has sequence == p+1 (acquire: the
//   bytes are visible); it CASes dequeue_pos p -> p+1, copies the message out,
//   then stores sequence = p+capacity (release: its reads are done before a
//   producer of the next round, who loads the sequence with acquire,
//   overwrites the slot). Capacity is a power of two >= 2 (with 1, "free for
//   p+1" and "full with p" would be the same sequence value).
//
// Sleeping (no lost wake-ups): push_count is bumped after every push and
// pop_count after every pop; both are 32-bit futex words. A consumer that
// found the queue empty does, in this order (all seq_cst):
//   sleeping_consumers += 1; seen = push_count; TryPop again; if still
//   empty, FUTEX_WAIT(push_count, seen); sleeping_consumers -= 1.
// A producer, after publishing: push_count += 1; if sleeping_consumers != 0,
// FUTEX_WAKE(push_count, all). Either the producer sees the registration and
// wakes (the kernel's compare-and-queue then sees the new count or the wake
// finds the sleeper), or its bump precedes the registration in the single
// seq_cst order, so `seen` already includes it and, through its release,
// the second TryPop sees the message. Producers waiting for room mirror this
// with pop_count / sleeping_producers. A wake goes to all sleepers so that
// one leaving without taking the message (deadline, Interrupt) cannot strand
// it. The counts wrap; a sleep is only wrong if exactly 2^32 pushes happen
// between reading `seen` and sleeping, and the timeout bounds even that.
//
// Trust: the other process may write anything anywhere. The geometry is read
// once at Attach into private members; slot indices are positions masked
// with the private capacity; a slot's length is read once and checked against
// the private slot size; messages are copied out into private memory before
// anyone looks at them. A corrupted slot is dropped with DataLoss and the
// queue moves on; positions that contradict the protocol, or a retry loop
// that never settles, give DataLoss instead of spinning for ever. What a
// broken peer can still do is stall the queue (e.g. claim a slot and never
// publish it): blocked calls then end at their deadline, or with Unavailable
// when the peer process is watched and has exited (wait.h).
#ifndef DBT_COMMON_SHM_SLOT_QUEUE_H_
#define DBT_COMMON_SHM_SLOT_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/shm/wait.h"

namespace dbt::shm {

struct QueueControl {
  std::atomic<uint64_t> magic;  // kSlotQueueMagic once initialized
  std::atomic<uint32_t> capacity;
  std::atomic<uint32_t> slot_size;
  alignas(64) std::atomic<uint64_t> enqueue_pos;
  alignas(64) std::atomic<uint64_t> dequeue_pos;
  alignas(64) std::atomic<uint32_t> push_count;  // futex word for consumers
  std::atomic<uint32_t> sleeping_consumers;
  alignas(64) std::atomic<uint32_t> pop_count;  // futex word for producers
  std::atomic<uint32_t> sleeping_producers;
};
static_assert(sizeof(QueueControl) == 5 * 64);

struct SlotHeader {
  std::atomic<uint64_t> sequence;
  std::atomic<uint32_t> length;  // message bytes that follow, <= slot_size
  uint32_t reserved;
};
static_assert(sizeof(SlotHeader) == 16);

inline constexpr uint64_t kSlotQueueMagic = 0x3130455545555153;  // "SQUEUE01"

class SlotQueue {
 public:
  static constexpr uint32_t kMinCapacity = 2;
  static constexpr uint32_t kMaxCapacity = uint32_t{1} << 16;
  static constexpr uint32_t kMaxSlotSize = uint32_t{1} << 24;

  // Bytes from one slot to the next: header + message, in whole cache lines.
  static uint64_t SlotStride(uint32_t slot_size);
  // Bytes a queue of this geometry occupies; InvalidArgument for a capacity
  // that is not a power of two in [kMinCapacity, kMaxCapacity] or a slot size
  // outside [1, kMaxSlotSize].
  static absl::StatusOr<uint64_t> BytesFor(uint32_t capacity, uint32_t slot_size);

  // Lays out an empty queue in `memory` (64-byte aligned, at least
  // BytesFor bytes). Only the creating side, before the memory is shared.
  static absl::StatusOr<std::unique_ptr<SlotQueue>> Initialize(absl::Span<uint8_t> memory,
                                                               uint32_t capacity,
                                                               uint32_t slot_size);
  // A view of a queue that Initialize laid out, maybe in another process.
  // The geometry is read once and must be valid and fit in `memory`.
  static absl::StatusOr<std::unique_ptr<SlotQueue>> Attach(absl::Span<uint8_t> memory);

  SlotQueue(const SlotQueue&) = delete;
  SlotQueue& operator=(const SlotQueue&) = delete;

  uint32_t capacity() const { return capacity_; }
  uint32_t slot_size() const { return slot_size_; }

  // --- Producers ---
  // Never blocks. OK; ResourceExhausted when full; InvalidArgument when the
  // message is longer than slot_size(); DataLoss when the queue's positions
  // are corrupt.
  absl::Status TryPush(absl::Span<const uint8_t> message);
  // Claims a slot, lets `fill` write exactly `length` bytes into it, then
  // publishes it. `fill` must not fail or block: consumers wait for the slot.
  absl::Status TryPushWith(size_t length, absl::FunctionRef<void(absl::Span<uint8_t>)> fill);
  // As above, waiting for room while full: also DeadlineExceeded,
  // Unavailable (options.peer exited), Cancelled (Interrupt()).
  absl::Status Push(absl::Span<const uint8_t> message, const WaitOptions& options);
  absl::Status PushWith(size_t length, absl::FunctionRef<void(absl::Span<uint8_t>)> fill,
                        const WaitOptions& options);

  // --- Consumers ---
  // Never blocks. Copies the oldest message into *message (resized).
  // OK; Unavailable when empty (or the oldest message is still being
  // written); DataLoss for a slot whose length is out of range (the slot is
  // dropped, *message is empty, the queue moves on) or corrupt positions.
  absl::Status TryPop(std::vector<uint8_t>* message);
  // As above, waiting while empty: also DeadlineExceeded, Unavailable
  // (options.peer exited), Cancelled (Interrupt()).
  absl::Status Pop(std::vector<uint8_t>* message, const WaitOptions& options);

  // Makes every blocking call on this view, current and future, return
  // Cancelled. For shutting down the threads of this process; other views
  // (other processes) are not affected beyond a spurious wake-up.
  void Interrupt();

 private:
  SlotQueue(uint8_t* base, uint32_t capacity, uint32_t slot_size);
  SlotHeader* SlotAt(uint64_t position) const;
  uint8_t* MessageAt(SlotHeader* slot) const { return reinterpret_cast<uint8_t*>(slot + 1); }
  // Waits on `count` (bumped by the other role) while `attempt` reports
  // `blocked_code`; the registration protocol described above.
  absl::Status BlockingCall(absl::FunctionRef<absl::Status()> attempt,
                            absl::StatusCode blocked_code, std::atomic<uint32_t>& count,
                            std::atomic<uint32_t>& sleepers, const WaitOptions& options);
  static void Notify(std::atomic<uint32_t>& count, std::atomic<uint32_t>& sleepers);

  QueueControl* const control_;
  uint8_t* const slots_;
  const uint32_t capacity_;
  const uint32_t slot_size_;
  const uint64_t stride_;
  std::atomic<bool> interrupted_{false};
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_SLOT_QUEUE_H_
