// The dbt.v1.Executor gRPC API (proto/executor.proto).
#ifndef DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_
#define DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_

#include "proto/executor.grpc.pb.h"

namespace dbt {

// Control-plane RPCs not implemented yet answer UNIMPLEMENTED (the generated
// base class's behaviour); Status and health are served for every service by
// common/service.
class ExecutorService final : public v1::Executor::Service {};

}  // namespace dbt

#endif  // DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_
