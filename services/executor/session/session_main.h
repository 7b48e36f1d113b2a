// The session process: what `executor --session_fd=N --stats_fd=M` runs. The
// executor service starts one per StartGuest; it reads its SessionConfig
// from fd N (session_config_io.h), keeps its counters in the stats page at
// fd M, runs the guest (session_runner.h) and exits the way the guest did
// (exit status, or death by the same signal), which is what the service
// reports.
#ifndef DBT_SERVICES_EXECUTOR_SESSION_SESSION_MAIN_H_
#define DBT_SERVICES_EXECUTOR_SESSION_SESSION_MAIN_H_

namespace dbt::executor {

[[noreturn]] void SessionMain(int config_fd, int stats_fd);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SESSION_SESSION_MAIN_H_
