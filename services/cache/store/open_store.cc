#include "services/cache/store/open_store.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/cache/store/lmdb_store.h"

namespace dbt::cache {

absl::StatusOr<uint64_t> ParseSize(const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError("empty size");
  std::string digits = text;
  uint64_t scale = 1;
  const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (last == 'K' || last == 'M' || last == 'G' || last == 'T') {
    digits.pop_back();
    scale = last == 'K' ? 1ull << 10 : last == 'M' ? 1ull << 20 : last == 'G' ? 1ull << 30 : 1ull << 40;
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n > ~uint64_t{0} / scale) {
    return absl::InvalidArgumentError(absl::StrCat("not a size: '", text, "' (e.g. 512M, 2G)"));
  }
  return n * scale;
}

absl::StatusOr<OpenedStore> OpenStore(const StoreSpec& spec) {
  OpenedStore out;
  if (absl::StartsWith(spec.url, "redis://")) {
    return absl::UnimplementedError("redis stores are not built in yet");
  }
  std::string dir = spec.url;
  if (absl::StartsWith(dir, "lmdb:")) dir = dir.substr(5);
  if (dir.empty()) dir = DefaultCacheDir();
  if (dir[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("cache directory must be absolute: ", dir));
  }
  LmdbStoreOptions options;
  options.dir = dir;
  options.max_bytes = spec.max_bytes;
  options.warn = spec.warn;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenLmdbStore(options);
  if (!store.ok()) return store.status();
  out.store = *std::move(store);
  out.backend = "lmdb";
  out.location = dir;
  return out;
}

}  // namespace dbt::cache
