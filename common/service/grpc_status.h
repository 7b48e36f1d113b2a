// absl::Status -> grpc::Status for service handlers. The two code sets have
// the same numbers (both are the canonical google.rpc codes).
#ifndef DBT_COMMON_SERVICE_GRPC_STATUS_H_
#define DBT_COMMON_SERVICE_GRPC_STATUS_H_

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace dbt {

inline grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_GRPC_STATUS_H_
