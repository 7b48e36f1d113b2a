// dbtctl: remote control of running dbt services.
//   dbtctl --connect=ADDR status
// ADDR is unix:/path, /path (unix socket) or host:port.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/service/client.h"

namespace {

void Usage() {
  fprintf(stderr,
          "usage: dbtctl --connect=ADDR COMMAND\n"
          "  ADDR: unix:/path/to.sock, /path/to.sock or host:port\n"
          "commands:\n"
          "  status   health, service name, version, pid and uptime\n");
}

int Status(const std::string& address) {
  auto channel = dbt::ConnectTo(address);
  absl::StatusOr<bool> healthy = dbt::CheckHealth(*channel, "", std::chrono::seconds(3));
  if (!healthy.ok()) {
    fprintf(stderr, "dbtctl: %s: %s\n", address.c_str(),
            std::string(healthy.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<dbt::v1::ServiceStatus> status =
      dbt::QueryStatus(*channel, std::chrono::seconds(3));
  if (!status.ok()) {
    fprintf(stderr, "dbtctl: %s: Status: %s\n", address.c_str(),
            std::string(status.status().message()).c_str());
    return 1;
  }
  printf("service:        %s\n", status->service().c_str());
  printf("health:         %s\n", *healthy ? "SERVING" : "NOT_SERVING");
  printf("version:        %s\n", status->version().c_str());
  printf("translator_abi: %u\n", status->translator_abi());
  printf("pid:            %lld\n", static_cast<long long>(status->pid()));
  printf("uptime:         %.1fs\n", status->uptime_ms() / 1000.0);
  printf("address:        %s\n", status->listen_address().c_str());
  return *healthy ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string address;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--connect=")) {
      address = arg.substr(10);
    } else if (arg == "--connect" && i + 1 < argc) {
      address = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else {
      rest.push_back(arg);
    }
  }
  if (address.empty() || rest.size() != 1) {
    Usage();
    return 2;
  }
  if (rest[0] == "status") return Status(address);
  fprintf(stderr, "dbtctl: unknown command '%s'\n", rest[0].c_str());
  Usage();
  return 2;
}
