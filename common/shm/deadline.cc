#include "common/shm/deadline.h"

#include <algorithm>

#include "common/clock.h"

namespace dbt::shm {

int64_t MonotonicNowNs() { return static_cast<int64_t>(dbt::MonotonicNs()); }

Deadline Deadline::After(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return Never();
  int64_t now = MonotonicNowNs();
  int64_t delta = absl::ToInt64Nanoseconds(timeout);  // saturates
  // Saturating add: a huge finite timeout is as good as never.
  if (delta > 0 && now > kNever - delta) return Never();
  return Deadline(std::max<int64_t>(0, now + delta));
}

timespec Deadline::ToTimespec() const {
  return timespec{static_cast<time_t>(ns_ / 1'000'000'000), static_cast<long>(ns_ % 1'000'000'000)};
}

}  // namespace dbt::shm
