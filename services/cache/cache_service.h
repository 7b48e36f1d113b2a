// The dbt.v1.Cache gRPC API (proto/cache.proto) over one Store (LMDB or
// Redis). It checks every entry it is given (Store) and every entry it hands
// out (Lookup, LoadProgram): a malformed one is never stored, and a stored
// one that fails its checks (a damaged file, a tampered Redis value) is
// deleted, counted and answered as a miss, so the client translates again.
//
// Writes run on one background thread, one at a time; a Store RPC waits for
// its write (so a Lookup after it finds the entries). Use times
// (least-recently-used eviction) are queued and written in one transaction
// every 2 s, off the RPC path.
#ifndef DBT_SERVICES_CACHE_CACHE_SERVICE_H_
#define DBT_SERVICES_CACHE_CACHE_SERVICE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proto/cache.grpc.pb.h"
#include "services/cache/store/store.h"

namespace dbt {

class CacheService final : public v1::Cache::Service {
 public:
  // `backend` names the store kind for Stats ("lmdb", "redis").
  CacheService(std::unique_ptr<cache::Store> store, std::string backend);
  // A service whose store could not be opened: every RPC answers
  // FAILED_PRECONDITION with `reason` (so clients say why the cache is off).
  explicit CacheService(std::string reason);
  ~CacheService() override;

  grpc::Status Lookup(grpc::ServerContext*, const v1::CacheLookupRequest*,
                      v1::CacheLookupResponse*) override;
  grpc::Status Store(grpc::ServerContext*, const v1::CacheStoreRequest*,
                     v1::CacheStoreResponse*) override;
  grpc::Status GetProgramIndex(grpc::ServerContext*, const v1::ProgramIndexRequest*,
                               v1::ProgramIndexResponse*) override;
  grpc::Status PutProgramIndex(grpc::ServerContext*, const v1::PutProgramIndexRequest*,
                               v1::PutProgramIndexResponse*) override;
  grpc::Status LoadProgram(grpc::ServerContext*, const v1::LoadProgramRequest*,
                           grpc::ServerWriter<v1::LoadProgramChunk>*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::CacheStatsRequest*, v1::CacheStats*) override;
  grpc::Status Verify(grpc::ServerContext*, const v1::CacheVerifyRequest*,
                      v1::CacheVerifyResponse*) override;
  grpc::Status Evict(grpc::ServerContext*, const v1::CacheEvictRequest*,
                     v1::CacheEvictResponse*) override;
  grpc::Status Clear(grpc::ServerContext*, const v1::CacheClearRequest*,
                     v1::CacheClearResponse*) override;

  // Writes the queued use times now (also done at destruction).
  void FlushTouches();

 private:
  // Checks each value against its key; returns the ones that pass (others
  // become "" and are deleted from the store). *rejected counts them.
  void CheckFound(const std::vector<std::string>& keys, std::vector<std::string>* values,
                  uint64_t* rejected);
  void QueueTouches(const std::vector<std::string>& keys);
  // Runs `write` on the writer thread and waits for its result.
  absl::Status Write(std::function<absl::Status()> write);
  void WriterLoop();

  grpc::Status Disabled() const;

  std::unique_ptr<cache::Store> store_;  // null: disabled
  const std::string backend_;
  const std::string disabled_reason_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> stored_{0};

  std::mutex touch_mutex_;
  std::condition_variable touch_cv_;
  std::vector<std::string> touches_;  // guarded by touch_mutex_
  struct WriteJob {
    std::function<absl::Status()> write;
    absl::Status* result;
    bool* done;
  };
  std::vector<WriteJob> jobs_;  // guarded by touch_mutex_
  bool stopping_ = false;       // guarded by touch_mutex_
  std::thread writer_;
};

}  // namespace dbt

#endif  // DBT_SERVICES_CACHE_CACHE_SERVICE_H_
