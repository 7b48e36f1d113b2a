#include "common/shm/shared_region.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/fd_io.h"

namespace dbt::shm {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr int kRequiredSeals = F_SEAL_SHRINK | F_SEAL_GROW;

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("shared region: ", what));
}

}  // namespace

absl::StatusOr<SharedRegion> SharedRegion::Create(std::string_view name, uint32_t kind,
                                                  uint32_t kind_version, uint64_t payload_size) {
  if (payload_size == 0 || payload_size > kMaxRegionSize - kRegionPayloadOffset) {
    return Invalid(absl::StrCat("payload size ", payload_size, " not in [1, ",
                                kMaxRegionSize - kRegionPayloadOffset, "]"));
  }
  uint64_t region_size =
      (kRegionPayloadOffset + payload_size + kPageSize - 1) / kPageSize * kPageSize;
  std::string memfd_name = absl::StrCat("dbt-shm:", absl::string_view(name.data(), name.size()));
  UniqueFd fd(
      MoveFdAboveGuestFds(memfd_create(memfd_name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING)));
  if (!fd.valid()) return Errno("memfd_create");
  if (ftruncate(fd.get(), static_cast<off_t>(region_size)) != 0) return Errno("ftruncate");
  // Sealed before anyone else can see the fd: its size is fixed for good.
  // F_SEAL_SEAL stops either side adding seals later (F_SEAL_WRITE would
  // fail on our writable mapping anyway, but nothing else is needed).
  if (fcntl(fd.get(), F_ADD_SEALS, kRequiredSeals | F_SEAL_SEAL) != 0) {
    return Errno("fcntl(F_ADD_SEALS)");
  }
  void* base = mmap(nullptr, region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) return Errno("mmap shared region");

  SharedRegion region;
  region.fd_ = std::move(fd);
  region.base_ = static_cast<uint8_t*>(base);
  region.size_ = region_size;
  region.payload_size_ = payload_size;
  region.kind_ = kind;
  region.kind_version_ = kind_version;
  RegionHeader header{};
  header.magic = kRegionMagic;
  header.header_version = kRegionHeaderVersion;
  header.header_size = sizeof(RegionHeader);
  header.kind = kind;
  header.kind_version = kind_version;
  header.region_size = region_size;
  header.payload_offset = kRegionPayloadOffset;
  header.payload_size = payload_size;
  header.creator_pid = static_cast<uint32_t>(getpid());
  memcpy(region.base_, &header, sizeof(header));
  return region;
}

absl::StatusOr<SharedRegion> SharedRegion::Attach(UniqueFd fd, uint32_t kind,
                                                  uint32_t kind_version) {
  if (!fd.valid()) return Invalid("no file descriptor");
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return Errno("fstat shared region");
  if (!S_ISREG(st.st_mode)) return Invalid("not a memfd (not a regular file)");
  int seals = fcntl(fd.get(), F_GET_SEALS);
  if (seals < 0) return Invalid(absl::StrCat("not a sealable memfd: ", strerror(errno)));
  if ((seals & kRequiredSeals) != kRequiredSeals) {
    return Invalid(absl::StrCat("memfd not sealed against shrinking and growing (seals 0x",
                                absl::Hex(seals), ")"));
  }
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < kRegionPayloadOffset || file_size > kMaxRegionSize) {
    return Invalid(absl::StrCat("file size ", file_size, " not in [", kRegionPayloadOffset, ", ",
                                kMaxRegionSize, "]"));
  }
  // The header is read once, into private memory: what is validated here is
  // what is used, whatever the other side writes later.
  RegionHeader header;
  if (pread(fd.get(), &header, sizeof(header), 0) != static_cast<ssize_t>(sizeof(header))) {
    return Errno("read shared region header");
  }
  if (header.magic != kRegionMagic) {
    return Invalid(absl::StrCat("bad magic 0x", absl::Hex(header.magic)));
  }
  if (header.header_version != kRegionHeaderVersion || header.header_size != sizeof(header)) {
    return Invalid(absl::StrCat("header version ", header.header_version, " size ",
                                header.header_size, ", expected ", kRegionHeaderVersion, " size ",
                                sizeof(header)));
  }
  if (header.kind != kind || header.kind_version != kind_version) {
    return Invalid(absl::StrCat("holds kind 0x", absl::Hex(header.kind), " version ",
                                header.kind_version, ", expected kind 0x", absl::Hex(kind),
                                " version ", kind_version));
  }
  if (header.region_size != file_size) {
    return Invalid(
        absl::StrCat("header says ", header.region_size, " bytes, the memfd has ", file_size));
  }
  if (header.payload_offset != kRegionPayloadOffset || header.payload_size == 0 ||
      header.payload_size > file_size - kRegionPayloadOffset) {
    return Invalid(absl::StrCat("payload [", header.payload_offset, ", +", header.payload_size,
                                ") not inside ", file_size, " bytes"));
  }
  void* base = mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) return Errno("mmap shared region");
  SharedRegion region;
  region.fd_ = std::move(fd);
  region.base_ = static_cast<uint8_t*>(base);
  region.size_ = file_size;
  region.payload_size_ = header.payload_size;
  region.kind_ = kind;
  region.kind_version_ = kind_version;
  return region;
}

SharedRegion::SharedRegion(SharedRegion&& other) noexcept { *this = std::move(other); }

SharedRegion& SharedRegion::operator=(SharedRegion&& other) noexcept {
  if (this != &other) {
    Unmap();
    fd_ = std::move(other.fd_);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    payload_size_ = std::exchange(other.payload_size_, 0);
    kind_ = other.kind_;
    kind_version_ = other.kind_version_;
  }
  return *this;
}

SharedRegion::~SharedRegion() { Unmap(); }

void SharedRegion::Unmap() {
  if (base_ != nullptr) munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
  payload_size_ = 0;
  fd_.Reset();
}

absl::StatusOr<UniqueFd> SharedRegion::DupFd() const {
  int fd = fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Errno("dup shared region fd");
  return UniqueFd(fd);
}

absl::StatusOr<absl::Span<uint8_t>> SharedRegion::PayloadSpan(uint64_t offset,
                                                              uint64_t size) const {
  if (offset > payload_size_ || size > payload_size_ - offset) {
    return absl::OutOfRangeError(absl::StrCat("shared region: [", offset, ", +", size,
                                              ") outside the ", payload_size_, "-byte payload"));
  }
  return absl::Span<uint8_t>(payload() + offset, size);
}

}  // namespace dbt::shm
