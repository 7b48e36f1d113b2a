// Futex wait/wake on a 32-bit word that may live in memory shared between
// processes. Never FUTEX_PRIVATE_FLAG: a private futex is keyed by (address
// space, address) and a waiter in another process would never be found; a
// shared one is keyed by the backing page (memfd inode + offset), so the two
// sides may map the word at different addresses.
//
// Lost wake-ups are the caller's protocol (see slot_queue.h, channel_client.cc):
// the kernel only guarantees that FutexWait compares the word and queues the
// caller atomically with respect to FutexWake on the same word.
#ifndef DBT_COMMON_SHM_FUTEX_H_
#define DBT_COMMON_SHM_FUTEX_H_

#include <atomic>
#include <climits>
#include <cstdint>

#include "absl/status/status.h"
#include "common/shm/deadline.h"

namespace dbt::shm {

// The futex syscall reads the word as a plain aligned uint32_t; these make
// std::atomic<uint32_t> exactly that, and lock-free atomics are address-free
// (usable from two mappings of the same page).
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(alignof(std::atomic<uint32_t>) == alignof(uint32_t));
static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic<uint64_t>::is_always_lock_free);

// Sleeps while `word` holds `expected`, until woken or `deadline`.
// OK means "look again": woken, the word already differed, a signal
// interrupted the sleep, or a spurious wake-up. DeadlineExceeded once the
// deadline has passed. Internal for any other kernel error (e.g. EFAULT).
absl::Status FutexWait(const std::atomic<uint32_t>& word, uint32_t expected, Deadline deadline);

// Wakes up to `count` waiters sleeping on `word` (in any process). Returns
// how many were woken.
int FutexWake(const std::atomic<uint32_t>& word, int count = INT_MAX);

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_FUTEX_H_
