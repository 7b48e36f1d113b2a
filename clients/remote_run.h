// Running a guest through an executor service: StartGuest, then follow the
// session's StreamOutput to its end (relaying output when it is streamed),
// forward SIGTERM/SIGHUP (and maybe SIGINT/SIGQUIT) to the guest meanwhile,
// fetch its stats, and report how it ended.
#ifndef DBT_CLIENTS_REMOTE_RUN_H_
#define DBT_CLIENTS_REMOTE_RUN_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/common.pb.h"
#include "proto/executor.pb.h"
#include "services/executor/runtime/thread_group.h"

namespace dbt {

struct RemoteRunResult {
  executor::GuestExit exit;
  v1::GuestStats stats;
  std::string session_id;
};

// address: the executor (unix:/path, /path or host:port). An error means the
// guest could not be started or the executor was lost while it ran.
// SIGINT, SIGQUIT (^C, ^\), SIGTERM and SIGHUP to dbt are forwarded to the
// guest: it is not in dbt's process group, so the terminal does not signal
// it itself.
absl::StatusOr<RemoteRunResult> RunRemote(const std::string& address,
                                          const v1::StartGuestRequest& request);

}  // namespace dbt

#endif  // DBT_CLIENTS_REMOTE_RUN_H_
