// A server interceptor that logs one line per RPC at verbosity 1: method,
// status code and latency.
#ifndef DBT_COMMON_SERVICE_RPC_LOG_INTERCEPTOR_H_
#define DBT_COMMON_SERVICE_RPC_LOG_INTERCEPTOR_H_

#include <memory>

#include <grpcpp/support/server_interceptor.h>

namespace dbt {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory();

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_RPC_LOG_INTERCEPTOR_H_
