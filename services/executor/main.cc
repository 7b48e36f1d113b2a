// dbt-executor: the executor service. See docs/ARCHITECTURE.md for its role.
//
//   executor --socket=PATH [--listen=HOST:PORT] [--v=1] [--translator_data=PATH]
//       the service: StartGuest starts a session process per guest
//   executor --session_fd=N --stats_fd=M
//       a session process (started by the service, never by hand): runs one
//       guest and exits the way it did (services/executor/session)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/server.h"
#include "services/executor/executor_service.h"
#include "services/executor/session/session_main.h"

namespace {

// The session mode is decided before anything else runs (no flag library,
// no signal changes): the guest inherits this process's state.
bool SessionFds(int argc, char** argv, int* config_fd, int* stats_fd) {
  if (argc != 3) return false;
  if (strncmp(argv[1], "--session_fd=", 13) != 0) return false;
  if (strncmp(argv[2], "--stats_fd=", 11) != 0) return false;
  *config_fd = atoi(argv[1] + 13);
  *stats_fd = atoi(argv[2] + 11);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int config_fd = -1;
  int stats_fd = -1;
  if (SessionFds(argc, argv, &config_fd, &stats_fd))
    dbt::executor::SessionMain(config_fd, stats_fd);

  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "dbt executor service: --socket=PATH [--listen=HOST:PORT] [--translator_data=PATH] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("executor", &config)) return 2;
  dbt::ExecutorService service;
  config.services.push_back({"dbt.v1.Executor", &service});
  return dbt::RunServer(config);
}
