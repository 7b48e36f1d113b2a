// How a blocking operation on shared memory waits: an overall timeout, the
// peer whose death ends the wait early, and an optional busy-poll before
// sleeping. Every blocking call of this package takes a WaitOptions; none can
// hang on a dead or silent peer unless the caller asks for no timeout and no
// peer.
#ifndef DBT_COMMON_SHM_WAIT_H_
#define DBT_COMMON_SHM_WAIT_H_

#include <immintrin.h>

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/shm/deadline.h"
#include "common/shm/peer_process.h"

namespace dbt::shm {

struct WaitOptions {
  // Limit for the whole call. InfiniteDuration: none (then pass `peer`).
  absl::Duration timeout = absl::InfiniteDuration();
  // When set, the call fails with Unavailable once this process has exited.
  // Checked whenever a sleep slice of peer_poll_interval ends without a
  // wake-up, so death is noticed within about one interval.
  const PeerProcess* peer = nullptr;
  absl::Duration peer_poll_interval = absl::Milliseconds(20);
  // Busy-poll this long before sleeping in the kernel. An answer arriving
  // within it costs no futex syscall on either side (the other side sees no
  // sleeper and skips FUTEX_WAKE). Only worth it with a core to spare.
  absl::Duration spin = absl::ZeroDuration();
};

// Sleeps while `word` == `expected`. OK means "look again" (woken, changed,
// spurious); DeadlineExceeded once `deadline` passed; Unavailable when
// options.peer has exited. Never returns OK without entering the kernel or
// seeing the word differ, so a caller looping on it does not spin.
absl::Status SleepWhileEqual(const std::atomic<uint32_t>& word, uint32_t expected,
                             Deadline deadline, const WaitOptions& options);

// Busy-polls `ready()` for up to `spin`; true as soon as it returns true.
template <typename Ready>
bool SpinUntil(Ready&& ready, absl::Duration spin) {
  if (spin <= absl::ZeroDuration()) return false;
  int64_t end = MonotonicNowNs() + absl::ToInt64Nanoseconds(spin);
  for (;;) {
    // Reading the clock costs ~20 ns (vDSO); check it every 64 polls.
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      _mm_pause();
    }
    if (MonotonicNowNs() >= end) return ready();
  }
}

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_WAIT_H_
