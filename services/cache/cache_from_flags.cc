#include "services/cache/cache_from_flags.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/cache/store/lmdb_store.h"
#include "services/cache/store/open_store.h"

ABSL_FLAG(std::string, cache, "",
          "The store: a directory (LMDB; default $XDG_CACHE_HOME/dbt or ~/.cache/dbt), "
          "lmdb:DIR, or redis://HOST:PORT[/DB].");
ABSL_FLAG(std::string, cache_max_size, "1G",
          "Largest total size of the entries; least-recently-used ones are evicted beyond it "
          "(0: no limit).");
ABSL_FLAG(std::string, cache_key_file, "",
          "HMAC-SHA256 key for entries shared through Redis (a file of mode 0600).");
ABSL_FLAG(bool, cache_unauthenticated, false,
          "Use a Redis store without authenticating its entries.");

namespace dbt {
namespace {

// Where the crash handler leaves its mark (lmdb_store.h LmdbCrashMarkerPath).
char g_crash_marker[4096];

void OnCrash(int sig) {
  if (g_crash_marker[0] != '\0' && cache::InLmdbOperation()) {
    const int fd = open(g_crash_marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// An LMDB store whose file was damaged can crash its reader; the next open
// then starts a fresh store instead of crashing every run. Only a crash
// inside a store operation marks it.
void MarkStoreOnCrash(const std::string& dir) {
  const std::string marker = cache::LmdbCrashMarkerPath(dir);
  if (marker.size() >= sizeof g_crash_marker) return;
  memcpy(g_crash_marker, marker.c_str(), marker.size() + 1);
  struct sigaction sa = {};
  sa.sa_handler = OnCrash;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
}

}  // namespace

absl::StatusOr<std::unique_ptr<CacheService>> CacheServiceFromFlags(std::string* lmdb_dir,
                                                                    uint64_t* max_bytes) {
  if (lmdb_dir != nullptr) lmdb_dir->clear();
  cache::StoreSpec spec;
  spec.url = absl::GetFlag(FLAGS_cache);
  spec.key_file = absl::GetFlag(FLAGS_cache_key_file);
  spec.unauthenticated = absl::GetFlag(FLAGS_cache_unauthenticated);
  spec.warn = [](const std::string& m) { DBT_LOG(0) << "warning: " << m; };
  absl::StatusOr<uint64_t> max = cache::ParseSize(absl::GetFlag(FLAGS_cache_max_size));
  if (!max.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--cache_max_size: ", max.status().message()));
  }
  spec.max_bytes = *max;
  if (max_bytes != nullptr) *max_bytes = *max;
  absl::StatusOr<cache::OpenedStore> opened = cache::OpenStore(spec);
  if (!opened.ok()) {
    DBT_LOG(0) << "the cache is off: " << opened.status().message();
    return std::make_unique<CacheService>(std::string(opened.status().message()));
  }
  if (opened->backend == "lmdb") {
    MarkStoreOnCrash(opened->location);
    if (lmdb_dir != nullptr) *lmdb_dir = opened->location;
  }
  return std::make_unique<CacheService>(std::move(opened->store), opened->backend);
}

}  // namespace dbt
