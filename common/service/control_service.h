// dbt.v1.Control: the Status RPC every service answers (who, version, pid,
// uptime, address).
#ifndef DBT_COMMON_SERVICE_CONTROL_SERVICE_H_
#define DBT_COMMON_SERVICE_CONTROL_SERVICE_H_

#include <chrono>
#include <string>

#include "proto/common.grpc.pb.h"

namespace dbt {

class ControlService final : public v1::Control::Service {
 public:
  ControlService(std::string service_name, std::string listen_address);

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::ServiceStatus* response) override;

 private:
  const std::string service_name_;
  const std::string listen_address_;
  const std::chrono::steady_clock::time_point started_;
};

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_CONTROL_SERVICE_H_
