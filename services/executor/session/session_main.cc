#include "services/executor/session/session_main.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "services/executor/runtime/guest_runner.h"
#include "services/executor/session/parent_watch.h"
#include "services/executor/session/session_config_io.h"
#include "services/executor/session/session_runner.h"
#include "services/executor/session/stats_page.h"

namespace dbt::executor {

void SessionMain(int config_fd, int stats_fd) {
  EndWithParent();
  absl::StatusOr<v1::SessionConfig> config = ReadSessionConfig(config_fd);
  close(config_fd);
  if (!config.ok()) {
    fprintf(stderr, "dbt: session: %s\n", std::string(config.status().message()).c_str());
    _exit(1);
  }
  absl::StatusOr<std::unique_ptr<StatsPageMapping>> stats = StatsPageMapping::Map(stats_fd, true);
  if (!stats.ok()) {
    fprintf(stderr, "dbt: session: %s\n", std::string(stats.status().message()).c_str());
    _exit(1);
  }
  // Not the guest's: a host program it execs must not inherit it.
  (void)fcntl(stats_fd, F_SETFD, FD_CLOEXEC);
  const std::string& cwd = config->request().cwd();
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    fprintf(stderr, "dbt: cannot change to directory %s\n", cwd.c_str());
    _exit(1);
  }
  absl::StatusOr<GuestExit> exit = RunSession(*config, &(*stats)->page()->stats);
  if (!exit.ok()) {
    fprintf(stderr, "dbt: %s\n", std::string(exit.status().message()).c_str());
    _exit(1);
  }
  ExitLikeGuest(*exit);
}

}  // namespace dbt::executor
