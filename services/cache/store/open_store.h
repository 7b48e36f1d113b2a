// Opens the store a cache URL names:
//   (empty)                 LMDB in DefaultCacheDir()
//   DIR or lmdb:DIR         LMDB in DIR
//   redis://HOST:PORT[/DB]  Redis; authenticated entries (HMAC-SHA256) with
//                           a key file, refused without one unless
//                           `unauthenticated` is set
#ifndef DBT_SERVICES_CACHE_STORE_OPEN_STORE_H_
#define DBT_SERVICES_CACHE_STORE_OPEN_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/cache/store/store.h"

namespace dbt::cache {

struct StoreSpec {
  std::string url;
  uint64_t max_bytes = 1ull << 30;
  std::string key_file;  // HMAC key for Redis: a file of mode 0600 (or stricter)
  bool unauthenticated = false;
  std::function<void(const std::string&)> warn;
};

struct OpenedStore {
  std::unique_ptr<Store> store;
  std::string backend;   // "lmdb" or "redis"
  std::string location;  // the directory or URL
};

absl::StatusOr<OpenedStore> OpenStore(const StoreSpec& spec);

// "1G", "512M", "64K", "1000": bytes. InvalidArgument otherwise.
absl::StatusOr<uint64_t> ParseSize(const std::string& text);

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_OPEN_STORE_H_
