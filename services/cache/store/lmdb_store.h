// The embedded store: one LMDB environment in a directory that only its
// user may write (0700). Multi-process safe (flock on DIR/dbt.lock around
// every transaction); not synced to disk at each commit (MDB_NOSYNC: a
// system crash may lose recent entries or damage the file, which the next
// open detects and replaces).
//
// Layout (named databases): "tb" key -> entry, "atime" key -> last use
// (ns since the epoch), "prog" program key -> its index (the TB keys,
// concatenated, kTbKeyBytes each), "meta" "bytes" -> sum of entry sizes.
#ifndef DBT_SERVICES_CACHE_STORE_LMDB_STORE_H_
#define DBT_SERVICES_CACHE_STORE_LMDB_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/cache/store/cache_dir.h"
#include "services/cache/store/store.h"

namespace dbt::cache {

struct LmdbStoreOptions {
  std::string dir;                  // created 0700 when missing
  uint64_t max_bytes = 1ull << 30;  // --cache-max-size; 0: no limit
  // Printed once for things the caller should know but that do not stop
  // the store (a corrupt database moved aside, a read-only directory).
  std::function<void(const std::string&)> warn;
};

// Errors: PermissionDenied when the directory (or its database) can be
// written by other users, or is not the caller's; FailedPrecondition when
// it is not a directory; Internal for LMDB failures, with LMDB's message.
// A database file that LMDB does not recognise is renamed
// data.mdb.corrupt-<time> (warned) and a new one started. A directory the
// caller cannot write is opened read-only (warned).
absl::StatusOr<std::unique_ptr<Store>> OpenLmdbStore(const LmdbStoreOptions& options);

// A file whose presence says the database crashed a reader (LMDB trusts
// its file: a damaged page can send it to a wild pointer). The cache
// service creates it from its SIGSEGV/SIGBUS handler; the next open moves
// the database aside as it does for one LMDB does not recognise.
std::string LmdbCrashMarkerPath(const std::string& dir);

// Whether the calling thread is inside an operation on an LMDB store (for a
// crash handler: only a crash there says the database is damaged; a crash
// elsewhere in the process, say the translator that hosts the cache, must
// not throw the user's store away). Async-signal-safe.
bool InLmdbOperation();

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_LMDB_STORE_H_
