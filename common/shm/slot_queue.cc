#include "common/shm/slot_queue.h"

#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/shm/futex.h"

namespace dbt::shm {
namespace {

// Bound on CAS retries and position reloads in one Try call. Each retry
// means another thread completed an operation, so a correct queue never
// comes near it; a peer rewriting positions as fast as it can does.
constexpr int kMaxAttempts = 1 << 20;

constexpr uint64_t kSlotAlign = 64;

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

absl::Status Inconsistent(absl::string_view which, uint64_t position) {
  return absl::DataLossError(absl::StrCat("slot queue: ", which, " position ", position,
                                          " contradicts its slot's sequence (corrupt queue)"));
}

}  // namespace

uint64_t SlotQueue::SlotStride(uint32_t slot_size) {
  return (sizeof(SlotHeader) + uint64_t{slot_size} + kSlotAlign - 1) / kSlotAlign * kSlotAlign;
}

absl::StatusOr<uint64_t> SlotQueue::BytesFor(uint32_t capacity, uint32_t slot_size) {
  if (!IsPowerOfTwo(capacity) || capacity < kMinCapacity || capacity > kMaxCapacity) {
    return absl::InvalidArgumentError(absl::StrCat("slot queue: capacity ", capacity,
                                                   " is not a power of two in [", kMinCapacity,
                                                   ", ", kMaxCapacity, "]"));
  }
  if (slot_size == 0 || slot_size > kMaxSlotSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("slot queue: slot size ", slot_size, " not in [1, ", kMaxSlotSize, "]"));
  }
  // At most 2^16 * (2^24 + 64) + 256: no overflow.
  return sizeof(QueueControl) + uint64_t{capacity} * SlotStride(slot_size);
}

SlotQueue::SlotQueue(uint8_t* base, uint32_t capacity, uint32_t slot_size)
    : control_(reinterpret_cast<QueueControl*>(base)),
      slots_(base + sizeof(QueueControl)),
      capacity_(capacity),
      slot_size_(slot_size),
      stride_(SlotStride(slot_size)) {}

absl::StatusOr<std::unique_ptr<SlotQueue>> SlotQueue::Initialize(absl::Span<uint8_t> memory,
                                                                 uint32_t capacity,
                                                                 uint32_t slot_size) {
  absl::StatusOr<uint64_t> bytes = BytesFor(capacity, slot_size);
  if (!bytes.ok()) return bytes.status();
  if (reinterpret_cast<uintptr_t>(memory.data()) % kSlotAlign != 0 || memory.size() < *bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("slot queue: needs ", *bytes, " bytes, 64-byte aligned; got ", memory.size()));
  }
  // Nobody else sees this memory yet: construct the atomics in place.
  auto* control = new (memory.data()) QueueControl();
  control->capacity.store(capacity, std::memory_order_relaxed);
  control->slot_size.store(slot_size, std::memory_order_relaxed);
  control->enqueue_pos.store(0, std::memory_order_relaxed);
  control->dequeue_pos.store(0, std::memory_order_relaxed);
  control->push_count.store(0, std::memory_order_relaxed);
  control->sleeping_consumers.store(0, std::memory_order_relaxed);
  control->pop_count.store(0, std::memory_order_relaxed);
  control->sleeping_producers.store(0, std::memory_order_relaxed);
  std::unique_ptr<SlotQueue> queue(new SlotQueue(memory.data(), capacity, slot_size));
  for (uint32_t i = 0; i < capacity; ++i) {
    auto* slot = new (queue->slots_ + i * queue->stride_) SlotHeader();
    slot->sequence.store(i, std::memory_order_relaxed);
    slot->length.store(0, std::memory_order_relaxed);
  }
  // Release: a view attached in this process (another thread) that reads
  // the magic with acquire sees the whole layout. Another process gets it
  // through the syscalls that pass the fd.
  control->magic.store(kSlotQueueMagic, std::memory_order_release);
  return queue;
}

