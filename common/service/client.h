// Client-side helpers shared by dbt, dbtctl and tests: connect to a service
// address, check its health, ask its Status.
#ifndef DBT_COMMON_SERVICE_CLIENT_H_
#define DBT_COMMON_SERVICE_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "proto/common.pb.h"

namespace dbt {

// "unix:/path", "/path" (a unix socket) or "host:port" (TCP) as gRPC target.
std::string ToGrpcTarget(const std::string& address);

std::shared_ptr<grpc::Channel> ConnectTo(const std::string& address);

// grpc.health.v1.Health/Check of `service` ("" is the whole server).
// Returns true when SERVING.
absl::StatusOr<bool> CheckHealth(grpc::Channel& channel, const std::string& service,
                                 std::chrono::milliseconds timeout);

absl::StatusOr<v1::ServiceStatus> QueryStatus(grpc::Channel& channel,
                                              std::chrono::milliseconds timeout);

// Polls health until SERVING or the timeout passes.
absl::Status WaitForServing(const std::string& address, std::chrono::milliseconds timeout);

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_CLIENT_H_
