// Starting a session process: fork, put the session's fds in place, exec
// `executor --session_fd=3 --stats_fd=4` (services/executor/main.cc).
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_SESSION_SPAWN_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_SESSION_SPAWN_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"

namespace dbt::executor {

// The child's fds 0..4: each is a parent fd to duplicate there, or -1 to
// keep what the service has at that number (inherited stdio; only for 0..2).
// Every other fd is closed in the child, so the parent's fds may all be
// close-on-exec and at any number.
struct SessionProcessFds {
  int stdio[3] = {-1, -1, -1};
  int config = -1;  // becomes fd 3
  int stats = -1;   // becomes fd 4
};

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
