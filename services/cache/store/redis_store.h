// The shared store: a Redis server that the caches of many hosts use at
// once. One connection per store object (Redis answers one command at a
// time per connection anyway), serialised by a mutex; a connection found
// broken is replaced once per call.
//
// Layout, every key under the namespace `prefix` (default "dbt:"):
//   PREFIX "tb:" KEY       string: the entry (value, or value||tag below)
//   PREFIX "atime"         sorted set: KEY scored by its last use, ms since
//                          the epoch (least recently used = lowest score)
//   PREFIX "bytes"         integer: the sum of the stored strings' sizes
//   PREFIX "prog:" PROG    list: the program's index, first-stored order
//   PREFIX "progset:" PROG set: the same keys, so that each is listed once
//   PREFIX "programs"      set: the programs that have an index
// Entries are written and deleted by Lua scripts (atomic on the server): an
// entry, its atime member and its bytes are added together, and removed
// together, so the counters stay the sum of what is stored however many
// hosts write at once. A Put is one MULTI/EXEC transaction (its entries,
// then its index: an index never names an entry of that Put before it is
// stored); AddToIndex and Touch are one command each. Sweep, Evict and
// Clear are sequences of such atomic steps, not one transaction: other
// hosts keep reading and writing meanwhile (a Put racing a Clear may leave
// its entry behind, uncounted). Standalone Redis only (the scripts name
// keys they derive, which Redis Cluster does not allow); no AUTH or TLS:
// the tag protects integrity on a network the operator trusts to carry the
// traffic.
//
// Authentication: values cross hosts and users, and whoever can write to
// the server could otherwise make every host run their code. With an
// hmac_key each stored string is
//   value || HMAC-SHA256(hmac_key, le64(|name|) || name || value)
// where name is the entry's Redis key (PREFIX "tb:" KEY): a value moved to
// another key, or to another namespace, does not verify. (The length makes
// the split between name and value unambiguous.) Get returns "" for a value
// whose tag does not verify, and counts it (StoreStats::rejected); Sweep
// deletes such values without offering them to `keep`. Without a key values
// are stored bare, and a store with a key refuses them all.
#ifndef DBT_SERVICES_CACHE_STORE_REDIS_STORE_H_
#define DBT_SERVICES_CACHE_STORE_REDIS_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/cache/store/store.h"

namespace dbt::cache {

struct RedisStoreOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;              // SELECTed on every connection when not 0
  std::string hmac_key;    // raw bytes; empty: values stored and read bare
  uint64_t max_bytes = 0;  // 0: no limit (Redis's own maxmemory still applies)
  std::string prefix = "dbt:";
  // For connecting and for each call's reads and writes.
  absl::Duration timeout = absl::Seconds(2);
};

// "redis://HOST[:PORT][/DB]": HOST a name, an IPv4 address or a bracketed
// IPv6 one ("[::1]"), PORT 1..65535 (6379 when omitted), DB a decimal
// number (0 when omitted). The other fields keep their defaults.
// InvalidArgument saying what is wrong otherwise (credentials and query
// parameters are not supported).
absl::StatusOr<RedisStoreOptions> ParseRedisUrl(absl::string_view url);

// Connects (and SELECTs the database) before returning. Errors:
// Unavailable naming HOST:PORT when the server cannot be reached;
// InvalidArgument for a database the server does not have.
//
// Every method then fails with Unavailable when the server is unreachable
// (again reachable: the next call reconnects), DeadlineExceeded when it
// does not answer within `timeout`, and with the server's message for
// errors it reports (ResourceExhausted for its OOM, PermissionDenied when
// it requires a password, Internal otherwise).
absl::StatusOr<std::unique_ptr<Store>> OpenRedisStore(const RedisStoreOptions& options);

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_REDIS_STORE_H_
