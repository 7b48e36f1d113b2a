// dbt-executor: the executor service. See docs/ARCHITECTURE.md for its role.
//
//   executor --socket=PATH [--listen=HOST:PORT] [--v=1] [--translator_data=PATH]
//            [--translator_reconnect_ms=N]
//       the service: StartGuest starts a session process per guest; on
//       SIGTERM/SIGINT every session still running is killed and reaped
//   executor --session_fd=N --stats_fd=M
//       a session process (started by the service, never by hand): runs one
//       guest and exits the way it did (services/executor/session)
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/inherited_fds.h"
#include "common/service/server.h"
#include "services/executor/executor_service.h"
#include "services/executor/session/session_main.h"

ABSL_FLAG(std::string, translator_data, "",
          "The translator's data socket (SOCK_SEQPACKET), handed to every session.");
ABSL_FLAG(uint32_t, translator_reconnect_ms, 10000,
          "How long a session waits for a translator that went away, in ms.");
ABSL_FLAG(std::string, stdio_socket, "",
          "Where local clients hand over their stdin/stdout/stderr (SOCK_SEQPACKET); "
          "default: the --socket path + \".stdio\"; \"none\": no hand-offs.");

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

  // Before anything is opened: what the starter (`dbt run`) left open.
  const std::vector<int> inherited_fds = dbt::InheritableFds();
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "dbt executor service: --socket=PATH [--listen=HOST:PORT] [--translator_data=PATH] "
      "[--translator_reconnect_ms=N] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("executor", &config)) return 2;
  // A session that dies before reading its config must not kill the service
  // with SIGPIPE; sessions start with default dispositions (session_spawn.h).
  signal(SIGPIPE, SIG_IGN);
  dbt::ExecutorSettings settings;
  settings.translator_data_socket = absl::GetFlag(FLAGS_translator_data);
  settings.translator_reconnect_ms = absl::GetFlag(FLAGS_translator_reconnect_ms);
  settings.inheritable_fds = inherited_fds;
  std::string stdio_socket = absl::GetFlag(FLAGS_stdio_socket);
  if (stdio_socket.empty() && !config.unix_socket.empty()) {
    stdio_socket = dbt::executor::StdioHandoffPath(config.unix_socket);
  }
  std::unique_ptr<dbt::executor::StdioHandoff> handoff;
  if (!stdio_socket.empty() && stdio_socket != "none") {
    absl::StatusOr<std::unique_ptr<dbt::executor::StdioHandoff>> h =
        dbt::executor::StdioHandoff::Listen(stdio_socket);
    if (!h.ok()) {
      fprintf(stderr, "dbt-executor: stdio socket: %s\n",
              std::string(h.status().message()).c_str());
      return 1;
    }
    handoff = *std::move(h);
    settings.stdio_handoff = handoff.get();
  }
  dbt::ExecutorService service(settings);
  config.services.push_back({"dbt.v1.Executor", &service});
  config.on_stop = [&service] { service.Shutdown(); };
  const int status = dbt::RunServer(config);
  service.Shutdown();  // also when the server could not start
  return status;
}
