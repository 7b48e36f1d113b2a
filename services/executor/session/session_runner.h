// One guest session, run in the calling process: the program of a
// StartGuestRequest with its run options, under the JIT or the reference
// interpreter. The session process of the executor service runs this
// (session_main.h); `dbt run --one-process` runs it inside dbt itself.
#ifndef DBT_SERVICES_EXECUTOR_SESSION_SESSION_RUNNER_H_
#define DBT_SERVICES_EXECUTOR_SESSION_SESSION_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/executor.pb.h"
#include "services/executor/jit/jit_stats.h"
#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

// What only a caller in the same process can give (dbt run, private mode).
struct SessionHooks {
  // Starts the translator, the first time a TB is needed that the preload
  // image did not hold. Unset: the translator is attached at the start.
  std::function<absl::Status()> start_translator;
  // GuestProcess::reexec_prefix: how an exec'd RISC-V program runs.
  std::vector<std::string> reexec_prefix;
};

// Runs the guest to its end. `stats` (which may live in a shared StatsPage)
// receives the JIT's counters and the wall time. An error means the guest
// could not be started (the message says why: "PROG: not an ELF file", a
// log file that cannot be opened, no translator).
absl::StatusOr<GuestExit> RunSession(const v1::SessionConfig& config, JitStats* stats,
                                     const SessionHooks& hooks = {});

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SESSION_SESSION_RUNNER_H_
