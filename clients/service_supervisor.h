// Starts and stops the three dbt services as child processes of the user's
// command, each on a unix socket in one runtime directory, with a pid file and
// a log file beside it. Used by `dbt services up|down|status` and, later, by
// `dbt run` for its private services.
#ifndef DBT_CLIENTS_SERVICE_SUPERVISOR_H_
#define DBT_CLIENTS_SERVICE_SUPERVISOR_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dbt {

inline constexpr const char* kServiceNames[] = {"translator", "executor", "cache"};

struct ServicePaths {
  std::string binary;
  std::string socket;
  std::string pid_file;
  std::string log_file;
};

// The default runtime directory: $DBT_RUNTIME_DIR, else $XDG_RUNTIME_DIR/dbt,
// else /tmp/dbt-$UID.
std::string DefaultRuntimeDir();

// Where the service binaries are: $DBT_SERVICES_DIR/NAME, else next to this
// executable in Bazel's layout (bazel-bin/clients/dbt ->
// bazel-bin/services/NAME/NAME), else NAME beside this executable.
absl::StatusOr<std::string> FindServiceBinary(const std::string& name);

ServicePaths PathsFor(const std::string& runtime_dir, const std::string& name);

// Reads NAME.pid; returns the pid if that process still exists.
absl::StatusOr<pid_t> RunningPid(const ServicePaths& paths);

// Starts NAME detached (own session, stdout/stderr to its log file) and waits
// until it reports SERVING. Returns its pid. On failure the log's tail is in
// the error message.
// How a service process is started (SpawnService).
struct ServiceSpawn {
  std::vector<std::string> argv;  // argv[0] is the binary's path
  // Empty: the child keeps our stdin/stdout/stderr. Otherwise stdin is
  // /dev/null and stdout/stderr are appended to this file.
  std::string log_file;
  // true: a session of its own (setsid), for services that outlive us;
  // false: a process group of its own in our session (the terminal's ^C
  // does not reach it, but processes it starts may still join our group).
  bool own_session = true;
  // Started through an intermediate process that exits at once, so that it
  // is not our child (its parent is init or a subreaper): dbt run's services
  // live beside the process that runs the guest, whose wait(-1), ECHILD and
  // SIGCHLD must concern the guest's children only. PR_SET_PDEATHSIG cannot
  // apply; give the service --exit_with_pid instead. Watch it with a pidfd.
  bool not_our_child = false;
  // An fd of ours that the service gets as fd 3 (say, a pipe's write end
  // named by a flag); -1: none. Our other fds above 2 are closed: a service
  // must not hold its starter's pipes or files open.
  int pass_fd = -1;
};

// _Fork + exec with an empty signal mask and SIGINT/SIGQUIT at their
// defaults (the services sigwait for them). Returns the child's pid.
absl::StatusOr<pid_t> SpawnService(const ServiceSpawn& spec);

// extra_args follow --socket and --v.
absl::StatusOr<pid_t> StartService(const std::string& runtime_dir, const std::string& name,
                                   std::chrono::milliseconds timeout, int verbosity,
                                   const std::vector<std::string>& extra_args = {});

// Where a translator in runtime_dir takes executor sessions (its data socket).
std::string TranslatorDataSocket(const std::string& runtime_dir);

// SIGTERM, then SIGKILL after `grace`; removes the pid file and the socket.
absl::Status StopService(const ServicePaths& paths, std::chrono::milliseconds grace);

}  // namespace dbt

#endif  // DBT_CLIENTS_SERVICE_SUPERVISOR_H_
