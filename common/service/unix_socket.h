// Checks made before a service binds its unix socket, so that a taken path or
// an unusable directory gives a clear message instead of a gRPC bind error.
#ifndef DBT_COMMON_SERVICE_UNIX_SOCKET_H_
#define DBT_COMMON_SERVICE_UNIX_SOCKET_H_

#include <string>

#include "absl/status/status.h"

namespace dbt {

// sockaddr_un::sun_path holds 108 bytes including the terminator.
inline constexpr size_t kMaxUnixSocketPath = 107;

// Makes `path` ready for bind(): its directory must exist and be writable; a
// live socket (someone accepts connections) is an error; a stale socket file
// left by a dead process is removed; any other file is an error.
absl::Status PrepareUnixSocketPath(const std::string& path);

// True when something accepts connections on the unix socket at `path`.
bool UnixSocketIsLive(const std::string& path);

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_UNIX_SOCKET_H_
