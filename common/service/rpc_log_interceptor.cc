#include "common/service/rpc_log_interceptor.h"

#include <chrono>
#include <string>

#include "common/log.h"

namespace dbt {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), started_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            started_)
                      .count();
      DBT_LOG(1) << "rpc " << method_ << " " << StatusName(status.error_code()) << " "
                 << ms << "ms";
    }
    methods->Proceed();
  }

 private:
  static const char* StatusName(grpc::StatusCode code) {
    switch (code) {
      case grpc::OK: return "OK";
      case grpc::CANCELLED: return "CANCELLED";
      case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
      case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
      case grpc::NOT_FOUND: return "NOT_FOUND";
      case grpc::ALREADY_EXISTS: return "ALREADY_EXISTS";
      case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
      case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
      case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
      case grpc::INTERNAL: return "INTERNAL";
      case grpc::UNAVAILABLE: return "UNAVAILABLE";
      default: return "ERROR";
    }
  }

  const std::string method_;
  const std::chrono::steady_clock::time_point started_;
};

class RpcLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcLogInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory() {
  return std::make_unique<RpcLogInterceptorFactory>();
}

}  // namespace dbt
