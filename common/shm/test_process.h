// Test support: run code in a forked child process and collect its verdict.
// A child never returns into GoogleTest (it _exits), so it reports failures
// on stderr and through its exit code: CHILD_CHECK prints the failed
// condition and makes the body return 1.
#ifndef DBT_COMMON_SHM_TEST_PROCESS_H_
#define DBT_COMMON_SHM_TEST_PROCESS_H_

#include <sys/types.h>

#include <cstdio>
#include <functional>

#include "absl/time/time.h"

namespace dbt::shm::testing {

#define CHILD_CHECK(cond)                                                                    \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "child %d: check failed at %s:%d: %s\n", getpid(), __FILE__, __LINE__, \
              #cond);                                                                        \
      return 1;                                                                              \
    }                                                                                        \
  } while (0)

// Forks; the child runs `body` and _exits with its result. Fork with no
// other threads running (the child inherits only the calling thread).
pid_t ForkChild(const std::function<int()>& body);

// Reaps `pid`: its exit code, 128 + signal if killed by a signal. If it has
// not exited within `timeout` it is SIGKILLed and -1 returned (a test
// failure, not a hung test).
int WaitChild(pid_t pid, absl::Duration timeout = absl::Seconds(60));

}  // namespace dbt::shm::testing

#endif  // DBT_COMMON_SHM_TEST_PROCESS_H_
