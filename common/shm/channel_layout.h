// The request/response channel's memory: what a SharedRegion of kind
// kChannelRegionKind holds, and its validated, private description.
//
// Payload layout (offsets from the payload start; all 64-byte aligned):
//   0                 ChannelHeader: the geometry, written once by the creator
//   kRingOffset       SlotQueue of ring_capacity slots of
//                     sizeof(RequestHeader) + max_request_bytes: requests
//   mailboxes_offset  `mailboxes` MailboxHeaders, each followed by
//                     max_response_bytes of response, mailbox_stride apart
//
// Requester r owns mailbox r: it posts {RequestHeader{id, r, n}, n bytes}
// to the ring and sleeps on its mailbox's state word; the server answers
// into mailbox r and wakes it. A mailbox has at most one request in flight,
// so with ring_capacity >= mailboxes a correct requester never finds the
// ring full.
//
// Mailbox protocol (state is the futex word; all on one atomic variable, so
// its modification order decides every race):
//   requester, before posting: state = kAwaiting (relaxed; the ring's
//     release store publishes it together with the request);
//   requester, to sleep: CAS kAwaiting -> kSleeping, then
//     FUTEX_WAIT(state, kSleeping);
//   server: write request_id, status_code, length, bytes; then
//     prev = exchange(state, kAnswered) (release publishes the fields);
//     FUTEX_WAKE(state) only if prev == kSleeping.
//   Either the exchange comes first (the CAS fails, the requester reads the
//   answer without sleeping) or the CAS does (the server sees kSleeping and
//   wakes; the kernel's compare-and-queue sees kAnswered or is woken).
#ifndef DBT_COMMON_SHM_CHANNEL_LAYOUT_H_
#define DBT_COMMON_SHM_CHANNEL_LAYOUT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/shm/shared_region.h"
#include "common/shm/slot_queue.h"

namespace dbt::shm {

inline constexpr uint32_t kChannelRegionKind = 0x4c4e4843;  // "CHNL"
inline constexpr uint32_t kChannelLayoutVersion = 1;

inline constexpr uint32_t kMaxChannelMailboxes = 4096;
inline constexpr uint32_t kMaxChannelRequestBytes = uint32_t{1} << 20;
inline constexpr uint32_t kMaxChannelResponseBytes = uint32_t{1} << 24;

struct ChannelGeometry {
  uint32_t mailboxes = 64;  // requesters (threads) that may wait at once
  uint32_t max_request_bytes = 16 << 10;
  uint32_t max_response_bytes = 64 << 10;
};

// Shared: written by the creator before the region is shared, then only
// read (once, at Open).
struct ChannelHeader {
  std::atomic<uint32_t> mailboxes;
  std::atomic<uint32_t> max_request_bytes;
  std::atomic<uint32_t> max_response_bytes;
  std::atomic<uint32_t> ring_capacity;
};

// The first bytes of every ring message; the payload follows. Parsed only
// from a private copy (SlotQueue::TryPop copies), so plain fields.
struct RequestHeader {
  uint64_t request_id;
  uint32_t mailbox;
  uint32_t payload_length;
};
static_assert(sizeof(RequestHeader) == 16);

enum MailboxState : uint32_t {
  kMailboxAwaiting = 0,  // request posted, requester not asleep
  kMailboxSleeping = 1,  // requester is (about to be) in FUTEX_WAIT
  kMailboxAnswered = 2,  // response fields are complete
};

struct MailboxHeader {
  std::atomic<uint32_t> state;        // MailboxState; the futex word
  std::atomic<uint32_t> status_code;  // absl::StatusCode of the answer
  std::atomic<uint64_t> request_id;   // which request this answers
  std::atomic<uint32_t> length;       // response bytes that follow
  uint32_t reserved;
};
static_assert(sizeof(MailboxHeader) == 24);

// Where everything is, computed from a geometry (never read from shared
// memory), so every offset below is trusted.
struct ChannelLayout {
  ChannelGeometry geometry;
  uint32_t ring_capacity = 0;
  uint32_t ring_slot_size = 0;
  uint64_t ring_bytes = 0;
  uint64_t mailboxes_offset = 0;
  uint64_t mailbox_stride = 0;
  uint64_t total_bytes = 0;
};
inline constexpr uint64_t kRingOffset = 64;

// InvalidArgument for a geometry outside the limits above.
absl::StatusOr<ChannelLayout> ComputeChannelLayout(const ChannelGeometry& geometry);

// A mapped channel region with its private layout: shared by the client and
// the server classes.
class ChannelMemory {
 public:
  // Creates a region and lays out an empty channel in it.
  static absl::StatusOr<SharedRegion> CreateRegion(std::string_view name,
                                                   const ChannelGeometry& geometry);
  // Validates a channel region (its header is read once) and takes it over.
  static absl::StatusOr<std::unique_ptr<ChannelMemory>> Open(SharedRegion region);

  const ChannelLayout& layout() const { return layout_; }
  const ChannelGeometry& geometry() const { return layout_.geometry; }
  SlotQueue& ring() const { return *ring_; }
  const SharedRegion& region() const { return region_; }
  // `mailbox` < geometry().mailboxes: callers check (it may come from a peer).
  MailboxHeader* mailbox(uint32_t mailbox) const;
  uint8_t* response_bytes(uint32_t mailbox) const {
    return reinterpret_cast<uint8_t*>(this->mailbox(mailbox)) + sizeof(MailboxHeader);
  }

 private:
  ChannelMemory(SharedRegion region, const ChannelLayout& layout, std::unique_ptr<SlotQueue> ring)
      : region_(std::move(region)), layout_(layout), ring_(std::move(ring)) {}
  SharedRegion region_;
  ChannelLayout layout_;
  std::unique_ptr<SlotQueue> ring_;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_CHANNEL_LAYOUT_H_
