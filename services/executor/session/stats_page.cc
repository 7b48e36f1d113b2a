#include "services/executor/session/stats_page.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"

namespace dbt::executor {
namespace {

constexpr size_t kPageBytes = 4096;
static_assert(sizeof(StatsPage) <= kPageBytes);

uint64_t Load(const uint64_t& field) { return __atomic_load_n(&field, __ATOMIC_RELAXED); }

}  // namespace

absl::StatusOr<std::unique_ptr<StatsPageMapping>> StatsPageMapping::Create() {
  int fd = memfd_create("dbt-session-stats", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return absl::InternalError(absl::StrCat("memfd_create: ", strerror(errno)));
  if (ftruncate(fd, kPageBytes) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    const int err = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("stats page: ", strerror(err)));
  }
  void* p = mmap(nullptr, kPageBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("mmap stats page: ", strerror(err)));
  }
  auto* page = new (p) StatsPage{};
  page->magic = kStatsPageMagic;
  page->version = kStatsPageVersion;
  return std::unique_ptr<StatsPageMapping>(new StatsPageMapping(fd, page));
}

absl::StatusOr<std::unique_ptr<StatsPageMapping>> StatsPageMapping::Map(int fd, bool writable) {
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size != static_cast<off_t>(kPageBytes)) {
    return absl::InvalidArgumentError("not a stats page: wrong size");
  }
  // The size is sealed, so the mapping cannot be cut short under us.
  const int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
    return absl::InvalidArgumentError("not a stats page: size not sealed");
  }
  void* p = mmap(nullptr, kPageBytes, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return absl::InternalError(absl::StrCat("mmap: ", strerror(errno)));
  auto* page = static_cast<StatsPage*>(p);
  if (Load(page->magic) != kStatsPageMagic || page->version != kStatsPageVersion) {
    munmap(p, kPageBytes);
    return absl::InvalidArgumentError("not a stats page: bad magic or version");
  }
  return std::unique_ptr<StatsPageMapping>(new StatsPageMapping(fd, page));
}

StatsPageMapping::~StatsPageMapping() {
  munmap(page_, kPageBytes);
  close(fd_);
}

v1::GuestStats StatsPageMapping::Snapshot() const {
  const JitStats& s = page_->stats;
  v1::GuestStats out;
#define DBT_JIT_STATS_SET(name) out.set_##name(Load(s.name));
  DBT_JIT_STATS_FIELDS(DBT_JIT_STATS_SET)
#undef DBT_JIT_STATS_SET
  return out;
}

}  // namespace dbt::executor
