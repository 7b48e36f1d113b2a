#include "services/cache/store/open_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/cache/store/lmdb_store.h"
#include "services/cache/store/redis_store.h"

namespace dbt::cache {

absl::StatusOr<uint64_t> ParseSize(const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError("empty size");
  std::string digits = text;
  uint64_t scale = 1;
  const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  if (last == 'K' || last == 'M' || last == 'G' || last == 'T') {
    digits.pop_back();
    scale = last == 'K'   ? 1ull << 10
            : last == 'M' ? 1ull << 20
            : last == 'G' ? 1ull << 30
                          : 1ull << 40;
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n > ~uint64_t{0} / scale) {
    return absl::InvalidArgumentError(absl::StrCat("not a size: '", text, "' (e.g. 512M, 2G)"));
  }
  return n * scale;
}

namespace {

// The HMAC key of a shared store: a file only its owner can read or write.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cache key file ", path, ": ", strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat("cache key file ", path, " is not a file"));
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
    close(fd);
    return absl::PermissionDeniedError(absl::StrFormat(
        "cache key file %s must be readable by its owner only (mode 0600; it is %04o, uid %d): "
        "whoever knows the key can make other hosts run their code",
        path, st.st_mode & 07777, st.st_uid));
  }
  std::string key;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && key.size() < (1 << 16)) key.append(buf, n);
  close(fd);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("cache key file ", path, " holds fewer than 16 bytes: not a key"));
  }
  return key;
}

absl::StatusOr<OpenedStore> OpenRedis(const StoreSpec& spec) {
  absl::StatusOr<RedisStoreOptions> options = ParseRedisUrl(spec.url);
  if (!options.ok()) return options.status();
  if (!spec.key_file.empty()) {
    absl::StatusOr<std::string> key = ReadKeyFile(spec.key_file);
    if (!key.ok()) return key.status();
    options->hmac_key = *std::move(key);
  } else if (!spec.unauthenticated) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a Redis cache (", spec.url,
        ") is shared with other hosts and users, whose entries would run as code here: give "
        "--cache-key-file (HMAC-SHA256 key, mode 0600) or, on a network you trust, "
        "--cache-unauthenticated"));
  }
  options->max_bytes = spec.max_bytes;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRedisStore(*options);
  if (!store.ok()) return store.status();
  OpenedStore out;
  out.store = *std::move(store);
  out.backend = "redis";
  out.location = spec.url;
  return out;
}

}  // namespace

absl::StatusOr<OpenedStore> OpenStore(const StoreSpec& spec) {
  OpenedStore out;
  if (absl::StartsWith(spec.url, "redis://")) return OpenRedis(spec);
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
