// dbt-cache: the cache service. See docs/ARCHITECTURE.md "The cache".
//
// One store per service: --cache=URL (services/cache/store/open_store.h;
// default LMDB in $XDG_CACHE_HOME/dbt or ~/.cache/dbt). A store that cannot
// be opened (a directory others can write, an unreachable Redis) does not
// stop the service: it serves, and every cache RPC answers
// FAILED_PRECONDITION with the reason, which reaches the user as one
// warning from `dbt run`.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/server.h"
#include "services/cache/cache_from_flags.h"

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "dbt cache service: --socket=PATH [--listen=HOST:PORT] [--cache=DIR|redis://HOST:PORT] "
      "[--cache_max_size=1G] [--cache_key_file=F] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("cache", &config)) return 2;

  absl::StatusOr<std::unique_ptr<dbt::CacheService>> made = dbt::CacheServiceFromFlags();
  if (!made.ok()) {
    fprintf(stderr, "dbt-cache: %s\n", std::string(made.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<dbt::CacheService> service = *std::move(made);
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
