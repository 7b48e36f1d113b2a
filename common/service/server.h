// The life cycle every dbt service shares: listen on a unix socket (and/or
// TCP), serve grpc.health.v1.Health and dbt.v1.Control next to the service's
// own API, log one line per RPC, and shut down cleanly on SIGTERM/SIGINT,
// removing the socket.
#ifndef DBT_COMMON_SERVICE_SERVER_H_
#define DBT_COMMON_SERVICE_SERVER_H_

#include <functional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace dbt {

// The largest message a dbt service accepts (its clients split above it).
inline constexpr int kMaxServiceMessageBytes = 32 << 20;

struct ServerConfig {
  std::string service_name;  // "translator", "executor", "cache"
  std::string unix_socket;   // Path; empty if only TCP is used.
  std::string tcp_address;   // host:port; empty for none.
  // The service's own APIs; each is also registered with the health service
  // under its full name (e.g. "dbt.v1.Translator").
  std::vector<std::pair<std::string, grpc::Service*>> services;
  // Called once SIGTERM/SIGINT arrived, before the server stops taking RPCs:
  // the executor ends its sessions here, so streams still open see the end.
  std::function<void()> on_stop;
};

// Blocks SIGTERM and SIGINT in the calling thread so that every thread
// started afterwards inherits the mask and RunServer's waiter receives them.
// Call first thing in main().
void BlockTerminationSignals();

// Serves until SIGTERM or SIGINT. Returns the process exit status: 0 after a
// clean shutdown, 1 when the server could not start (the reason is printed).
int RunServer(const ServerConfig& config);

// Flags shared by the service binaries (--socket, --listen, --v), applied to
// a config and to logging. Returns false (after printing why) when neither a
// socket nor a TCP address was given.
bool ApplyCommonServiceFlags(const std::string& service_name, ServerConfig* config);

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_SERVER_H_
