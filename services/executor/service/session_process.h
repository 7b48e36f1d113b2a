// The executor service's view of one session: the session process it
// started (services/executor/session runs the guest there), the process's
// stats page, its captured output, and how it ended.
//
// A watcher thread per session polls the process's pidfd and its stdout and
// stderr pipes: it records the end as soon as the process is reaped, and
// finishes the output once the pipes are closed too (a guest's children may
// hold them open past the guest's own end). The pidfd makes Kill safe
// against pid reuse: after the reap it reaches no other process.
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_SESSION_PROCESS_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_SESSION_PROCESS_H_

#include <signal.h>
#include <sys/types.h>
#include <array>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/shm/unique_fd.h"
#include "proto/executor.pb.h"
#include "services/executor/service/output_buffer.h"
#include "services/executor/service/session_spawn.h"
#include "services/executor/service/stdin_feed.h"
#include "services/executor/session/stats_page.h"

namespace dbt::executor {

class SessionProcess {
 public:
  // Starts the session process for config.request() (its id is
  // config.session_id()) from `binary`, hands it the config and starts
  // watching it. An error means no process is left running. When the config
  // cannot be delivered the session is returned anyway, killed and FAILED,
  // with the reason in start_error().
  // stdio: when set, the session's fds 0, 1, 2 (handed over by the client;
  // the request's stdio_token), instead of what inherit_stdio or
  // stream_output say; more_fds: the client's other fds handed over with
  // them, each at its number.
  static absl::StatusOr<std::shared_ptr<SessionProcess>> Start(
      const v1::SessionConfig& config, const std::string& binary = "/proc/self/exe",
      const std::array<int, 3>* stdio = nullptr, const std::vector<PassedFd>& more_fds = {});

  // Kills the process if it still runs, then stops watching.
  ~SessionProcess();
  SessionProcess(const SessionProcess&) = delete;
  SessionProcess& operator=(const SessionProcess&) = delete;

  const std::string& id() const { return id_; }
  pid_t pid() const { return pid_; }
  const absl::Status& start_error() const { return start_error_; }
  OutputBuffer& output() { return output_; }
  // The guest's stdin when the request asked for stream_stdin; else null.
  StdinFeed* stdin_feed() { return stdin_feed_.get(); }

  // Sends `sig` to the process; once it has ended the session is KILLED
  // instead of EXITED. FailedPrecondition when it has already ended.
  absl::Status Kill(int sig);

  // SessionInfo with a stats snapshot. While the session runs and its page
  // has no wall time yet, wall_ns is the time since the start (after a
  // SIGKILL the session never writes it: then the process's lifetime).
  v1::SessionInfo Info() const;

  bool ended() const;     // the process has been reaped
  bool finished() const;  // ended and its output is complete (watcher done)
  // Position of this session among finished ones (1 first); 0 while not.
  uint64_t finish_order() const { return finish_order_.load(); }

  void WaitEnded();
  // Stops waiting for the pipes to close (they may be held by a guest's
  // children); returns once the watcher has finished. Call once ended.
  void StopWatching();

 private:
  SessionProcess(std::string id, std::string program, pid_t pid, shm::UniqueFd pidfd,
                 std::unique_ptr<StatsPageMapping> stats, shm::UniqueFd out, shm::UniqueFd err);

  void Watch();
  void RecordEnd(const siginfo_t& info);

  const std::string id_;
  const std::string program_;
  const pid_t pid_;
  const int64_t started_unix_ms_;
  const uint64_t started_mono_ns_;
  shm::UniqueFd pidfd_;
  std::unique_ptr<StatsPageMapping> stats_;
  shm::UniqueFd out_;   // read ends of the guest's stdout/stderr pipes;
  shm::UniqueFd err_;   // invalid without stream_output (watcher-owned)
  shm::UniqueFd stop_;  // eventfd: StopWatching
  absl::Status start_error_;
  OutputBuffer output_;
  std::unique_ptr<StdinFeed> stdin_feed_;
  std::atomic<uint64_t> finish_order_{0};

  mutable std::mutex mu_;
  std::condition_variable end_changed_;
  bool killed_ = false;  // a Kill reached the process
  bool failed_ = false;  // the config never reached it
  bool ended_ = false;
  bool finished_ = false;
  SessionExit exit_;
  uint64_t ended_mono_ns_ = 0;

  std::thread watcher_;  // last: starts once everything above is set
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_SESSION_PROCESS_H_
