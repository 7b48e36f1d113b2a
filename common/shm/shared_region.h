// A shared memory region: a sealed memfd mapped read-write, starting with a
// RegionHeader that says what it holds. One side Create()s it and passes fd()
// to the other (fork inheritance, or SendFds over a unix socket), which
// Attach()es after validating it. The two sides map it at different
// addresses: nothing inside may be a pointer, only offsets.
//
// Trust: the other process can write any byte of the region at any time.
// Attach reads the header once, into private memory, and never again; the
// region's geometry (sizes, offsets) is taken from that private copy. The
// memfd must carry F_SEAL_SHRINK (and F_SEAL_GROW), so the other side cannot
// truncate it under our mapping (which would turn our accesses into SIGBUS).
#ifndef DBT_COMMON_SHM_SHARED_REGION_H_
#define DBT_COMMON_SHM_SHARED_REGION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/shm/unique_fd.h"

namespace dbt::shm {

// The first bytes of every region (little-endian, as the host). The payload
// follows at payload_offset.
struct RegionHeader {
  uint64_t magic;           // kRegionMagic
  uint32_t header_version;  // kRegionHeaderVersion: the layout of this struct
  uint32_t header_size;     // sizeof(RegionHeader)
  uint32_t kind;            // what the payload holds (e.g. kChannelRegionKind)
  uint32_t kind_version;    // the payload's layout version, owned by its kind
  uint64_t region_size;     // bytes of the whole memfd
  uint64_t payload_offset;  // kRegionPayloadOffset
  uint64_t payload_size;    // payload_offset + payload_size <= region_size
  uint32_t creator_pid;     // informational only: never trusted
  uint32_t reserved;
};
static_assert(sizeof(RegionHeader) == 56);

inline constexpr uint64_t kRegionMagic = 0x31304d4853544244;  // "DBTSHM01"
inline constexpr uint32_t kRegionHeaderVersion = 1;
// The payload starts on its own page (and 64-byte lines for the atomics in it).
inline constexpr uint64_t kRegionPayloadOffset = 4096;
// Upper bound on regions either side creates or accepts.
inline constexpr uint64_t kMaxRegionSize = uint64_t{1} << 30;

class SharedRegion {
 public:
  // A sealed memfd of kRegionPayloadOffset + payload_size bytes (rounded up
  // to whole pages; the payload is zero-filled), mapped, header written.
  // `name` shows in /proc/PID/maps as "memfd:dbt-shm:NAME".
  static absl::StatusOr<SharedRegion> Create(std::string_view name, uint32_t kind,
                                             uint32_t kind_version, uint64_t payload_size);
  // Maps a region made elsewhere; takes ownership of `fd`. Fails (nothing
  // mapped, fd closed) unless: fd is a regular memfd sealed against shrinking
  // and growing, the header has kRegionMagic, kRegionHeaderVersion, `kind`
  // and `kind_version`, its region_size equals the file's size and the
  // payload lies inside it.
  static absl::StatusOr<SharedRegion> Attach(UniqueFd fd, uint32_t kind, uint32_t kind_version);

  // Nothing mapped (also what a moved-from region is).
  SharedRegion() = default;
  SharedRegion(SharedRegion&& other) noexcept;
  SharedRegion& operator=(SharedRegion&& other) noexcept;
  ~SharedRegion();

  // The memfd, still owned by this region (to send it: SendFds copies it).
  int fd() const { return fd_.get(); }
  // A new descriptor for the same memfd, e.g. to Attach a second mapping.
  absl::StatusOr<UniqueFd> DupFd() const;

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }
  uint32_t kind() const { return kind_; }
  uint32_t kind_version() const { return kind_version_; }
  uint8_t* payload() const { return base_ + kRegionPayloadOffset; }
  uint64_t payload_size() const { return payload_size_; }
  // [offset, offset + size) of the payload, or OutOfRange if it does not fit
  // (overflow-safe): the one way to turn an offset into memory.
  absl::StatusOr<absl::Span<uint8_t>> PayloadSpan(uint64_t offset, uint64_t size) const;

 private:
  void Unmap();

  UniqueFd fd_;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint64_t payload_size_ = 0;
  uint32_t kind_ = 0;
  uint32_t kind_version_ = 0;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_SHARED_REGION_H_
