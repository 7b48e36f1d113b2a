#include "clients/services_command.h"

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "clients/service_supervisor.h"
#include "common/service/client.h"

namespace dbt {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopGrace = std::chrono::seconds(5);
constexpr auto kRpcTimeout = std::chrono::seconds(2);

void Usage() {
  fprintf(stderr,
          "usage: dbt services up|down|status [--dir=DIR] [--v=N]\n"
          "  up      start translator, executor and cache on unix sockets in DIR\n"
          "  status  report each service's health, pid, uptime and address\n"
          "  down    stop them (SIGTERM, then SIGKILL) and remove their sockets\n"
          "  DIR defaults to %s\n",
          DefaultRuntimeDir().c_str());
}

int Up(const std::string& dir, int verbosity) {
  std::vector<std::string> started;
  for (const char* name : kServiceNames) {
    ServicePaths paths = PathsFor(dir, name);
    if (absl::StatusOr<pid_t> pid = RunningPid(paths); pid.ok()) {
      printf("%-10s already running, pid %d\n", name, *pid);
      continue;
    }
    // The executor's sessions attach to the translator's data socket.
    std::vector<std::string> extra;
    if (std::string(name) == "translator") {
      extra.push_back("--data_socket=" + TranslatorDataSocket(dir));
      // The sessions' cache (started below, or already running: the
      // translator's client waits for its socket).
      extra.push_back("--cache_service=unix:" + PathsFor(dir, "cache").socket);
    }
    if (std::string(name) == "executor") {
      extra.push_back("--translator_data=" + TranslatorDataSocket(dir));
    }
    absl::StatusOr<pid_t> pid = StartService(dir, name, kStartTimeout, verbosity, extra);
    if (!pid.ok()) {
      fprintf(stderr, "dbt: %s\n", std::string(pid.status().message()).c_str());
      for (const std::string& s : started) (void)StopService(PathsFor(dir, s), kStopGrace);
      return 1;
    }
    started.push_back(name);
    printf("%-10s started, pid %d, unix:%s\n", name, *pid, paths.socket.c_str());
  }
  return 0;
}

int Status(const std::string& dir) {
  int down = 0;
  printf("%-10s %-12s %8s %10s %-8s %s\n", "SERVICE", "HEALTH", "PID", "UPTIME", "VERSION",
         "ADDRESS");
  for (const char* name : kServiceNames) {
    ServicePaths paths = PathsFor(dir, name);
    auto channel = ConnectTo(paths.socket);
    absl::StatusOr<bool> healthy = CheckHealth(*channel, "", kRpcTimeout);
    absl::StatusOr<v1::ServiceStatus> status =
        healthy.ok() ? QueryStatus(*channel, kRpcTimeout)
                     : absl::StatusOr<v1::ServiceStatus>(healthy.status());
    if (!healthy.ok() || !status.ok()) {
      ++down;
      printf("%-10s %-12s %8s %10s %-8s unix:%s\n", name, "DOWN", "-", "-", "-",
             paths.socket.c_str());
      continue;
    }
    printf("%-10s %-12s %8lld %9.1fs %-8s %s\n", name, *healthy ? "SERVING" : "NOT_SERVING",
           static_cast<long long>(status->pid()), status->uptime_ms() / 1000.0,
           status->version().c_str(), status->listen_address().c_str());
    if (!*healthy) ++down;
  }
  return down == 0 ? 0 : 1;
}

int Down(const std::string& dir) {
  for (const char* name : kServiceNames) {
    ServicePaths paths = PathsFor(dir, name);
    absl::StatusOr<pid_t> pid = RunningPid(paths);
    absl::Status st = StopService(paths, kStopGrace);
    if (!st.ok()) {
      fprintf(stderr, "dbt: stopping %s: %s\n", name, std::string(st.message()).c_str());
      return 1;
    }
    if (pid.ok()) printf("%-10s stopped (pid %d)\n", name, *pid);
  }
  return 0;
}

}  // namespace

int ServicesCommand(const std::vector<std::string>& args) {
  std::string action;
  std::string dir = DefaultRuntimeDir();
  int verbosity = 0;
  for (const std::string& arg : args) {
    if (absl::StartsWith(arg, "--dir=")) {
      dir = arg.substr(6);
    } else if (absl::StartsWith(arg, "--v=")) {
      if (!absl::SimpleAtoi(arg.substr(4), &verbosity)) {
        Usage();
        return 2;
      }
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (action.empty() && !absl::StartsWith(arg, "-")) {
      action = arg;
    } else {
      fprintf(stderr, "dbt services: unexpected argument '%s'\n", arg.c_str());
      Usage();
      return 2;
    }
  }
  if (action == "up") return Up(dir, verbosity);
  if (action == "down") return Down(dir);
  if (action == "status") return Status(dir);
  Usage();
  return 2;
}

}  // namespace dbt
