// What a session wrote to its stdout and stderr, kept for StreamOutput: every
// stream replays the chunks from the oldest still kept, then follows new ones
// until the session has ended and both pipes are closed.
//
// Chunks are numbered in the order they were read; a reader holds the number
// of the next chunk it wants (a Cursor). At most kMaxBytes are kept: the
// oldest chunks are dropped first, and a reader whose next chunk was dropped
// continues from the oldest one kept.
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_OUTPUT_BUFFER_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_OUTPUT_BUFFER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "proto/executor.pb.h"

namespace dbt::executor {

// How the session process ended (the last OutputChunk carries it).
struct SessionExit {
  int exit_status = 0;  // valid when term_signal == 0
  int term_signal = 0;  // the signal that ended the process, or 0
};

class OutputBuffer {
 public:
  static constexpr size_t kMaxBytes = size_t{16} << 20;

  struct Chunk {
    v1::OutputChunk::Stream stream;
    std::shared_ptr<const std::string> data;
  };
  // Number of the next chunk a reader wants; starts at 0 (the beginning).
  using Cursor = uint64_t;

  struct Batch {
    std::vector<Chunk> chunks;  // in order, from the cursor on
    bool finished = false;      // no chunk follows these; `exit` is set
    SessionExit exit;
  };

  explicit OutputBuffer(size_t max_bytes = kMaxBytes) : max_bytes_(max_bytes) {}

  // Empty data is ignored.
  void Append(v1::OutputChunk::Stream stream, std::string data);
  // No more output: the session ended this way and its pipes are closed.
  void Finish(const SessionExit& exit);

  // Waits up to `timeout` for chunks past *cursor or the end, returns them
  // (at most about max_batch_bytes, always at least one chunk when there is
  // one) and advances *cursor. `finished` is set only once the batch reaches
  // the last chunk. An empty, unfinished batch means the wait timed out.
  Batch Next(Cursor* cursor, std::chrono::milliseconds timeout,
             size_t max_batch_bytes = size_t{1} << 20);

  size_t bytes_kept() const;

 private:
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> chunks_;  // chunk number first_ + i
  uint64_t first_ = 0;
  size_t bytes_ = 0;
  bool finished_ = false;
  SessionExit exit_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_OUTPUT_BUFFER_H_
