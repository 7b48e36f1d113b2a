#include "common/shm/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dbt::shm {
namespace {

uint32_t* WordAddress(const std::atomic<uint32_t>& word) {
  return reinterpret_cast<uint32_t*>(const_cast<std::atomic<uint32_t>*>(&word));
}

}  // namespace

absl::Status FutexWait(const std::atomic<uint32_t>& word, uint32_t expected, Deadline deadline) {
  if (deadline.Expired()) return absl::DeadlineExceededError("futex wait: deadline passed");
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC timeout (plain
  // FUTEX_WAIT takes a relative one), so slicing a wait does not drift.
  timespec abs = deadline.ToTimespec();
  long r = syscall(SYS_futex, WordAddress(word), FUTEX_WAIT_BITSET, expected,
                   deadline.is_never() ? nullptr : &abs, nullptr, FUTEX_BITSET_MATCH_ANY);
  if (r == 0) return absl::OkStatus();
  switch (errno) {
    case EAGAIN:  // the word did not hold `expected`
    case EINTR:
      return absl::OkStatus();
    case ETIMEDOUT:
      return absl::DeadlineExceededError("futex wait: deadline passed");
    default:
      return absl::InternalError(absl::StrCat("futex wait: ", strerror(errno)));
  }
}

int FutexWake(const std::atomic<uint32_t>& word, int count) {
  long r = syscall(SYS_futex, WordAddress(word), FUTEX_WAKE, count, nullptr, nullptr, 0);
  return r < 0 ? 0 : static_cast<int>(r);
}

}  // namespace dbt::shm
