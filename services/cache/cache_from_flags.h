// The cache service built from the store flags (--cache, --cache_max_size,
// --cache_key_file, --cache_unauthenticated), which this library defines:
// shared by the cache service binary and by a translator that hosts the
// cache in its own process (--cache_embedded, dbt run's private mode).
#ifndef DBT_SERVICES_CACHE_CACHE_FROM_FLAGS_H_
#define DBT_SERVICES_CACHE_CACHE_FROM_FLAGS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/cache/cache_service.h"

namespace dbt {

// Opens the store the flags name. A store that cannot be opened (a directory
// others can write, an unreachable Redis) gives a service that refuses every
// RPC with the reason (logged once). InvalidArgument only for a malformed
// --cache_max_size. An LMDB store gets a crash marker: a damaged file that
// crashes its reader (a crash inside a store operation, not elsewhere in
// the process) is started afresh by the next open.
// *lmdb_dir (if given) is set to an LMDB store's directory, else cleared;
// *max_bytes (if given) to the size limit (0: none).
absl::StatusOr<std::unique_ptr<CacheService>> CacheServiceFromFlags(std::string* lmdb_dir = nullptr,
                                                                    uint64_t* max_bytes = nullptr);

}  // namespace dbt

#endif  // DBT_SERVICES_CACHE_CACHE_FROM_FLAGS_H_
