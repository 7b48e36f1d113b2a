// A session's counters in a shared page: the session process (the guest's
// executor) updates its JitStats in place; the executor service maps the same
// memfd read-only and answers SessionStats from it while the guest runs and
// after it ended.
//
// The writer updates plain uint64 fields under its TB lock; the reader loads
// each field with a relaxed atomic load (aligned 8-byte loads are atomic on
// x86-64), so a snapshot is per-field current, not a consistent cut.
#ifndef DBT_SERVICES_EXECUTOR_SESSION_STATS_PAGE_H_
#define DBT_SERVICES_EXECUTOR_SESSION_STATS_PAGE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "proto/common.pb.h"
#include "services/executor/jit/jit_stats.h"

namespace dbt::executor {

inline constexpr uint64_t kStatsPageMagic = 0x5354415453544244;  // "DBTSTATS"
inline constexpr uint32_t kStatsPageVersion = 2;

struct StatsPage {
  uint64_t magic;
  uint32_t version;
  uint32_t reserved;
  JitStats stats;
};

class StatsPageMapping {
 public:
  // A new page in a memfd (MFD_CLOEXEC off is the caller's business: the fd
  // is duplicated into the session process).
  static absl::StatusOr<std::unique_ptr<StatsPageMapping>> Create();
  // Maps a page created elsewhere; InvalidArgument when fd is not one.
  static absl::StatusOr<std::unique_ptr<StatsPageMapping>> Map(int fd, bool writable);
  ~StatsPageMapping();
  StatsPageMapping(const StatsPageMapping&) = delete;
  StatsPageMapping& operator=(const StatsPageMapping&) = delete;

  int fd() const { return fd_; }
  StatsPage* page() const { return page_; }
  v1::GuestStats Snapshot() const;

 private:
  StatsPageMapping(int fd, StatsPage* page) : fd_(fd), page_(page) {}
  int fd_;
  StatsPage* page_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SESSION_STATS_PAGE_H_
