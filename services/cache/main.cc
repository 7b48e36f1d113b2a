// dbt-cache: the cache service. See docs/ARCHITECTURE.md "The cache".
//
// One store per service: --cache=URL (services/cache/store/open_store.h;
// default LMDB in $XDG_CACHE_HOME/dbt or ~/.cache/dbt). A store that cannot
// be opened (a directory others can write, an unreachable Redis) does not
// stop the service: it serves, and every cache RPC answers
// FAILED_PRECONDITION with the reason, which reaches the user as one
// warning from `dbt run`.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/log.h"
#include "common/service/server.h"
#include "services/cache/cache_service.h"
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

namespace {

// Where the crash handler leaves its mark (lmdb_store.h LmdbCrashMarkerPath).
char g_crash_marker[4096];

void OnCrash(int sig) {
  if (g_crash_marker[0] != '\0') {
    const int fd = open(g_crash_marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// An LMDB store whose file was damaged can crash its reader; the next open
// then starts a fresh store instead of crashing every run.
void MarkStoreOnCrash(const std::string& dir) {
  const std::string marker = dbt::cache::LmdbCrashMarkerPath(dir);
  if (marker.size() >= sizeof g_crash_marker) return;
  memcpy(g_crash_marker, marker.c_str(), marker.size() + 1);
  struct sigaction sa = {};
  sa.sa_handler = OnCrash;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "dbt cache service: --socket=PATH [--listen=HOST:PORT] [--cache=DIR|redis://HOST:PORT] "
      "[--cache_max_size=1G] [--cache_key_file=F] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("cache", &config)) return 2;

  std::unique_ptr<dbt::CacheService> service;
  dbt::cache::StoreSpec spec;
  spec.url = absl::GetFlag(FLAGS_cache);
  spec.key_file = absl::GetFlag(FLAGS_cache_key_file);
  spec.unauthenticated = absl::GetFlag(FLAGS_cache_unauthenticated);
  spec.warn = [](const std::string& m) { DBT_LOG(0) << "warning: " << m; };
  absl::StatusOr<uint64_t> max = dbt::cache::ParseSize(absl::GetFlag(FLAGS_cache_max_size));
  if (!max.ok()) {
    fprintf(stderr, "dbt-cache: --cache_max_size: %s\n",
            std::string(max.status().message()).c_str());
    return 2;
  }
  spec.max_bytes = *max;
  absl::StatusOr<dbt::cache::OpenedStore> opened = dbt::cache::OpenStore(spec);
  if (opened.ok()) {
    if (opened->backend == "lmdb") MarkStoreOnCrash(opened->location);
    service = std::make_unique<dbt::CacheService>(std::move(opened->store), opened->backend);
  } else {
    DBT_LOG(0) << "the cache is off: " << opened.status().message();
    service = std::make_unique<dbt::CacheService>(std::string(opened.status().message()));
  }
  config.services.push_back({"dbt.v1.Cache", service.get()});
  const int status = dbt::RunServer(config);
  // The use times are written and the store is closed here...
  service.reset();
  fflush(nullptr);
  // ...and nothing is left to do: skip gRPC's library shutdown, which after
  // a client stream can wait ~10 s for an internal poller thread (seen as
  // `dbt run` waiting for its private cache service to exit).
  _exit(status);
}
