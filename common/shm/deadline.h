// A deadline on CLOCK_MONOTONIC, the clock FUTEX_WAIT_BITSET measures absolute
// timeouts against: a wait sliced into several futex calls (to poll a peer's
// liveness in between) keeps one end point, and wall-clock jumps do not move it.
#ifndef DBT_COMMON_SHM_DEADLINE_H_
#define DBT_COMMON_SHM_DEADLINE_H_

#include <time.h>

#include <cstdint>

#include "absl/time/time.h"

namespace dbt::shm {

// Nanoseconds since an arbitrary point (boot), never going backwards.
int64_t MonotonicNowNs();

class Deadline {
 public:
  static Deadline Never() { return Deadline(kNever); }
  // absl::InfiniteDuration() gives Never(); a negative timeout is already past.
  static Deadline After(absl::Duration timeout);
  static Deadline AtNs(int64_t monotonic_ns) { return Deadline(monotonic_ns); }

  bool is_never() const { return ns_ == kNever; }
  bool Expired() const { return !is_never() && MonotonicNowNs() >= ns_; }
  int64_t ns() const { return ns_; }
  // The earlier of the two.
  Deadline Min(Deadline other) const { return ns_ <= other.ns_ ? *this : other; }
  timespec ToTimespec() const;

 private:
  static constexpr int64_t kNever = INT64_MAX;
  explicit Deadline(int64_t ns) : ns_(ns) {}
  int64_t ns_;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_DEADLINE_H_
