// A session process ends when the executor service that started it is gone:
// nobody could then stream its output, report its exit or kill it, and
// under `dbt run` it would keep writing to the user's terminal after dbt
// reported the failure. (PR_SET_PDEATHSIG cannot do this: it fires when the
// parent *thread* that forked exits, and gRPC's threads come and go.)
#ifndef DBT_SERVICES_EXECUTOR_SESSION_PARENT_WATCH_H_
#define DBT_SERVICES_EXECUTOR_SESSION_PARENT_WATCH_H_

namespace dbt::executor {

// Starts a detached thread that waits on a pidfd of the parent process and,
// once it exits, prints one line on stderr and kills this process with
// SIGKILL. Returns false (doing nothing) when the parent is already gone or
// pidfds are unavailable.
bool EndWithParent();

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SESSION_PARENT_WATCH_H_
