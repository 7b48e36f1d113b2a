// dbt-cache: the cache service. See docs/ARCHITECTURE.md for its role.
#include <cstdio>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/server.h"
#include "services/cache/cache_service.h"

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage("dbt cache service: --socket=PATH [--listen=HOST:PORT] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("cache", &config)) return 2;
  dbt::CacheService service;
  config.services.push_back({"dbt.v1.Cache", &service});
  return dbt::RunServer(config);
}
