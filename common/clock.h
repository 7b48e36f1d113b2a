// CLOCK_MONOTONIC in nanoseconds: the one clock for durations, deadlines,
// jitdump timestamps (perf record -k mono) and the guest's time/cycle CSRs.
#ifndef DBT_COMMON_CLOCK_H_
#define DBT_COMMON_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace dbt {

inline uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace dbt

#endif  // DBT_COMMON_CLOCK_H_
