#include "services/translator/data_plane/data_plane_stats.h"

#include <algorithm>
#include <vector>

namespace dbt::translator {
namespace {

// The nearest-rank percentile: the smallest sample with at least p% of the
// samples at or below it. Reorders `samples`.
uint64_t Percentile(std::vector<uint64_t>& samples, int p) {
  if (samples.empty()) return 0;
  size_t rank = (samples.size() * p + 99) / 100;  // ceil(n * p / 100), >= 1 for p > 0
  if (rank == 0) rank = 1;
  auto nth = samples.begin() + static_cast<ptrdiff_t>(rank - 1);
  std::nth_element(samples.begin(), nth, samples.end());
  return *nth;
}

}  // namespace

void DataPlaneStats::RecordLatency(uint64_t ns) {
  std::lock_guard<std::mutex> lock(latency_mutex_);
  latency_ns_[latency_count_ % kLatencyWindow] = ns;
  ++latency_count_;
}

DataPlaneSnapshot DataPlaneStats::Snapshot() const {
  DataPlaneSnapshot s;
  s.requests = requests_.load(std::memory_order_relaxed);
  s.tbs_translated = tbs_.load(std::memory_order_relaxed);
  s.host_bytes_emitted = host_bytes_.load(std::memory_order_relaxed);
  s.requests_rejected = rejected_.load(std::memory_order_relaxed);
  s.flushes = flushes_.load(std::memory_order_relaxed);
  s.sessions = live_.load(std::memory_order_relaxed);
  s.sessions_total = total_.load(std::memory_order_relaxed);
  std::vector<uint64_t> samples;
  {
    std::lock_guard<std::mutex> lock(latency_mutex_);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(latency_count_, kLatencyWindow));
    samples.assign(latency_ns_.begin(), latency_ns_.begin() + static_cast<ptrdiff_t>(n));
  }
  s.latency_p50_ns = Percentile(samples, 50);
  s.latency_p99_ns = Percentile(samples, 99);
  return s;
}

}  // namespace dbt::translator
