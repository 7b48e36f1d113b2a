// Starting a session process: fork, put the session's fds in place, exec
// `executor --session_fd=N --stats_fd=N+1` (services/executor/main.cc), N
// being 3 or just above the highest fd passed on to the guest.
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_SESSION_SPAWN_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_SESSION_SPAWN_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dbt::executor {

// The child's fds: stdio 0..2 (each a parent fd to duplicate there, or -1
// to keep what the service has at that number: inherited stdio), the fds
// passed on to the guest at their own numbers (inherit_fds), then the config
// and stats fds. Every other fd is closed in the child, so the parent's fds
// may all be close-on-exec and at any number.
struct PassedFd {
  int source;  // the parent's fd
  int target;  // its number in the guest
};

struct SessionProcessFds {
  int stdio[3] = {-1, -1, -1};
  // Parent fds the guest gets, each at its target number (> 2, below
  // kMaxPassedFdNumber; at most kMaxPassedFds of them).
  std::vector<PassedFd> passed;
  int config = -1;  // becomes fd ConfigFdNumber(passed)
  int stats = -1;   // becomes the fd after it
};
inline constexpr size_t kMaxPassedFds = 250;
inline constexpr int kMaxPassedFdNumber = 1024;

// Where the child finds its config: 3, or just above the passed fds.
int ConfigFdNumber(const std::vector<PassedFd>& passed);

struct SessionProcessSpec {
  std::string binary = "/proc/self/exe";
  SessionProcessFds fds;
  // > 0: the child joins this process group (setpgid, failure ignored).
  pid_t process_group = 0;
};

// Forks and execs the session process. The child starts with an empty signal
// mask and every disposition at its default (the service blocks SIGTERM/SIGINT
// for its sigwait and ignores SIGPIPE). Returns the child's pid; when exec
// fails the child prints why and exits 127.
absl::StatusOr<pid_t> SpawnSessionProcess(const SessionProcessSpec& spec);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_SESSION_SPAWN_H_
