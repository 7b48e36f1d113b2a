#include "services/executor/service/output_buffer.h"

#include <utility>

namespace dbt::executor {

void OutputBuffer::Append(v1::OutputChunk::Stream stream, std::string data) {
  if (data.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bytes_ += data.size();
    chunks_.push_back({stream, std::make_shared<const std::string>(std::move(data))});
    // Keep the newest chunk even when it alone is over the limit: a reader
    // always gets the latest output.
    while (bytes_ > max_bytes_ && chunks_.size() > 1) {
      bytes_ -= chunks_.front().data->size();
      chunks_.pop_front();
      ++first_;
    }
  }
  changed_.notify_all();
}

void OutputBuffer::Finish(const SessionExit& exit) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    exit_ = exit;
  }
  changed_.notify_all();
}

OutputBuffer::Batch OutputBuffer::Next(Cursor* cursor, std::chrono::milliseconds timeout,
                                       size_t max_batch_bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  const auto ready = [&] { return finished_ || *cursor < first_ + chunks_.size(); };
  changed_.wait_for(lock, timeout, ready);
  Batch batch;
  if (*cursor < first_) *cursor = first_;  // what it wanted next was dropped
  size_t batch_bytes = 0;
  while (*cursor < first_ + chunks_.size() &&
         (batch.chunks.empty() || batch_bytes < max_batch_bytes)) {
    const Chunk& chunk = chunks_[*cursor - first_];
    batch_bytes += chunk.data->size();
    batch.chunks.push_back(chunk);
    ++*cursor;
  }
  if (finished_ && *cursor == first_ + chunks_.size()) {
    batch.finished = true;
    batch.exit = exit_;
  }
  return batch;
}

size_t OutputBuffer::bytes_kept() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace dbt::executor
