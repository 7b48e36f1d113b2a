#include "common/service/control_service.h"

#include <unistd.h>

#include "common/jit_abi.h"
#include "common/version.h"

namespace dbt {

ControlService::ControlService(std::string service_name, std::string listen_address)
    : service_name_(std::move(service_name)),
      listen_address_(std::move(listen_address)),
      started_(std::chrono::steady_clock::now()) {}

grpc::Status ControlService::Status(grpc::ServerContext* context,
                                    const v1::StatusRequest* request,
                                    v1::ServiceStatus* response) {
  response->set_service(service_name_);
  response->set_version(kDbtVersion);
  response->set_translator_abi(kTranslatorAbi);
  response->set_pid(getpid());
  response->set_uptime_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started_)
                              .count());
  response->set_listen_address(listen_address_);
  return grpc::Status::OK;
}

}  // namespace dbt
