#include "common/shm/channel_layout.h"

#include <new>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dbt::shm {
namespace {

uint64_t AlignUp64(uint64_t v) { return (v + 63) / 64 * 64; }

uint32_t RingCapacityFor(uint32_t mailboxes) {
  uint32_t capacity = SlotQueue::kMinCapacity;
  while (capacity < mailboxes) capacity *= 2;
  return capacity;
}

absl::Status OutOfLimits(absl::string_view what, uint64_t value, uint64_t low, uint64_t high) {
  return absl::InvalidArgumentError(
      absl::StrCat("channel: ", what, " ", value, " not in [", low, ", ", high, "]"));
}

}  // namespace

absl::StatusOr<ChannelLayout> ComputeChannelLayout(const ChannelGeometry& geometry) {
  if (geometry.mailboxes < 1 || geometry.mailboxes > kMaxChannelMailboxes) {
    return OutOfLimits("mailboxes", geometry.mailboxes, 1, kMaxChannelMailboxes);
  }
  if (geometry.max_request_bytes > kMaxChannelRequestBytes) {
    return OutOfLimits("max_request_bytes", geometry.max_request_bytes, 0, kMaxChannelRequestBytes);
  }
  if (geometry.max_response_bytes > kMaxChannelResponseBytes) {
    return OutOfLimits("max_response_bytes", geometry.max_response_bytes, 0,
                       kMaxChannelResponseBytes);
  }
  ChannelLayout layout;
  layout.geometry = geometry;
  layout.ring_capacity = RingCapacityFor(geometry.mailboxes);
  layout.ring_slot_size = sizeof(RequestHeader) + geometry.max_request_bytes;
  absl::StatusOr<uint64_t> ring_bytes =
      SlotQueue::BytesFor(layout.ring_capacity, layout.ring_slot_size);
  if (!ring_bytes.ok()) return ring_bytes.status();
  layout.ring_bytes = *ring_bytes;
  layout.mailboxes_offset = AlignUp64(kRingOffset + layout.ring_bytes);
  layout.mailbox_stride = AlignUp64(sizeof(MailboxHeader) + uint64_t{geometry.max_response_bytes});
  // At most 2^12 * (2^24 + 64) + 2^13 * (2^20 + 80): no overflow.
  layout.total_bytes =
      layout.mailboxes_offset + uint64_t{geometry.mailboxes} * layout.mailbox_stride;
  if (layout.total_bytes > kMaxRegionSize - kRegionPayloadOffset) {
    return absl::InvalidArgumentError(absl::StrCat("channel: geometry needs ", layout.total_bytes,
                                                   " bytes, more than a region may hold"));
  }
  return layout;
}

absl::StatusOr<SharedRegion> ChannelMemory::CreateRegion(std::string_view name,
                                                         const ChannelGeometry& geometry) {
  absl::StatusOr<ChannelLayout> layout = ComputeChannelLayout(geometry);
  if (!layout.ok()) return layout.status();
  absl::StatusOr<SharedRegion> region =
      SharedRegion::Create(name, kChannelRegionKind, kChannelLayoutVersion, layout->total_bytes);
  if (!region.ok()) return region.status();
  // Nobody else sees the region yet: construct the shared objects in place.
  auto* header = new (region->payload()) ChannelHeader();
  header->mailboxes.store(geometry.mailboxes, std::memory_order_relaxed);
  header->max_request_bytes.store(geometry.max_request_bytes, std::memory_order_relaxed);
  header->max_response_bytes.store(geometry.max_response_bytes, std::memory_order_relaxed);
  header->ring_capacity.store(layout->ring_capacity, std::memory_order_relaxed);
  absl::StatusOr<absl::Span<uint8_t>> ring_memory =
      region->PayloadSpan(kRingOffset, layout->ring_bytes);
  if (!ring_memory.ok()) return ring_memory.status();
  absl::StatusOr<std::unique_ptr<SlotQueue>> ring =
      SlotQueue::Initialize(*ring_memory, layout->ring_capacity, layout->ring_slot_size);
  if (!ring.ok()) return ring.status();
  for (uint32_t i = 0; i < geometry.mailboxes; ++i) {
    auto* box = new (region->payload() + layout->mailboxes_offset + i * layout->mailbox_stride)
        MailboxHeader();
    box->state.store(kMailboxAwaiting, std::memory_order_relaxed);
  }
  return region;
}

absl::StatusOr<std::unique_ptr<ChannelMemory>> ChannelMemory::Open(SharedRegion region) {
  if (region.kind() != kChannelRegionKind || region.kind_version() != kChannelLayoutVersion) {
    return absl::InvalidArgumentError("channel: the region does not hold a channel");
  }
  if (region.payload_size() < sizeof(ChannelHeader)) {
    return absl::InvalidArgumentError("channel: region too small for its header");
  }
  // The geometry is read once; the layout is computed from it privately.
  const auto* header = reinterpret_cast<const ChannelHeader*>(region.payload());
  ChannelGeometry geometry;
  geometry.mailboxes = header->mailboxes.load(std::memory_order_relaxed);
  geometry.max_request_bytes = header->max_request_bytes.load(std::memory_order_relaxed);
  geometry.max_response_bytes = header->max_response_bytes.load(std::memory_order_relaxed);
  uint32_t ring_capacity = header->ring_capacity.load(std::memory_order_relaxed);
  absl::StatusOr<ChannelLayout> layout = ComputeChannelLayout(geometry);
  if (!layout.ok()) return layout.status();
  if (ring_capacity != layout->ring_capacity) {
    return absl::InvalidArgumentError(absl::StrCat("channel: ring capacity ", ring_capacity,
                                                   ", the geometry implies ",
                                                   layout->ring_capacity));
  }
  if (layout->total_bytes > region.payload_size()) {
    return absl::InvalidArgumentError(absl::StrCat("channel: geometry needs ", layout->total_bytes,
                                                   " bytes, the region has ",
                                                   region.payload_size()));
  }
  absl::StatusOr<absl::Span<uint8_t>> ring_memory =
      region.PayloadSpan(kRingOffset, layout->ring_bytes);
  if (!ring_memory.ok()) return ring_memory.status();
  absl::StatusOr<std::unique_ptr<SlotQueue>> ring = SlotQueue::Attach(*ring_memory);
  if (!ring.ok()) return ring.status();
  if ((*ring)->capacity() != layout->ring_capacity ||
      (*ring)->slot_size() != layout->ring_slot_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "channel: ring holds ", (*ring)->capacity(), " slots of ", (*ring)->slot_size(),
        " bytes, the geometry says ", layout->ring_capacity, " of ", layout->ring_slot_size));
  }
  return std::unique_ptr<ChannelMemory>(
      new ChannelMemory(std::move(region), *layout, std::move(*ring)));
}

MailboxHeader* ChannelMemory::mailbox(uint32_t mailbox) const {
  return reinterpret_cast<MailboxHeader*>(region_.payload() + layout_.mailboxes_offset +
                                          uint64_t{mailbox} * layout_.mailbox_stride);
}

}  // namespace dbt::shm
