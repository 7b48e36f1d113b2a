// How the executor service hands a SessionConfig to the session process it
// starts: 4 bytes of length (little-endian) then the serialized message, on
// an inherited fd.
#ifndef DBT_SERVICES_EXECUTOR_SESSION_SESSION_CONFIG_IO_H_
#define DBT_SERVICES_EXECUTOR_SESSION_SESSION_CONFIG_IO_H_

#include "absl/status/statusor.h"
#include "proto/executor.pb.h"

namespace dbt::executor {

inline constexpr uint32_t kMaxSessionConfigBytes = 64 << 20;

absl::Status WriteSessionConfig(int fd, const v1::SessionConfig& config);
// Reads one config; DataLoss when the stream ends early or does not parse.
absl::StatusOr<v1::SessionConfig> ReadSessionConfig(int fd);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SESSION_SESSION_CONFIG_IO_H_
