#include "common/shm/wait.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/shm/futex.h"

namespace dbt::shm {

absl::Status SleepWhileEqual(const std::atomic<uint32_t>& word, uint32_t expected,
                             Deadline deadline, const WaitOptions& options) {
  for (;;) {
    if (word.load(std::memory_order_acquire) != expected) return absl::OkStatus();
    Deadline slice = deadline;
    if (options.peer != nullptr) {
      slice = deadline.Min(
          Deadline::After(std::max(options.peer_poll_interval, absl::Milliseconds(1))));
    }
    absl::Status s = FutexWait(word, expected, slice);
    if (!absl::IsDeadlineExceeded(s)) return s;  // OK (look again) or a kernel error
    if (options.peer == nullptr || deadline.Expired()) return s;
    // Only the slice ended: the peer has been silent for a whole interval.
    if (options.peer->Exited()) {
      return absl::UnavailableError(absl::StrCat("peer process ", options.peer->pid(), " exited"));
    }
  }
}

}  // namespace dbt::shm