absl::StatusOr<std::unique_ptr<SlotQueue>> SlotQueue::Attach(absl::Span<uint8_t> memory) {
  if (reinterpret_cast<uintptr_t>(memory.data()) % kSlotAlign != 0 ||
      memory.size() < sizeof(QueueControl)) {
    return absl::InvalidArgumentError("slot queue: memory too small or misaligned");
  }
  auto* control = reinterpret_cast<QueueControl*>(memory.data());
  // Read once; from here on only the private copies are used.
  uint64_t magic = control->magic.load(std::memory_order_acquire);
  uint32_t capacity = control->capacity.load(std::memory_order_relaxed);
  uint32_t slot_size = control->slot_size.load(std::memory_order_relaxed);
  if (magic != kSlotQueueMagic) {
    return absl::InvalidArgumentError(absl::StrCat("slot queue: bad magic 0x", absl::Hex(magic)));
  }
  absl::StatusOr<uint64_t> bytes = BytesFor(capacity, slot_size);
  if (!bytes.ok()) return bytes.status();
  if (*bytes > memory.size()) {
    return absl::InvalidArgumentError(absl::StrCat("slot queue: geometry needs ", *bytes,
                                                   " bytes, only ", memory.size(), " given"));
  }
  return std::unique_ptr<SlotQueue>(new SlotQueue(memory.data(), capacity, slot_size));
}

SlotHeader* SlotQueue::SlotAt(uint64_t position) const {
  // The private capacity masks the position: in bounds whatever it is.
  return reinterpret_cast<SlotHeader*>(slots_ + (position & (capacity_ - 1)) * stride_);
}

absl::Status SlotQueue::TryPush(absl::Span<const uint8_t> message) {
  return TryPushWith(message.size(), [&](absl::Span<uint8_t> slot) {
    if (!message.empty()) memcpy(slot.data(), message.data(), message.size());
  });
}

absl::Status SlotQueue::TryPushWith(size_t length,
                                    absl::FunctionRef<void(absl::Span<uint8_t>)> fill) {
  if (length > slot_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("slot queue: message of ", length, " bytes, slots hold ", slot_size_));
  }
  uint64_t pos = control_->enqueue_pos.load(std::memory_order_relaxed);
  SlotHeader* slot;
  for (int attempt = 0;; ++attempt) {
    if (attempt == kMaxAttempts) return Inconsistent("enqueue", pos);
    slot = SlotAt(pos);
    // Acquire: pairs with the consumer's release of this slot, so its
    // copy of the previous message is complete before we overwrite it.
    uint64_t seq = slot->sequence.load(std::memory_order_acquire);
    int64_t diff = static_cast<int64_t>(seq - pos);
    if (diff == 0) {
      // Relaxed: the slot's sequence, not enqueue_pos, publishes data.
      if (control_->enqueue_pos.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        break;
      }
    } else if (diff < 0) {
      return absl::ResourceExhaustedError("slot queue: full");
    } else {
      // Another producer took `pos`. Through the acquire above, its CAS
      // happens before this load, so a correct queue has moved on.
      uint64_t now = control_->enqueue_pos.load(std::memory_order_relaxed);
      if (now == pos) return Inconsistent("enqueue", pos);
      pos = now;
    }
  }
  slot->length.store(static_cast<uint32_t>(length), std::memory_order_relaxed);
  fill(absl::Span<uint8_t>(MessageAt(slot), length));
  // Release: publishes length and bytes to the consumer's acquire.
  slot->sequence.store(pos + 1, std::memory_order_release);
  Notify(control_->push_count, control_->sleeping_consumers);
  return absl::OkStatus();
}

