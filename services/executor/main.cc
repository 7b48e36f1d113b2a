// dbt-executor: the executor service. See docs/ARCHITECTURE.md for its role.
#include <cstdio>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/server.h"
#include "services/executor/executor_service.h"

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage("dbt executor service: --socket=PATH [--listen=HOST:PORT] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("executor", &config)) return 2;
  dbt::ExecutorService service;
  config.services.push_back({"dbt.v1.Executor", &service});
  return dbt::RunServer(config);
}
