// The translator's link to the cache service (proto/cache.proto): bulk
// loads of a program's entries, and stores sent in batches by a background
// thread so that translation never waits for the store. One per translator,
// shared by its sessions. The translator is the only writer of entries
// (it never runs guest code); executors get no handle on the cache.
//
// A service that is down or refuses (its store could not be opened) costs
// a failed load and dropped stores, never a failed translation: failure()
// says why, once, for the session to pass on to the user.
#ifndef DBT_SERVICES_TRANSLATOR_CACHE_CACHE_CLIENT_H_
#define DBT_SERVICES_TRANSLATOR_CACHE_CACHE_CLIENT_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cache/tb_entry.h"
#include "proto/cache.grpc.pb.h"

namespace dbt::translator {

struct LoadedEntries {
  std::vector<cache::TbEntry> entries;  // each checked (DecodeTbEntry)
  uint64_t version = 0;                 // the index version loaded
  uint64_t rejected = 0;                // by the service or here
};

class CacheClient {
 public:
  // address: a gRPC target, e.g. unix:/run/dbt/cache.sock.
  explicit CacheClient(const std::string& address);
  // The cache service registered in `server`, in this process (translator
  // --cache_embedded), over its in-process channel.
  explicit CacheClient(grpc::Server& server);
  ~CacheClient();  // sends what is queued (bounded wait), then stops
  CacheClient(const CacheClient&) = delete;
  CacheClient& operator=(const CacheClient&) = delete;

  // The program's entries from index position `since` on.
  absl::StatusOr<LoadedEntries> LoadProgram(const std::string& program, uint64_t since,
                                            absl::Duration timeout);
  // Queues an encoded entry for `program`'s index; sent when its session
  // ends (SendSoon), or within 2 s, or once 4096 are queued.
  void Store(const std::string& program, std::string entry);
  // Sends what is queued now, without waiting (a session ended).
  void SendSoon();
  // Waits until everything queued before the call was sent (or dropped).
  void Drain();
  // Why the last call to the service failed ("" if it did not), or why the
  // last Probe found it gone. Cheap: asked on every translation.
  std::string failure();
  // Looks at the connection: a service that went away while nothing was
  // being sent is a failure too. Called periodically (ProgramRegistry).
  void Probe();
  const std::string& address() const { return address_; }

 private:
  void SenderLoop();
  void SendBatch(std::vector<std::pair<std::string, std::string>> batch);
  void SetFailure(const grpc::Status& s, const char* what);

  const std::string address_;
  const bool in_process_ = false;  // nothing to probe: it cannot go away
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Cache::Stub> stub_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, std::string>> queue_;  // (program, entry)
  uint64_t queued_ = 0;                                     // entries ever queued
  uint64_t sent_ = 0;                                       // entries ever sent or dropped
  bool stopping_ = false;
  bool drain_ = false;  // Drain() waits: send without the batching delay
  std::string failure_;
  absl::Time quiet_until_ = absl::InfinitePast();
  std::thread sender_;
};

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_CACHE_CACHE_CLIENT_H_