absl::Status SlotQueue::TryPop(std::vector<uint8_t>* message) {
  uint64_t pos = control_->dequeue_pos.load(std::memory_order_relaxed);
  SlotHeader* slot;
  for (int attempt = 0;; ++attempt) {
    if (attempt == kMaxAttempts) return Inconsistent("dequeue", pos);
    slot = SlotAt(pos);
    // Acquire: pairs with the producer's release; the message is visible.
    uint64_t seq = slot->sequence.load(std::memory_order_acquire);
    int64_t diff = static_cast<int64_t>(seq - (pos + 1));
    if (diff == 0) {
      if (control_->dequeue_pos.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        break;
      }
    } else if (diff < 0) {
      return absl::UnavailableError("slot queue: empty");
    } else {
      uint64_t now = control_->dequeue_pos.load(std::memory_order_relaxed);
      if (now == pos) return Inconsistent("dequeue", pos);
      pos = now;
    }
  }
  // The length is read once and checked against the private slot size.
  uint32_t length = slot->length.load(std::memory_order_relaxed);
  absl::Status result;
  if (length > slot_size_) {
    message->clear();
    result = absl::DataLossError(absl::StrCat("slot queue: slot at position ", pos, " says ",
                                              length, " bytes, slots hold ", slot_size_));
  } else {
    message->resize(length);
    if (length != 0) memcpy(message->data(), MessageAt(slot), length);
  }
  // Release: the copy above is done before a producer reuses the slot.
  slot->sequence.store(pos + capacity_, std::memory_order_release);
  Notify(control_->pop_count, control_->sleeping_producers);
  return result;
}

void SlotQueue::Notify(std::atomic<uint32_t>& count, std::atomic<uint32_t>& sleepers) {
  // seq_cst, both: the bump must be ordered before the sleeper check (a
  // store-load pair), mirroring the sleeper's register-then-read.
  count.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers.load(std::memory_order_seq_cst) != 0) FutexWake(count);
}

absl::Status SlotQueue::BlockingCall(absl::FunctionRef<absl::Status()> attempt,
                                     absl::StatusCode blocked_code, std::atomic<uint32_t>& count,
                                     std::atomic<uint32_t>& sleepers, const WaitOptions& options) {
  Deadline deadline = Deadline::After(options.timeout);
  absl::Status s = attempt();
  if (s.code() != blocked_code) return s;
  if (SpinUntil(
          [&] {
            s = attempt();
            return s.code() != blocked_code;
          },
          options.spin)) {
    return s;
  }
  for (;;) {
    // ORDER: register, read the count, try again, sleep on the count.
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    uint32_t seen = count.load(std::memory_order_seq_cst);
    s = attempt();
    bool blocked = s.code() == blocked_code;
    bool cancelled = interrupted_.load(std::memory_order_seq_cst);
    absl::Status slept;
    if (blocked && !cancelled) slept = SleepWhileEqual(count, seen, deadline, options);
    sleepers.fetch_sub(1, std::memory_order_seq_cst);
    if (!blocked) return s;
    if (cancelled) return absl::CancelledError("slot queue: interrupted");
    if (!slept.ok()) return slept;
  }
}

absl::Status SlotQueue::Push(absl::Span<const uint8_t> message, const WaitOptions& options) {
  return BlockingCall([&] { return TryPush(message); }, absl::StatusCode::kResourceExhausted,
                      control_->pop_count, control_->sleeping_producers, options);
}

absl::Status SlotQueue::PushWith(size_t length, absl::FunctionRef<void(absl::Span<uint8_t>)> fill,
                                 const WaitOptions& options) {
  return BlockingCall([&] { return TryPushWith(length, fill); },
                      absl::StatusCode::kResourceExhausted, control_->pop_count,
                      control_->sleeping_producers, options);
}

absl::Status SlotQueue::Pop(std::vector<uint8_t>* message, const WaitOptions& options) {
  return BlockingCall([&] { return TryPop(message); }, absl::StatusCode::kUnavailable,
                      control_->push_count, control_->sleeping_consumers, options);
}

void SlotQueue::Interrupt() {
  // ORDER: the flag before the bumps, so a sleeper that missed the flag
  // read its count before the bump and cannot sleep through it.
  interrupted_.store(true, std::memory_order_seq_cst);
  control_->push_count.fetch_add(1, std::memory_order_seq_cst);
  control_->pop_count.fetch_add(1, std::memory_order_seq_cst);
  FutexWake(control_->push_count);
  FutexWake(control_->pop_count);
}

}  // namespace dbt::shm
