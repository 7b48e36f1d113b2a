// The translator's data-plane counters, shared by every session thread and
// read by the Stats RPC. Counters are relaxed atomics: a snapshot is current
// per field, not a consistent cut across fields.
//
// Latency is kept as the last kLatencyWindow translate requests (a ring of
// samples, not a histogram): p50/p99 are exact over that window, and old
// traffic stops counting once 4096 newer requests arrived.
#ifndef DBT_SERVICES_TRANSLATOR_DATA_PLANE_DATA_PLANE_STATS_H_
#define DBT_SERVICES_TRANSLATOR_DATA_PLANE_DATA_PLANE_STATS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace dbt::translator {

struct DataPlaneSnapshot {
  uint64_t requests = 0;        // ring messages received (any kind, also rejected)
  uint64_t tbs_translated = 0;  // kTranslate answered with a TB
  uint64_t host_bytes_emitted = 0;
  uint64_t requests_rejected = 0;  // malformed ring messages (channel or wire level)
  uint64_t flushes = 0;            // kFlush requests served
  uint32_t sessions = 0;           // live (attached, not yet detached)
  uint64_t sessions_total = 0;     // ever attached
  uint64_t latency_p50_ns = 0;     // over the last kLatencyWindow translate requests
  uint64_t latency_p99_ns = 0;
};

class DataPlaneStats {
 public:
  static constexpr size_t kLatencyWindow = 4096;

  void CountRequest() { requests_.fetch_add(1, std::memory_order_relaxed); }
  void CountRejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }
  void CountTranslated(uint64_t host_bytes) {
    tbs_.fetch_add(1, std::memory_order_relaxed);
    host_bytes_.fetch_add(host_bytes, std::memory_order_relaxed);
  }
  void CountFlush() { flushes_.fetch_add(1, std::memory_order_relaxed); }
  void SessionAttached() {
    live_.fetch_add(1, std::memory_order_relaxed);
    total_.fetch_add(1, std::memory_order_relaxed);
  }
  void SessionDetached() { live_.fetch_sub(1, std::memory_order_relaxed); }
  // One translate request: from Receive returning to the answer written.
  void RecordLatency(uint64_t ns);

  DataPlaneSnapshot Snapshot() const;

 private:
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> tbs_{0};
  std::atomic<uint64_t> host_bytes_{0};
  std::atomic<uint64_t> flushes_{0};
  std::atomic<uint32_t> live_{0};
  std::atomic<uint64_t> total_{0};

  mutable std::mutex latency_mutex_;
  std::array<uint64_t, kLatencyWindow> latency_ns_{};  // guarded by latency_mutex_
  uint64_t latency_count_ = 0;                         // guarded by latency_mutex_
};

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_DATA_PLANE_DATA_PLANE_STATS_H_
