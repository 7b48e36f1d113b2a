// Where cache entries are kept: an embedded LMDB database (the default, one
// per user) or a Redis server (many hosts). Keys and values are opaque
// bytes here (common/cache/tb_entry.h gives them meaning): a store keeps
// them, the per-program indexes, and the use times that drive eviction.
//
// Every method may be called from several threads at once, and several
// processes may open the same store: each write is one transaction, so
// concurrent writers never leave a half-written entry or index.
#ifndef DBT_SERVICES_CACHE_STORE_STORE_H_
#define DBT_SERVICES_CACHE_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dbt::cache {

struct StoreStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;      // sum of the stored values
  uint64_t programs = 0;   // program indexes
  uint64_t max_bytes = 0;  // 0: no limit
  uint64_t evicted = 0;    // entries evicted by this process's store
  // Values this process's store refused because their authentication tag
  // did not verify (a shared store with a key: redis_store.h).
  uint64_t rejected = 0;
  std::string location;  // a path or a URL
  // Preload images beside an LMDB store (preload_files.h): how many, bytes.
  uint64_t preload_images = 0;
  uint64_t preload_bytes = 0;
};

// A program's index: the keys of the TBs it used, in the order they were
// first stored. `version` is the index's length: asking again with
// since=version returns only what was added meanwhile.
struct ProgramIndex {
  std::vector<std::string> keys;
  uint64_t version = 0;
};

using KeyValue = std::pair<std::string, std::string>;

class Store {
 public:
  virtual ~Store() = default;

  // Stores the entries not already there (an entry's value is a function
  // of its key) and, when `program` is not empty, adds their keys to that
  // program's index (each key once). One transaction; a store at its size
  // limit evicts least-recently-used entries first.
  virtual absl::Status Put(absl::Span<const KeyValue> entries, const std::string& program) = 0;
  // The value of each key, "" when absent.
  virtual absl::StatusOr<std::vector<std::string>> Get(absl::Span<const std::string> keys) = 0;
  // The index's keys from position `since` on.
  virtual absl::StatusOr<ProgramIndex> GetIndex(const std::string& program, uint64_t since) = 0;
  // Adds keys to an index (each once).
  virtual absl::Status AddToIndex(const std::string& program,
                                  absl::Span<const std::string> keys) = 0;
  // Records that these keys were used now (least-recently-used order).
  virtual absl::Status Touch(absl::Span<const std::string> keys) = 0;
  // Calls `keep` on every entry; the ones it refuses are deleted. Returns
  // how many were deleted.
  virtual absl::StatusOr<uint64_t> Sweep(
      const std::function<bool(std::string_view key, std::string_view value)>& keep) = 0;
  // Deletes least-recently-used entries until at most `target_bytes` are
  // stored (an LMDB store also its least recently used preload images,
  // beyond a quarter of that). Returns how many entries were deleted.
  virtual absl::StatusOr<uint64_t> Evict(uint64_t target_bytes) = 0;
  // Deletes every entry and index (and preload image). Returns how many
  // entries there were.
  virtual absl::StatusOr<uint64_t> Clear() = 0;
  virtual absl::StatusOr<StoreStats> Stats() = 0;
  // False when the store could only be opened read-only: Put and friends
  // fail with FailedPrecondition.
  virtual bool writable() const = 0;
};

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_STORE_H_
