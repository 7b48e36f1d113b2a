// Background work that must not compete with translation or the guest.
#ifndef DBT_COMMON_IDLE_PRIORITY_H_
#define DBT_COMMON_IDLE_PRIORITY_H_

#include <pthread.h>
#include <sched.h>

namespace dbt {

// Moves the calling thread to SCHED_IDLE: it runs only on a CPU nothing
// else wants. (Cache stores, refreshes and writes: sent while a guest was
// being translated they made cold runs ~2x slower.) Best effort: a thread
// that cannot be moved runs as before.
inline void RunAtIdlePriority() {
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
}

}  // namespace dbt

#endif  // DBT_COMMON_IDLE_PRIORITY_H_
