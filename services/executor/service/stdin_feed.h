// The write end of a streamed session's stdin pipe (StartGuest with
// stream_output and stream_stdin: the client is remote, e.g. over TCP, and
// sends its stdin with the WriteStdin RPC). Writes block while the pipe is
// full, as a local writer would, but give up when the caller says so (the
// session ended, the RPC was cancelled); a guest that closed its stdin makes
// them fail (EPIPE; the service ignores SIGPIPE).
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_STDIN_FEED_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_STDIN_FEED_H_

#include <functional>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/shm/unique_fd.h"

namespace dbt::executor {

class StdinFeed {
 public:
  // Takes the pipe's write end (made non-blocking here).
  explicit StdinFeed(shm::UniqueFd write_end);

  // Writes all of data. give_up is asked about every 100 ms while the pipe
  // is full. FailedPrecondition once closed or when the reader is gone,
  // Cancelled when give_up said so.
  absl::Status Write(absl::string_view data, const std::function<bool()>& give_up);
  // End of input: the guest reads EOF once the pipe is drained.
  void Close();

 private:
  std::mutex mu_;  // one writer at a time: chunks are not interleaved
  shm::UniqueFd fd_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_STDIN_FEED_H_
